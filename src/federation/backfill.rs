//! Backfill: walking the `/actor/outbox` of an instance followed here, once it accepted the
//! follow, page by page with signed GETs, storing every practice it announces through the path every remote practice
//! takes (`store_article`, admitted because the walk asked for it) with its thread. The
//! cursor and the progress are saved after each page (`db::instance_follows`), so a restart
//! resumes from the page it was reading; storing is idempotent on the practice's id, so a
//! page read twice, or a practice that also came live by the relay, is stored once. What
//! cannot be stored is recorded with its error and retried with back-off.
//!
//! Why after the `Accept`: the followed instance relays to us whatever it publishes once it
//! recorded us as an accepted follower, which it does before it answers; everything
//! published before that is in its outbox when we walk it after the answer. Walking earlier
//! could miss a practice published between the walk and the acceptance.
//!
//! Trust: a page is fetched from the followed instance's host, so an embedded `Article` whose
//! id is on that host is as good as fetching it; an item of any other host is refused.

use std::time::Duration;

use activitypub_federation::fetch::fetch_object_http;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::watch;
use url::Url;

use crate::{
    config::host_port,
    db::{
        actors::{self, ActorRow},
        instance_follows::{self, Walk},
    },
    error::{AppError, AppResult},
    federation::{
        delivery::backoff_delay,
        error::ApplyError,
        objects::{
            admission::Arrival,
            comment::{fetch_object, Fetched},
            practice::{gone, store_article},
        },
        protocol::{activities::Posted, objects::Article, values::value_id},
    },
    state::Ctx,
};

/// Failures retried per claim of a follow.
const RETRIES_PER_TURN: i64 = 50;

/// What one page held.
#[derive(Debug, Clone, Default)]
pub struct PageResult {
    /// Items read (stored now, or held already).
    pub items: i64,
    /// Items that could not be stored (recorded in `backfill_failures`).
    pub errors: i64,
    /// The next page, when there is one.
    pub next: Option<Url>,
    /// How many practices the outbox says it holds, when it says.
    pub total: Option<i64>,
}

/// Fetches `url` (signed, by the instance actor) as JSON.
async fn fetch_json(ctx: &Ctx, url: &Url) -> Result<Value, ApplyError> {
    fetch_object_http::<_, Value>(url, &ctx.reset_request_count())
        .await
        .map(|f| f.object)
        .map_err(|e| ApplyError::Transient(format!("cannot fetch {url}: {}", AppError::from(e))))
}

/// Reads the page at `url` of `host`'s outbox (the collection itself is read for its first
/// page), without storing it; with the outbox's size when it says.
pub async fn fetch_page(
    ctx: &Ctx,
    host: &str,
    url: &Url,
) -> Result<(Value, Option<i64>), ApplyError> {
    if host_port(url) != host {
        return Err(ApplyError::permanent(format!(
            "{url} is not on the followed instance's host {host}"
        )));
    }
    let mut page = fetch_json(ctx, url).await?;
    let mut total = page.get("totalItems").and_then(Value::as_i64);
    if page.get("orderedItems").is_none() && page.get("items").is_none() {
        match page.get("first").cloned() {
            Some(p @ Value::Object(_)) => page = p,
            Some(first) => match value_id(&first) {
                Some(f) if host_port(&f) == host => page = fetch_json(ctx, &f).await?,
                _ => {
                    return Err(ApplyError::permanent(format!(
                        "{url} has no first page here"
                    )))
                }
            },
            None => return Ok((serde_json::json!({"orderedItems": []}), total)),
        }
        total = total.or_else(|| page.get("totalItems").and_then(Value::as_i64));
    }
    Ok((page, total))
}

/// Practices of one page stored at once: the parsing and checking of one overlaps the
/// writing of another (storing is idempotent and each practice independent).
const STORED_AT_ONCE: usize = 4;

