//! Admin views of federation: instance states, failed incoming activities, draining the queues.

use std::time::{Duration, Instant};

use axum::{extract::State, Json};
use serde::{Deserialize, Serialize};

use super::AuthUser;
use crate::{
    db::{deliveries, inbox, instances},
    domain::{actor::Role, delivery::InstanceState as Health},
    error::AppResult,
    state::Fed,
};

#[derive(Serialize, utoipa::ToSchema)]
pub struct InstanceState {
    pub domain: String,
    /// `up`, `backoff` (failing, retrying later) or `dead` (failing for days, probed rarely).
    pub state: Health,
    /// Deliveries waiting for this instance.
    pub lagging_by: i64,
    /// Milliseconds since the epoch before which nothing is sent.
    pub backoff_until: Option<i64>,
    pub consecutive_failures: i64,
    pub failing_since: Option<i64>,
    pub last_success_at: Option<i64>,
    pub last_error: Option<String>,
    pub oldest_pending_age_ms: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FederationState {
    pub instances: Vec<InstanceState>,
    pub pending_deliveries: i64,
    pub pending_inbox: i64,
    pub failed_inbox: i64,
}

async fn state(fed: &Fed) -> AppResult<FederationState> {
    let ctx = fed.to_request_data();
    let now = crate::db::now_ms();
    let instances = instances::all(&ctx.db)
        .await?
        .into_iter()
        .map(|i| InstanceState {
            domain: i.domain,
            state: i.state,
            lagging_by: i.pending,
            backoff_until: (i.backoff_until > now).then_some(i.backoff_until),
            consecutive_failures: i.consecutive_failures,
            failing_since: i.failing_since,
            last_success_at: i.last_success_at,
            last_error: i.last_error,
            oldest_pending_age_ms: i.oldest_pending_at.map(|t| now - t),
        })
        .collect();
    let failed = inbox::failed_count(&ctx.db).await?;
    Ok(FederationState {
        instances,
        pending_deliveries: deliveries::pending_count(&ctx.db).await?,
        pending_inbox: inbox::pending_count(&ctx.db).await?,
        failed_inbox: failed,
    })
}

#[utoipa::path(get, path = "/api/v1/admin/federation", security(("bearer" = [])),
    responses((status = 200, body = FederationState), (status = 403, body = super::ErrorBody)))]
pub async fn federation(
    State(fed): State<Fed>,
    user: AuthUser,
) -> AppResult<Json<FederationState>> {
    user.require(&[Role::Admin])?;
    Ok(Json(state(&fed).await?))
}

#[derive(Deserialize)]
pub struct DrainQuery {
    timeout_ms: Option<u64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DrainResult {
    /// True when nothing is left that could be sent or applied now.
    pub drained: bool,
    pub pending_deliveries: i64,
    pub pending_inbox: i64,
}

/// Wakes the workers and waits (bounded) until no delivery or incoming activity is due.
#[utoipa::path(post, path = "/api/v1/admin/federation/drain", security(("bearer" = [])),
    params(("timeout_ms" = Option<u64>, Query, description = "how long to wait, default 10000")),
    responses((status = 200, body = DrainResult), (status = 403, body = super::ErrorBody)))]
