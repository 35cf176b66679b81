//! Login and the current user.

use axum::{extract::State, Json};
use serde::{Deserialize, Serialize};

use super::{ApiJson, AuthUser};
use crate::{db::actors, domain::actor::Role, error::AppResult, service::accounts, state::Fed};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub username: String,
    pub role: Role,
    /// The account's ActivityPub actor id.
    pub actor: String,
    /// Handle of the organisation for managers and reviewers.
    pub organization: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/auth/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = super::ErrorBody)))]
pub async fn login(
    State(fed): State<Fed>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> AppResult<Json<LoginResponse>> {
    let ctx = fed.to_request_data();
    let token = accounts::login(&ctx.db, req.username.trim(), &req.password).await?;
    Ok(Json(LoginResponse { token }))
}

#[utoipa::path(get, path = "/api/v1/me", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = super::ErrorBody)))]
pub async fn me(State(fed): State<Fed>, AuthUser(u): AuthUser) -> AppResult<Json<Me>> {
    let ctx = fed.to_request_data();
    let actor = actors::by_id(&ctx.db, u.actor_id).await?;
    let org = match u.organization_id {
        Some(id) => actors::by_id(&ctx.db, id).await?.map(|a| a.username),
        None => None,
    };
    Ok(Json(Me {
        username: u.username,
        role: u.role,
        actor: actor.map(|a| a.ap_id.to_string()).unwrap_or_default(),
        organization: org,
    }))
}
