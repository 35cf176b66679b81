//! A practice's thread as collections: `context` (FEP-7888, the whole thread, served by the
//! practice's instance) and `replies` (the direct answers, first page embedded); and reading
//! another instance's thread to store the comments missed here (FEP-f228), bounded in pages,
//! items and fetches, and idempotent.

use activitypub_federation::fetch::fetch_object_http;
use serde_json::Value;
use url::Url;

use super::comment::{fetch_object, store_note, Fetched, Via};
use crate::{
    config::host_port,
    db::{
        comments,
        practices::{self, PracticeRow},
        Db,
    },
    error::{AppError, AppResult},
    federation::{
        error::ApplyError,
        protocol::{
            activities::Posted,
            objects::{collection::Page, Collection, CollectionPage, Note},
            values::value_id,
        },
    },
    state::Ctx,
};

/// Items per page of a thread's collections.
pub const THREAD_PAGE: i64 = 20;
/// A backfill reads at most this many pages of a thread, and stores at most this many items.
const BACKFILL_PAGES: usize = 10;
const BACKFILL_ITEMS: usize = 500;
/// A remote thread is read again at most this often when its practice changes.
const BACKFILL_EVERY: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// The thread collection (FEP-7888) of a local practice.
pub fn thread_url(practice_ap_id: &str) -> String {
    format!("{practice_ap_id}/context")
}

/// The collection of direct replies of a local practice or comment.
pub fn replies_url(ap_id: &str) -> String {
    format!("{ap_id}/replies")
}

/// Where a practice's thread is served: here for a local practice, as its Article says for a
/// remote one.
pub async fn thread_of(db: &Db, p: &PracticeRow) -> Result<Option<String>, sqlx::Error> {
    if p.local {
        return Ok(Some(thread_url(&p.ap_id)));
    }
    Ok(comments::thread_context(db, p.id).await?.map(|(c, _)| c))
}

/// The `replies` of a practice (`parent` `None`) or comment at `ap_id`: the count, and the
/// first page of ids embedded.
pub async fn replies(
    db: &Db,
    ap_id: &str,
    practice_id: i64,
    parent: Option<i64>,
) -> AppResult<Collection> {
    let id = Url::parse(&replies_url(ap_id))?;
    let total = comments::count_replies(db, practice_id, parent).await?;
    let items = comments::reply_ids_page(db, practice_id, parent, THREAD_PAGE, 0)
        .await?
        .into_iter()
        .map(Value::String)
        .collect();
    let mut c = Collection::paged(id.clone(), total, THREAD_PAGE);
    c.first = Some(Page::Embedded(Box::new(CollectionPage::of(
        id,
        1,
        THREAD_PAGE,
        total,
        items,
    ))));
    Ok(c)
}

/// After a remote practice is stored: records where its thread is served and reads it
/// (FEP-f228) when it was never read or not lately, so a follower that arrived late, or
/// missed announces, holds the whole thread. Failures are logged: the practice is stored
/// whatever happens to its thread.
///
/// `background`: read it beside the caller (an API request that looked the practice up must
/// not wait for a whole thread), not within it (the inbox worker, which has the time).
pub async fn after_practice_stored(
    ctx: &Ctx,
    practice_ap_id: &Url,
    thread: Option<&Url>,
    background: bool,
) {
    let Some(thread) = thread else { return };
    if background {
        let (ctx, id, thread) = (
            ctx.reset_request_count(),
            practice_ap_id.clone(),
            thread.clone(),
        );
        tokio::spawn(async move { read_thread(&ctx, &id, &thread).await });
        return;
    }
    read_thread(ctx, practice_ap_id, thread).await
}

async fn read_thread(ctx: &Ctx, practice_ap_id: &Url, thread: &Url) {
    if host_port(thread) != host_port(practice_ap_id) {
        tracing::info!(%thread, "a thread served elsewhere than its practice; not read");
        return;
    }
    let result = async {
        let Some(p) = practices::by_ap_id(&ctx.db, practice_ap_id.as_str()).await? else {
            return Ok(0);
        };
        let last = comments::thread_context(&ctx.db, p.id).await?;
        comments::set_thread_context(ctx.db.writer(), p.id, thread.as_str()).await?;
        let recent = last
            .as_ref()
            .and_then(|(c, at)| (c == thread.as_str()).then_some(*at).flatten())
            .is_some_and(|at| crate::db::now() - at < BACKFILL_EVERY);
        if recent {
            return Ok(0);
        }
        backfill(ctx, &p, thread).await
    }
    .await;
    match result {
        Ok(n) => tracing::info!(%thread, stored = n, "thread read"),
        Err(e) => tracing::warn!(%thread, error = %e, "thread not read"),
    }
}