pub async fn drain(
    State(fed): State<Fed>,
    user: AuthUser,
    crate::http_util::ApiQuery(q): crate::http_util::ApiQuery<DrainQuery>,
) -> AppResult<Json<DrainResult>> {
    user.require(&[Role::Admin])?;
    let ctx = fed.to_request_data();
    let deadline =
        Instant::now() + Duration::from_millis(q.timeout_ms.unwrap_or(10_000).min(120_000));
    loop {
        ctx.delivery_wake.notify_one();
        ctx.inbox_wake.notify_one();
        let s = state(&fed).await?;
        let due_now = deliveries::any_due(&ctx.db, crate::db::now_ms()).await?;
        let busy = s
            .instances
            .iter()
            .any(|i| i.lagging_by > 0 && i.backoff_until.is_none());
        let drained = s.pending_inbox == 0 && !due_now && !busy;
        if drained || Instant::now() >= deadline {
            return Ok(Json(DrainResult {
                drained,
                pending_deliveries: s.pending_deliveries,
                pending_inbox: s.pending_inbox,
            }));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[utoipa::path(get, path = "/api/v1/admin/inbox/failed", security(("bearer" = [])),
    responses((status = 200, description = "incoming activities that could not be applied, with their error"),
              (status = 403, body = super::ErrorBody)))]
pub async fn failed_inbox(
    State(fed): State<Fed>,
    user: AuthUser,
) -> AppResult<Json<Vec<inbox::InboxRow>>> {
    user.require(&[Role::Admin])?;
    let ctx = fed.to_request_data();
    Ok(Json(inbox::failed(&ctx.db, 200).await?))
}

/// An entry of the trusted administration instances.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TrustedInstance {
    /// `host[:port]`, as in actor ids.
    pub host: String,
    /// `admin`, or the URL of the subscribed list it came from.
    pub source: String,
    /// Milliseconds since the epoch.
    pub added_at: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TrustRequest {
    /// `host[:port]` of an administration instance.
    pub host: String,
}

/// The instances whose managers and reviewers count as peers here, besides this one.
#[utoipa::path(get, path = "/api/v1/admin/trusted-instances", security(("bearer" = [])),
    responses((status = 200, body = [TrustedInstance]), (status = 403, body = super::ErrorBody)))]
pub async fn trusted_instances(
    State(fed): State<Fed>,
    user: AuthUser,
) -> AppResult<Json<Vec<TrustedInstance>>> {
    user.require(&[Role::Admin])?;
    let ctx = fed.to_request_data();
    let rows = crate::db::trusted::all(&ctx.db).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| TrustedInstance {
                host: r.host,
                source: r.source,
                added_at: r.added_at,
            })
            .collect(),
    ))
}

/// Trusts an administration instance: 201 when added, 200 when it was listed already.
#[utoipa::path(post, path = "/api/v1/admin/trusted-instances", request_body = TrustRequest,
    security(("bearer" = [])),
    responses((status = 201), (status = 200), (status = 422, body = super::ErrorBody)))]
pub async fn trust_instance(
    State(fed): State<Fed>,
    user: AuthUser,
    super::ApiJson(req): super::ApiJson<TrustRequest>,
) -> AppResult<axum::http::StatusCode> {
    user.require(&[Role::Admin])?;
    let ctx = fed.to_request_data();
    let added = crate::service::trust::trust(&ctx.db, &ctx.config, &req.host, "admin").await?;
    Ok(if added {
        axum::http::StatusCode::CREATED
    } else {
        axum::http::StatusCode::OK
    })
}

/// Stops trusting an instance.
#[utoipa::path(delete, path = "/api/v1/admin/trusted-instances/{host}", security(("bearer" = [])),
    params(("host" = String, Path, description = "host[:port]")),
    responses((status = 204), (status = 404, body = super::ErrorBody)))]
pub async fn untrust_instance(
    State(fed): State<Fed>,
    user: AuthUser,
    crate::http_util::ApiPath(host): crate::http_util::ApiPath<String>,
) -> AppResult<axum::http::StatusCode> {
    user.require(&[Role::Admin])?;
    let ctx = fed.to_request_data();
    crate::service::trust::untrust(&ctx.db, &ctx.config, &host).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// The public list of trusted administration instances, this one first, for other
/// instances to subscribe to.
#[utoipa::path(get, path = "/api/v1/trusted-instances",
    responses((status = 200, body = [String])))]
pub async fn public_trusted_instances(State(fed): State<Fed>) -> AppResult<Json<Vec<String>>> {
    let ctx = fed.to_request_data();
    Ok(Json(
        crate::service::trust::list(&ctx.db, &ctx.config).await?,
    ))
}

/// Lets in an account signed up on the web site that waits for an admin's approval.
#[utoipa::path(post, path = "/api/v1/admin/users/{username}/approve", security(("bearer" = [])),
    params(("username" = String, Path, description = "the account's handle")),
    responses((status = 204), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody)))]
pub async fn approve_user(
    State(fed): State<Fed>,
    user: AuthUser,
    crate::http_util::ApiPath(username): crate::http_util::ApiPath<String>,
) -> AppResult<axum::http::StatusCode> {
    user.require(&[Role::Admin])?;
    let ctx = fed.to_request_data();
    crate::service::sessions::approve(&ctx.db, &username).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