/// Stores every item of an outbox page read from `host` (the page was fetched from there).
pub async fn store_page(ctx: &Ctx, follow_id: i64, host: &str, page: &Value) -> PageResult {
    use futures::{FutureExt, StreamExt};
    let items = page
        .get("orderedItems")
        .or_else(|| page.get("items"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut out = PageResult {
        next: page
            .get("next")
            .and_then(value_id)
            .filter(|n| host_port(n) == host),
        total: page.get("totalItems").and_then(Value::as_i64),
        ..Default::default()
    };
    // The futures made first: a closure kept inside the stream would not be `Send` for
    // every lifetime, which the spawned worker needs.
    let stores: Vec<_> = items
        .iter()
        .map(|item| store_item(ctx, follow_id, host, item).boxed())
        .collect();
    let results: Vec<Option<bool>> = futures::stream::iter(stores)
        .buffer_unordered(STORED_AT_ONCE)
        .collect()
        .await;
    for stored in results.into_iter().flatten() {
        out.items += 1;
        if !stored {
            out.errors += 1;
        }
    }
    out
}

/// Stores one item of a page: `None` when it names nothing, else whether it was stored (a
/// failure is recorded to retry).
async fn store_item(ctx: &Ctx, follow_id: i64, host: &str, item: &Value) -> Option<bool> {
    // An `Announce` of the practice, or the practice itself.
    let object = match item.get("type").and_then(Value::as_str) {
        Some("Announce") => item.get("object").unwrap_or(&Value::Null),
        _ => item,
    };
    let id = value_id(object)?;
    let result = if host_port(&id) != host {
        Err(ApplyError::permanent(format!(
            "{id} is not on the followed instance's host {host}; refused"
        )))
    } else if object.is_object() {
        match Article::deserialize(object) {
            Ok(article) if article.id == id => {
                store_article(&ctx.reset_request_count(), &article, Arrival::Walked).await
            }
            _ => fetch_and_store(ctx, &id).await,
        }
    } else {
        fetch_and_store(ctx, &id).await
    };
    match result {
        Ok(()) => Some(true),
        Err(e) => {
            // An object of another host is refused for good; anything else is retried.
            let given_up = host_port(&id) != host;
            record_failure(ctx, follow_id, &id, &e, 0, given_up).await;
            Some(false)
        }
    }
}

/// Fetches a practice from its origin and stores it; a practice gone (410) is deleted here
/// if held, and counts as done.
async fn fetch_and_store(ctx: &Ctx, id: &Url) -> Result<(), ApplyError> {
    let ctx = ctx.reset_request_count();
    match fetch_object(&ctx, id).await? {
        Fetched::Gone => gone(&ctx, id).await.map(|_| ()),
        Fetched::Posted(Posted::Article(article)) => {
            store_article(&ctx, &article, Arrival::Walked).await
        }
        Fetched::Posted(_) => Err(ApplyError::permanent(format!("{id} is not a practice"))),
    }
}

async fn record_failure(
    ctx: &Ctx,
    follow_id: i64,
    id: &Url,
    e: &ApplyError,
    attempts_before: i64,
    given_up: bool,
) {
    let cfg = &ctx.config.delivery;
    let max = cfg.inbox_max_attempts;
    let next = |attempts: i64| {
        (!given_up && attempts < max)
            .then(|| crate::db::now_ms() + backoff_delay(cfg, attempts).as_millis() as i64)
    };
    let error = e.to_string();
    tracing::info!(object = %id, error = %error, "backfill: not stored; recorded to retry");
    if let Err(db) = instance_follows::failed(
        ctx.db.writer(),
        follow_id,
        id.as_str(),
        &error,
        next,
        attempts_before,
    )
    .await
    {
        tracing::warn!(object = %id, error = %db, "backfill: cannot record a failure");
    }
}

/// Retries the failures of `walk` that are due: each fetched from its origin and stored,
/// the lease renewed after each (a retry may fetch a thread too); stops when the lease is
/// lost. Returns whether the lease is still ours.
async fn retry_failures(ctx: &Ctx, walk: &Walk) -> AppResult<bool> {
    let due =
        instance_follows::due_failures(&ctx.db, walk.id, crate::db::now_ms(), RETRIES_PER_TURN)
            .await?;
    for f in due {
        let Ok(id) = Url::parse(&f.object_id) else {
            instance_follows::resolved(ctx.db.writer(), f.id).await?;
            continue;
        };
        match fetch_and_store(ctx, &id).await {
            Ok(()) => {
                tracing::info!(object = %id, attempts = f.attempts + 1, "backfill: stored on retry");
                instance_follows::resolved(ctx.db.writer(), f.id).await?
            }
            Err(e) => record_failure(ctx, walk.id, &id, &e, f.attempts, false).await,
        }
        let until = crate::db::now_ms() + lease(ctx).as_millis() as i64;
        if !instance_follows::renew(&ctx.db, walk.id, &ctx.node_id, until).await? {
            tracing::info!(
                follow = walk.id,
                "backfill: lease lost while retrying; stopped"
            );
            return Ok(false);
        }
    }
    Ok(true)
}

/// How long a claimed walk stays this process's without news: pages may take a while.
fn lease(ctx: &Ctx) -> Duration {
    ctx.config.delivery.lease * 10
}

/// Claims one follow with work due and does it: its due retries, then its pages until the
/// walk is done, the lease is lost, a page fails, or `stopped`. Returns whether there was
/// anything to do.
pub async fn step(ctx: &Ctx, stopped: &mut watch::Receiver<bool>) -> AppResult<bool> {
    let owner = ctx.node_id.clone();
    let lease_ms = lease(ctx).as_millis() as i64;
    let now = crate::db::now_ms();
    let me = ctx.instance_actor.id;
    let Some(walk) = instance_follows::claim(&ctx.db, &owner, me, now, now + lease_ms).await?
    else {
        return Ok(false);
    };
    let Some(target) = actors::by_id(&ctx.db, walk.target_id).await? else {
        instance_follows::release(&ctx.db, walk.id, &owner).await?;
        return Ok(false);
    };
    let worked = async {
        let held = retry_failures(ctx, &walk).await?;
        if held && !walk.done {
            walk_pages(ctx, &walk, &target, stopped).await?;
        }
        AppResult::Ok(())
    }
    .await;
    // Given back on every path, an error too: another turn (or process) need not wait for
    // the lease to run out.
    let released = instance_follows::release(&ctx.db, walk.id, &owner).await;
    if let Err(e) = &worked {
        tracing::warn!(follow = walk.id, error = %e, "backfill: turn failed; lease given back");
    }
    worked?;
    released?;
    Ok(true)
}

async fn walk_pages(
    ctx: &Ctx,
    walk: &Walk,
    target: &ActorRow,
    stopped: &mut watch::Receiver<bool>,
) -> AppResult<()> {
    let owner = &ctx.node_id;
    let host = host_port(&target.ap_id);
    let first = match (&walk.next_page, &target.outbox) {
        (Some(p), _) => p.clone(),
        (None, Some(o)) => o.clone(),
        (None, None) => format!("{}/outbox", target.ap_id),
    };
    let mut url = Url::parse(&first)?;
    let (mut pages, mut items, mut errors) = (walk.pages, walk.items, walk.errors);
    let mut fetched = fetch_page(ctx, &host, &url).await;
    loop {
        if *stopped.borrow() {
            return Ok(());
        }
        let (page, total) = match fetched {
            Ok(p) => p,
            Err(e) => {
                let next = crate::db::now_ms()
                    + backoff_delay(&ctx.config.delivery, walk.attempts + 1).as_millis() as i64;
                tracing::warn!(instance = %host, page = %url, error = %e, "backfill: page not read; will try again");
                instance_follows::walk_failed(&ctx.db, walk.id, owner, &e.to_string(), next)
                    .await?;
                return Ok(());
            }
        };
        let next_url = page
            .get("next")
            .and_then(value_id)
            .filter(|n| host_port(n) == host);
        let pause = ctx.config.backfill.page_interval;
        // The next page is read while this one is stored (not when pausing between pages).
        let prefetch = async {
            match &next_url {
                Some(n) if pause.is_zero() => Some(fetch_page(ctx, &host, n).await),
                _ => None,
            }
        };
        let (result, prefetched) = tokio::join!(store_page(ctx, walk.id, &host, &page), prefetch);
        let until = crate::db::now_ms() + lease(ctx).as_millis() as i64;
        let next = next_url.as_ref().map(Url::as_str);
        let held = instance_follows::save_page(
            &ctx.db,
            walk.id,
            owner,
            next,
            (result.items, result.errors, result.total.or(total)),
            until,
        )
        .await?;
        pages += 1;
        items += result.items;
        errors += result.errors;
        tracing::info!(
            instance = %host, pages, items, errors, done = next.is_none(),
            "backfill: page stored"
        );
        if !held {
            tracing::info!(instance = %host, "backfill: the walk was taken over; stopping here");
            return Ok(());
        }
        let Some(next) = next_url else {
            return Ok(());
        };
        url = next;
        fetched = match prefetched {
            Some(f) => f,
            None => {
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = stopped.changed() => {}
                }
                if *stopped.borrow() {
                    return Ok(());
                }
                fetch_page(ctx, &host, &url).await
            }
        };
    }
}

/// The backfill worker: walks followed instances' outboxes and retries what failed, until
/// `stopped` turns true. Looks for work every poll interval.
pub async fn run(ctx: Ctx, mut stopped: watch::Receiver<bool>) {
    loop {
        let did = match step(&ctx, &mut stopped).await {
            Ok(did) => did,
            Err(e) => {
                tracing::warn!(error = %e, "backfill worker: will try again");
                false
            }
        };
        if *stopped.borrow() {
            return;
        }
        if did {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(ctx.config.delivery.poll_interval) => {}
            _ = stopped.changed() => return,
        }
    }
}
