//! Instance follows: this instance's actor follows another instance's (the national hub
//! following the regions), by the admin API, the CLI or `PRASSI_FOLLOW_INSTANCES`; the
//! followed instance relays what it publishes, and the walk of its outbox
//! (`federation::backfill`) brings what it published before.

use std::time::Duration;

use activitypub_federation::fetch::{fetch_object_http, object_id::ObjectId};
use serde::Serialize;
use tokio::sync::watch;
use url::Url;

use crate::{
    config::host_port,
    db::{
        actors::{self, ActorRow},
        follows,
        instance_follows::{self, InstanceFollowRow},
    },
    domain::actor::ActorKind,
    error::{AppError, AppResult},
    federation::{
        activities::{follow, undo},
        delivery::backoff_delay,
        outbox,
    },
    state::Ctx,
};

/// How far the walk of a followed instance's outbox got.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BackfillProgress {
    /// Pages read and stored.
    pub pages: i64,
    /// Practices read (stored, or held already).
    pub items: i64,
    /// Practices the followed instance's outbox said it holds, when the walk read it.
    pub total: Option<i64>,
    /// Practices that could not be stored when read (see `failed` for those still waiting).
    pub errors: i64,
    /// The walk reached the end of the outbox (failures are retried apart).
    pub done: bool,
    /// The page the walk reads next (its cursor).
    pub next_page: Option<String>,
    /// Why the last page could not be read, until one is.
    pub last_error: Option<String>,
    /// Practices waiting for a retry or given up: `GET …/instance-follows/{id}/failures`.
    pub failed: i64,
}

/// An instance followed here.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InstanceFollowView {
    pub id: i64,
    /// The followed instance actor's id.
    pub target: String,
    /// `host[:port]` of the followed instance.
    pub domain: String,
    /// `pending` until the instance accepts, then `accepted`; `rejected` when it refused.
    pub state: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub backfill: BackfillProgress,
}

/// A practice a walk could not store.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BackfillFailureView {
    pub object_id: String,
    pub error: String,
    pub attempts: i64,
    /// Milliseconds since the epoch; absent when given up.
    pub next_attempt_at: Option<i64>,
}

fn view(r: InstanceFollowRow) -> InstanceFollowView {
    InstanceFollowView {
        id: r.id,
        target: r.target_ap_id,
        domain: r.target_domain,
        state: match r.accepted {
            Some(true) => "accepted",
            Some(false) => "pending",
            None => "rejected",
        }
        .into(),
        created_at: r.created_at,
        backfill: BackfillProgress {
            pages: r.pages,
            items: r.items,
            total: r.total,
            errors: r.errors,
            done: r.done,
            next_page: r.next_page,
            last_error: r.last_error,
            failed: r.failed,
        },
    }
}

/// The instance actor named by `target`: an instance's base URL (its actor is `/actor`) or
/// the actor's id.
pub fn actor_url(target: &str) -> AppResult<Url> {
    let bad = || {
        AppError::invalid_field(
            "target",
            "must be the http(s) URL of an instance or of its instance actor",
        )
    };
    let u = Url::parse(target.trim()).map_err(|_| bad())?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err(bad());
    }
    if u.path() == "/" && u.query().is_none() {
        return Ok(u.join("/actor")?);
    }
    Ok(u)
}

/// Fetches (signed) the instance actor at `url`, refusing anything but an `Application`.
async fn instance_actor(ctx: &Ctx, url: Url) -> AppResult<ActorRow> {
    use activitypub_federation::error::Error as E;
    let shown = url.to_string();
    let not_one = |why: String| {
        AppError::invalid_field("target", format!("{shown} is not an instance actor: {why}"))
    };
    // Read first as plain JSON, so that what answered can be told from what did not.
    let doc = fetch_object_http::<_, serde_json::Value>(&url, ctx)
        .await
        .map_err(|e| match e {
            E::NotFound | E::ObjectDeleted(_) => not_one("nothing is there".into()),
            E::ParseFetchedObject(..) | E::FetchInvalidContentType(_) => {
                not_one("it answered with no actor document".into())
            }
            other => match AppError::from(other) {
                AppError::Upstream(why) => {
                    AppError::Upstream(format!("cannot reach {shown}: {why}"))
                }
                other => other,
            },
        })?
        .object;
    match doc.get("type").and_then(serde_json::Value::as_str) {
        Some("Application") => {}
        Some(t) => return Err(not_one(format!("it is a {t}, not an Application"))),
        None => return Err(not_one("it answered with no actor document".into())),
    }
    let actor = ObjectId::<ActorRow>::from(url).dereference(ctx).await?;
    if actor.kind != ActorKind::Application {
        return Err(not_one(format!("it is a {}", actor.kind.as_str())));
    }
    Ok(actor)
}

