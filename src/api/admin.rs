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
