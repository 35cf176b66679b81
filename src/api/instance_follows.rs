//! Admin: the instances this one follows (a hub following the regions), with the progress
//! of the backfill of each.

use axum::{extract::State, http::StatusCode, Json};
use serde::Deserialize;

use super::{ApiJson, AuthUser};
use crate::{
    domain::actor::Role,
    error::AppResult,
    http_util::ApiPath,
    service::instance_follows::{self, BackfillFailureView, InstanceFollowView},
    state::Fed,
};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct InstanceFollowRequest {
    /// The other instance's base URL (`https://region.example`) or its instance actor's id
    /// (`https://region.example/actor`).
    pub target: String,
}

/// Follows another instance: 201 with the new follow, 200 with the existing one.
#[utoipa::path(post, path = "/api/v1/admin/instance-follows", request_body = InstanceFollowRequest,
    security(("bearer" = [])),
    responses((status = 201, body = InstanceFollowView), (status = 200, body = InstanceFollowView),
              (status = 400, description = "this instance itself", body = super::ErrorBody),
              (status = 403, body = super::ErrorBody),
              (status = 422, description = "not a URL, or not an instance actor", body = super::ErrorBody),
              (status = 502, description = "the instance could not be reached, and why", body = super::ErrorBody)))]
pub async fn create(
    State(fed): State<Fed>,
    user: AuthUser,
    ApiJson(req): ApiJson<InstanceFollowRequest>,
) -> AppResult<(StatusCode, Json<InstanceFollowView>)> {
    user.require(&[Role::Admin])?;
    let ctx = fed.to_request_data();
    let (f, new) = instance_follows::follow(&ctx, &req.target).await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(f)))
}

#[utoipa::path(get, path = "/api/v1/admin/instance-follows", security(("bearer" = [])),
    responses((status = 200, body = [InstanceFollowView]), (status = 403, body = super::ErrorBody)))]
pub async fn list(
    State(fed): State<Fed>,
    user: AuthUser,
) -> AppResult<Json<Vec<InstanceFollowView>>> {
    user.require(&[Role::Admin])?;
    Ok(Json(instance_follows::list(&fed.to_request_data()).await?))
}

#[utoipa::path(get, path = "/api/v1/admin/instance-follows/{id}", security(("bearer" = [])),
    params(("id" = i64, Path, description = "id of the instance follow")),
    responses((status = 200, body = InstanceFollowView), (status = 404, body = super::ErrorBody)))]
pub async fn get(
    State(fed): State<Fed>,
    user: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<InstanceFollowView>> {
    user.require(&[Role::Admin])?;
    Ok(Json(
        instance_follows::get(&fed.to_request_data(), id).await?,
    ))
}

/// The practices the backfill could not store, with their error and next attempt.
#[utoipa::path(get, path = "/api/v1/admin/instance-follows/{id}/failures", security(("bearer" = [])),
    params(("id" = i64, Path, description = "id of the instance follow")),
    responses((status = 200, body = [BackfillFailureView]), (status = 404, body = super::ErrorBody)))]
pub async fn failures(
    State(fed): State<Fed>,
    user: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Vec<BackfillFailureView>>> {
    user.require(&[Role::Admin])?;
    Ok(Json(
        instance_follows::failures(&fed.to_request_data(), id).await?,
    ))
}

/// Stops following the instance (an `Undo` of the `Follow`); what was stored stays.
#[utoipa::path(delete, path = "/api/v1/admin/instance-follows/{id}", security(("bearer" = [])),
    params(("id" = i64, Path, description = "id of the instance follow")),
    responses((status = 204), (status = 404, body = super::ErrorBody)))]
pub async fn remove(
    State(fed): State<Fed>,
    user: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    user.require(&[Role::Admin])?;
    instance_follows::unfollow(&fed.to_request_data(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
