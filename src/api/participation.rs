//! Proof of reading and endorsements through the API: what the caller opened of a practice,
//! and their endorsement of it.

use axum::{extract::State, http::StatusCode, Json};

use super::{ApiJson, AuthUser};
use crate::{
    error::AppResult,
    http_util::ApiPath,
    service::participation::{self, Endorse, EndorsementView, Opening, ReadingView},
    state::Fed,
};

#[utoipa::path(get, path = "/api/v1/practices/{id}/reading", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = ReadingView), (status = 404, body = super::ErrorBody)))]
pub async fn reading(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ReadingView>> {
    let ctx = fed.to_request_data();
    Ok(Json(participation::reading(&ctx, &u, id).await?))
}

#[utoipa::path(post, path = "/api/v1/practices/{id}/reading", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = Opening,
    responses((status = 200, body = ReadingView),
              (status = 400, description = "a key that is not a part of the practice; nothing stored", body = super::ErrorBody),
              (status = 404, body = super::ErrorBody)))]
pub async fn open(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Opening>,
) -> AppResult<Json<ReadingView>> {
    let ctx = fed.to_request_data();
    Ok(Json(participation::open(&ctx, &u, id, body).await?))
}

#[utoipa::path(put, path = "/api/v1/practices/{id}/endorsement", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = Endorse,
    responses((status = 200, body = EndorsementView), (status = 422, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody)))]
pub async fn endorse(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Endorse>,
) -> AppResult<Json<EndorsementView>> {
    let ctx = fed.to_request_data();
    Ok(Json(participation::endorse(&ctx, &u, id, body).await?))
}

#[utoipa::path(delete, path = "/api/v1/practices/{id}/endorsement", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 404, description = "no such practice, or no endorsement of it", body = super::ErrorBody)))]
pub async fn withdraw(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    let ctx = fed.to_request_data();
    participation::withdraw(&ctx, &u, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