/// A reply whose parent we lack, in the thread of a remote practice held here: we missed part
/// of that thread (an announce lost, a follow that came late), so it is read again whole,
/// which brings the parent and whatever else was missed.
pub(super) async fn backfill_if_parent_missing(
    ctx: &Ctx,
    parent: &Url,
    thread: &Url,
) -> Result<(), ApplyError> {
    let known = practices::by_ap_id(&ctx.db, parent.as_str())
        .await?
        .is_some()
        || comments::by_ap_id(&ctx.db, parent.as_str())
            .await?
            .is_some();
    if known {
        return Ok(());
    }
    let Some(id) = comments::practice_by_thread(&ctx.db, thread.as_str()).await? else {
        return Ok(());
    };
    let Some(p) = practices::by_id(&ctx.db, id).await? else {
        return Ok(());
    };
    if !ctx
        .may_read_thread_for_missing_parent(thread.as_str())
        .await
    {
        tracing::info!(%thread, "thread read for a missing parent a moment ago; not again");
        return Ok(());
    }
    match Box::pin(backfill(ctx, &p, thread)).await {
        Ok(n) => tracing::info!(%thread, checked = n, "thread read for a missing parent"),
        Err(e) => tracing::info!(%thread, error = %e, "thread not read"),
    }
    Ok(())
}

/// The items of a collection page (`orderedItems`, or `items`).
fn items_of(page: &Value) -> Vec<Value> {
    page.get("orderedItems")
        .or_else(|| page.get("items"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Reads a practice's thread collection (signed fetches, bounded in pages and items) and
/// stores the comments not held here yet. Items of the collection's own host may come
/// embedded; any other is fetched from its origin. Returns how many were stored or checked.
pub async fn backfill(
    ctx: &Ctx,
    practice: &PracticeRow,
    thread: &Url,
) -> Result<usize, ApplyError> {
    // The library allows a few fetches per `Data`: each page and each item gets its own
    // budget, the backfill as a whole is bounded by the page and item caps.
    let fetch_value = |u: Url| async move {
        fetch_object_http::<_, Value>(&u, &ctx.reset_request_count())
            .await
            .map(|f| f.object)
            .map_err(|e| ApplyError::Transient(format!("cannot fetch {u}: {}", AppError::from(e))))
    };
    let collection = fetch_value(thread.clone()).await?;
    let own_host = host_port(thread);
    let mut page = match collection.get("first") {
        Some(Value::String(s)) => Some(fetch_value(Url::parse(s).map_err(AppError::from)?).await?),
        Some(p @ Value::Object(_)) => Some(p.clone()),
        _ => Some(collection.clone()),
    };
    let (mut pages, mut seen) = (0, 0);
    while let Some(p) = page.take() {
        pages += 1;
        for item in items_of(&p) {
            if seen >= BACKFILL_ITEMS {
                break;
            }
            seen += 1;
            let Some(id) = value_id(&item) else { continue };
            let item_ctx = ctx.reset_request_count();
            if comments::by_ap_id(&ctx.db, id.as_str()).await?.is_some() {
                continue;
            }
            let note = match serde_json::from_value::<Note>(item.clone()) {
                Ok(n) if item.is_object() && n.kind == "Note" && host_port(&id) == own_host => {
                    Some(n)
                }
                _ => match fetch_object(&item_ctx, &id).await {
                    Ok(Fetched::Posted(Posted::Note(n))) => Some(*n),
                    Ok(_) => None,
                    Err(e) => {
                        tracing::info!(item = %id, error = %e, "thread item not fetched");
                        None
                    }
                },
            };
            let Some(note) = note else { continue };
            if let Err(e) = store_note(&item_ctx, &note, Via::Fetched, 1).await {
                tracing::info!(item = %id, error = %e, "thread item not stored");
            }
        }
        if pages >= BACKFILL_PAGES || seen >= BACKFILL_ITEMS {
            break;
        }
        if let Some(next) = p.get("next").and_then(value_id) {
            page = Some(fetch_value(next).await?);
        }
    }
    comments::mark_backfilled(ctx.db.writer(), practice.id, crate::db::now()).await?;
    Ok(seen)
}
