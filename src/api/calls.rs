//! Calls for candidacies through the API: this instance's commission (its admins) opens,
//! edits and closes them; anyone lists and reads them.

use axum::{extract::State, http::StatusCode, Json};

use super::{ApiJson, AuthUser};
use crate::{
    error::AppResult,
    http_util::ApiPath,
    service::calls::{self, CallPatch, CallView, NewCallBody},
    state::Fed,
};

#[utoipa::path(post, path = "/api/v1/calls", security(("bearer" = [])),
    request_body = NewCallBody,
    responses((status = 201, body = CallView), (status = 403, body = super::ErrorBody),
              (status = 422, description = "every invalid field at once", body = super::ErrorBody)))]
pub async fn create(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiJson(body): ApiJson<NewCallBody>,
) -> AppResult<(StatusCode, Json<CallView>)> {
    let ctx = fed.to_request_data();
    Ok((
        StatusCode::CREATED,
        Json(calls::create(&ctx, &u, body).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/calls",
    responses((status = 200, body = [CallView])))]
pub async fn list(State(fed): State<Fed>) -> AppResult<Json<Vec<CallView>>> {
    let ctx = fed.to_request_data();
    Ok(Json(calls::list(&ctx).await?))
}

#[utoipa::path(get, path = "/api/v1/calls/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = CallView), (status = 404, body = super::ErrorBody)))]
pub async fn get(State(fed): State<Fed>, ApiPath(id): ApiPath<i64>) -> AppResult<Json<CallView>> {
    let ctx = fed.to_request_data();
    Ok(Json(calls::get(&ctx, id).await?))
}

#[utoipa::path(patch, path = "/api/v1/calls/{id}", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = CallPatch,
    responses((status = 200, body = CallView), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn patch(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CallPatch>,
) -> AppResult<Json<CallView>> {
    let ctx = fed.to_request_data();
    Ok(Json(calls::patch(&ctx, &u, id, body).await?))
}