/// Follows the instance `target`: resolves and checks its actor, records the follow and
/// queues the `Follow`. Following again returns the existing follow (`false`: not new).
///
/// The walk of its outbox starts when the `Accept` arrives (see `federation::backfill`):
/// then nothing published meanwhile falls between the walk and the relay.
pub async fn follow(ctx: &Ctx, target: &str) -> AppResult<(InstanceFollowView, bool)> {
    let url = actor_url(target)?;
    if host_port(&url) == ctx.config.domain() {
        return Err(AppError::bad_request(
            "self_follow",
            "an instance cannot follow itself",
        ));
    }
    let target = instance_actor(ctx, url).await?;
    let me = &ctx.instance_actor;
    let mut tx = ctx.db.begin().await?;
    let new = instance_follows::insert(&mut tx, target.id).await?;
    let following = follows::find(
        &ctx.db,
        "",
        Some((me.ap_id.as_str(), target.ap_id.as_str())),
    )
    .await?
    .is_some();
    if new || !following {
        follow::send(ctx, &mut tx, me, &target).await?;
    }
    let row = instance_follows::by_target(&mut tx, me.id, target.id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("instance follow vanished")))?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    if new {
        tracing::info!(instance = %target.ap_id, "following the instance; its outbox will be walked");
    }
    Ok((view(row), new))
}

/// Every instance followed here, newest first.
pub async fn list(ctx: &Ctx) -> AppResult<Vec<InstanceFollowView>> {
    Ok(instance_follows::list(&ctx.db, ctx.instance_actor.id)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

pub async fn get(ctx: &Ctx, id: i64) -> AppResult<InstanceFollowView> {
    instance_follows::by_id(&ctx.db, ctx.instance_actor.id, id)
        .await?
        .map(view)
        .ok_or_else(|| AppError::NotFound(format!("no instance follow {id}")))
}

/// The practices the walk of follow `id` could not store.
pub async fn failures(ctx: &Ctx, id: i64) -> AppResult<Vec<BackfillFailureView>> {
    get(ctx, id).await?;
    Ok(instance_follows::failures(&ctx.db, id)
        .await?
        .into_iter()
        .map(|f| BackfillFailureView {
            object_id: f.object_id,
            error: f.error,
            attempts: f.attempts,
            next_attempt_at: f.next_attempt_at,
        })
        .collect())
}

/// Stops following: the `Undo` of the `Follow` is queued, the walk and its failures are
/// forgotten (the practices stored stay).
pub async fn unfollow(ctx: &Ctx, id: i64) -> AppResult<()> {
    let me = &ctx.instance_actor;
    let f = instance_follows::by_id(&ctx.db, me.id, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no instance follow {id}")))?;
    let target = actors::by_id(&ctx.db, f.target_id)
        .await?
        .ok_or_else(|| AppError::NotFound("the followed instance actor is gone".into()))?;
    let row = follows::find(
        &ctx.db,
        "",
        Some((me.ap_id.as_str(), target.ap_id.as_str())),
    )
    .await?;
    let mut tx = ctx.db.begin().await?;
    if let Some(row) = row {
        undo::send_unfollow(ctx, &mut tx, me, &target, &row.activity_id).await?;
    }
    instance_follows::delete(&mut tx, id).await?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    tracing::info!(instance = %target.ap_id, "no longer following the instance");
    Ok(())
}

/// The follow of the instance `target` (its base URL or actor id), as the CLI names it.
pub async fn find(ctx: &Ctx, target: &str) -> AppResult<InstanceFollowView> {
    let url = actor_url(target)?;
    list(ctx)
        .await?
        .into_iter()
        .find(|f| f.target == url.as_str())
        .ok_or_else(|| AppError::NotFound(format!("this instance does not follow {url}")))
}

/// Whether following failed for a reason that may pass (the instance is not up yet).
fn worth_retrying(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Upstream(_) | AppError::Internal(_) | AppError::Timeout(_)
    )
}

/// Follows every instance of `PRASSI_FOLLOW_INSTANCES`, idempotently; one that cannot be
/// reached is tried again with back-off (one log line per attempt) until it answers, one
/// that can never be followed (itself, not an instance) is reported once and dropped.
pub async fn follow_configured(ctx: Ctx, mut stopped: watch::Receiver<bool>) {
    let mut pending: Vec<Url> = ctx.config.follow_instances.clone();
    let mut attempt: i64 = 0;
    while !pending.is_empty() {
        attempt += 1;
        let wait = retry_delay(&ctx, attempt);
        let mut still = Vec::new();
        for url in pending {
            match follow(&ctx, url.as_str()).await {
                Ok((f, new)) => tracing::info!(
                    instance = %url, id = f.id, new, state = %f.state,
                    "following the instance (PRASSI_FOLLOW_INSTANCES)"
                ),
                Err(e) if worth_retrying(&e) => {
                    tracing::warn!(
                        instance = %url, attempt, error = %e, retry_in_ms = wait.as_millis() as u64,
                        "cannot follow the instance yet (PRASSI_FOLLOW_INSTANCES); will try again"
                    );
                    still.push(url);
                }
                Err(e) => tracing::error!(
                    instance = %url, error = %e,
                    "cannot follow the instance (PRASSI_FOLLOW_INSTANCES); not trying again"
                ),
            }
        }
        pending = still;
        if pending.is_empty() {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// The pause before attempt `attempt + 1`: the delivery back-off, starting at a second at
/// most (instances started together come up within seconds of each other), and at least
/// the poll interval.
fn retry_delay(ctx: &Ctx, attempt: i64) -> Duration {
    let mut cfg = ctx.config.delivery.clone();
    cfg.retry_base = cfg.retry_base.min(Duration::from_secs(1));
    backoff_delay(&cfg, attempt).max(ctx.config.delivery.poll_interval)
}
