//! Following actors anywhere from a local account.

use axum::{extract::State, http::StatusCode, Json};
use serde::Deserialize;

use super::{ApiJson, AuthUser};
use crate::{
    error::AppResult,
    http_util::ApiPath,
    service::follows::{self, FollowView},
    state::Fed,
};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct FollowRequest {
    /// `acct:name@domain`, `name@domain` or the actor's URL.
    pub target: String,
}

#[utoipa::path(post, path = "/api/v1/follows", request_body = FollowRequest, security(("bearer" = [])),
    responses((status = 202, description = "Follow sent; `state` turns `accepted` when the target accepts", body = FollowView),
              (status = 401, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
              (status = 502, description = "the target's server could not be reached", body = super::ErrorBody)))]
pub async fn create(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiJson(req): ApiJson<FollowRequest>,
) -> AppResult<(StatusCode, Json<FollowView>)> {
    let ctx = fed.to_request_data();
    let f = follows::follow(&ctx, &u, &req.target).await?;
    Ok((StatusCode::ACCEPTED, Json(f)))
}

#[utoipa::path(get, path = "/api/v1/follows", security(("bearer" = [])),
    responses((status = 200, body = [FollowView]), (status = 401, body = super::ErrorBody)))]
pub async fn list(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
) -> AppResult<Json<Vec<FollowView>>> {
    let ctx = fed.to_request_data();
    Ok(Json(follows::list(&ctx, &u).await?))
}

#[utoipa::path(delete, path = "/api/v1/follows/{id}", security(("bearer" = [])),
    params(("id" = i64, Path, description = "id of the follow")),
    responses((status = 204), (status = 404, body = super::ErrorBody)))]
pub async fn remove(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    let ctx = fed.to_request_data();
    follows::unfollow(&ctx, &u, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
