//! Login and the current user.

use axum::{extract::State, http::StatusCode, Json};
use serde::{Deserialize, Serialize};

use super::{ApiJson, AuthToken, AuthUser, ClientAddr};
use crate::http_util::ApiPath;
use crate::{
    db::{actors, users, users::UserRow},
    domain::actor::Role,
    error::{AppError, AppResult},
    service::credentials,
    state::Fed,
};

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
    /// Whether a manager appears in the ranking of managers (opt-in).
    pub ranked: bool,
}

/// What the caller may change of their own account.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MePatch {
    /// Appear in the ranking of managers (managers only).
    pub ranked: Option<bool>,
}

/// One of the caller's API tokens (the token itself is shown only once, when issued).
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// The token this request came with.
    pub current: bool,
}

/// Failed log-ins are throttled by account and by client address: past a few, each try must
/// wait longer (429 with `Retry-After`), and then the account is locked out for a while.
#[utoipa::path(post, path = "/api/v1/auth/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = super::ErrorBody),
        (status = 429, body = super::ErrorBody)))]
pub async fn login(
    State(fed): State<Fed>,
    ClientAddr(client): ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> AppResult<Json<LoginResponse>> {
    let ctx = fed.to_request_data();
    let token = credentials::login(&ctx, req.username.trim(), &req.password, client).await?;
    Ok(Json(LoginResponse { token }))
}

/// Revokes the token this request came with.
#[utoipa::path(post, path = "/api/v1/auth/logout", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = super::ErrorBody)))]
pub async fn logout(State(fed): State<Fed>, AuthToken(t): AuthToken) -> AppResult<StatusCode> {
    let ctx = fed.to_request_data();
    users::revoke_token(&ctx.db, t.user.id, t.token_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's tokens that have not expired, newest first.
#[utoipa::path(get, path = "/api/v1/auth/tokens", security(("bearer" = [])),
    responses((status = 200, body = [TokenView]), (status = 401, body = super::ErrorBody)))]
pub async fn tokens(
    State(fed): State<Fed>,
    AuthToken(t): AuthToken,
) -> AppResult<Json<Vec<TokenView>>> {
    let ctx = fed.to_request_data();
    let rows = users::tokens(&ctx.db, t.user.id, crate::db::now_ms()).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| TokenView {
                id: r.id,
                created_at: r.created_at,
                expires_at: chrono::DateTime::from_timestamp_millis(r.expires_at)
                    .unwrap_or_default(),
                current: r.id == t.token_id,
            })
            .collect(),
    ))
}

/// Revokes one of the caller's tokens (another device's session, say).
#[utoipa::path(delete, path = "/api/v1/auth/tokens/{id}", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The token's id, from the list")),
    responses((status = 204), (status = 404, body = super::ErrorBody)))]
pub async fn revoke(
    State(fed): State<Fed>,
    AuthToken(t): AuthToken,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    let ctx = fed.to_request_data();
    if users::revoke_token(&ctx.db, t.user.id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound(format!("you have no token {id}")))
    }
}

#[utoipa::path(get, path = "/api/v1/me", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = super::ErrorBody)))]
pub async fn me(State(fed): State<Fed>, AuthUser(u): AuthUser) -> AppResult<Json<Me>> {
    let ctx = fed.to_request_data();
    Ok(Json(me_of(&ctx, u).await?))
}

async fn me_of(ctx: &crate::state::Ctx, u: UserRow) -> AppResult<Me> {
    let actor = actors::by_id(&ctx.db, u.actor_id).await?;
    let org = match u.organization_id {
        Some(id) => actors::by_id(&ctx.db, id).await?.map(|a| a.username),
        None => None,
    };
    Ok(Me {
        username: u.username,
        role: u.role,
        actor: actor.map(|a| a.ap_id.to_string()).unwrap_or_default(),
        organization: org,
        ranked: u.ranked,
    })
}

/// Changes the caller's own settings: `{"ranked": true}` puts a manager in the ranking of
/// managers, `false` takes them out.
#[utoipa::path(patch, path = "/api/v1/me", security(("bearer" = [])), request_body = MePatch,
    responses((status = 200, body = Me), (status = 400, body = super::ErrorBody),
        (status = 401, body = super::ErrorBody)))]
pub async fn patch_me(
    State(fed): State<Fed>,
    AuthUser(mut u): AuthUser,
    ApiJson(patch): ApiJson<MePatch>,
) -> AppResult<Json<Me>> {
    let ctx = fed.to_request_data();
    if let Some(ranked) = patch.ranked {
        if ranked && u.role != Role::Manager {
            return Err(AppError::bad_request(
                "not_a_manager",
                "only a manager can appear in the ranking of managers",
            ));
        }
        users::set_ranked(&ctx.db, u.id, ranked).await?;
        u.ranked = ranked;
    }
    Ok(Json(me_of(&ctx, u).await?))
}
