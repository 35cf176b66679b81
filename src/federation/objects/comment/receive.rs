//! A received `Note`: whether it concerns us, the thread it answers (its unknown parents
//! fetched up a bounded chain) and its row, sanitised.

use activitypub_federation::fetch::{fetch_object_http, object_id::ObjectId};
use serde_json::Value;
use url::Url;

use super::refresh_document;
use crate::{
    config::host_port,
    db::{
        actors::{self, ActorRow},
        comments::{self, CommentRow, NewComment},
        practices::{self, PracticeRow},
    },
    domain::{
        comment::{self as rules, Stance},
        practice::PracticeState,
    },
    error::AppError,
    federation::{
        activities::announce,
        error::ApplyError,
        objects::{
            practice::clamp_time,
            thread::{backfill_if_parent_missing, thread_of},
        },
        outbox,
        protocol::{
            activities::{create::posted, Posted},
            objects::Note,
        },
    },
    state::Ctx,
};

/// How far up a chain of unknown parents a received reply is followed.
const MAX_PARENT_DEPTH: u32 = 8;
/// Whether a `Note` sent to us has anything to do with this instance: it answers, addresses
/// or mentions something of ours, belongs to a thread held here, or answers a practice or
/// comment held here. A followed person's ordinary posts (and boosts) do not, and are kept
/// only as received (not refused: nothing is wrong with them).
pub async fn concerns_us(ctx: &Ctx, note: &Note) -> Result<bool, ApplyError> {
    let own = ctx.config.domain();
    let ours = |s: &str| Url::parse(s).is_ok_and(|u| host_port(&u) == own);
    let Some(target) = &note.in_reply_to else {
        return Ok(false);
    };
    if host_port(target) == own
        || note.to.iter().chain(&note.cc).any(|s| ours(s))
        || note
            .tag
            .iter()
            .filter_map(|t| t.get("href").and_then(Value::as_str))
            .any(ours)
    {
        return Ok(true);
    }
    if let Some(thread) = &note.thread {
        if comments::practice_by_thread(&ctx.db, thread.as_str())
            .await?
            .is_some()
        {
            return Ok(true);
        }
    }
    Ok(practices::by_ap_id(&ctx.db, target.as_str())
        .await?
        .is_some()
        || comments::by_ap_id(&ctx.db, target.as_str())
            .await?
            .is_some())
}

/// How a received `Note` reached us, which decides what it must prove.
#[derive(Debug, Clone, Copy)]
pub enum Via<'a> {
    /// In a `Create` or `Update` by this actor, who must be its author.
    Sent(&'a Url),
    /// Fetched from its origin (announced by the thread's owner, a parent of a reply, an item
    /// of a thread's collection): what it says is its author's.
    Fetched,
}

/// A fetched object, or the news that it is gone (410).
pub enum Fetched {
    Posted(Posted),
    Gone,
}

/// Fetches `id` (signed) from its origin; a 410 is news, not a failure.
pub async fn fetch_object(ctx: &Ctx, id: &Url) -> Result<Fetched, ApplyError> {
    match fetch_object_http::<_, Value>(id, ctx).await {
        Ok(f) => Ok(Fetched::Posted(posted(f.object)?)),
        Err(activitypub_federation::error::Error::ObjectDeleted(_)) => Ok(Fetched::Gone),
        Err(e) => Err(ApplyError::Transient(format!(
            "cannot fetch {id}: {}",
            AppError::from(e)
        ))),
    }
}

/// The practice a reply to `target` belongs to, and the comment it answers (`None`: the
/// practice itself). An unknown parent is fetched from its origin and stored first, up a
/// bounded chain; a reply that leads to no practice held here is refused.
async fn thread_target(
    ctx: &Ctx,
    target: &Url,
    depth: u32,
) -> Result<(PracticeRow, Option<CommentRow>), ApplyError> {
    if let Some(p) = practices::by_ap_id(&ctx.db, target.as_str()).await? {
        return Ok((p, None));
    }
    let parent = match comments::by_ap_id(&ctx.db, target.as_str()).await? {
        Some(c) => c,
        None => {
            let refused = || {
                ApplyError::permanent(format!(
                    "a reply to {target}, which is neither a practice held here nor a comment of one"
                ))
            };
            if depth >= MAX_PARENT_DEPTH || host_port(target) == ctx.config.domain() {
                return Err(refused());
            }
            // A parent that cannot be read now refuses the reply with why, rather than
            // holding the inbox worker on a host that may never answer.
            let fetched = fetch_object(ctx, target).await.map_err(|e| {
                ApplyError::permanent(format!("{}; fetching it failed: {e}", refused()))
            })?;
            match fetched {
                Fetched::Posted(Posted::Note(n)) => {
                    Box::pin(store_note(ctx, &n, Via::Fetched, depth + 1))
                        .await?
                        .ok_or_else(refused)?
                }
                Fetched::Gone => {
                    return Err(ApplyError::permanent(format!(
                        "a reply to {target}, which is deleted"
                    )))
                }
                Fetched::Posted(Posted::Article(_)) => {
                    return Err(ApplyError::permanent(format!(
                        "a comment on {target}, a practice not held here"
                    )))
                }
                _ => return Err(refused()),
            }
        }
    };
    let p = practices::by_id(&ctx.db, parent.practice_id)
        .await?
        .ok_or_else(|| ApplyError::permanent("a comment without its practice"))?;
    Ok((p, Some(parent)))
}

/// Stores (or updates, when it changed) a received `Note` as a comment of the thread it
/// answers, sanitised. When the practice is ours, an accepted comment is announced by its
/// organisation to the organisation's followers, in the transaction that stores it. Returns
/// the comment as stored (`None` for a note of ours, known only here).
pub async fn store_note(
    ctx: &Ctx,
    note: &Note,
    via: Via<'_>,
    depth: u32,
) -> Result<Option<CommentRow>, ApplyError> {
    let id = &note.id;
    if host_port(id) == ctx.config.domain() {
        // One of ours coming back (the owner's Announce of a reply we sent): we hold it.
        return Ok(comments::by_ap_id(&ctx.db, id.as_str()).await?);
    }
    if host_port(id) != host_port(&note.attributed_to) {
        return Err(ApplyError::permanent(format!(
            "{id} is not on the host of its author {}",
            note.attributed_to
        )));
    }
    if let Via::Sent(actor) = via {
        if actor != &note.attributed_to {
            return Err(ApplyError::permanent(format!(
                "{actor} cannot post {id}, which is {}'s",
                note.attributed_to
            )));
        }
    }
    let target = note.in_reply_to.as_ref().ok_or_else(|| {
        ApplyError::permanent(format!(
            "{id} replies to nothing: not a comment on a practice"
        ))
    })?;
    if depth == 0 {
        if let Some(thread) = &note.thread {
            backfill_if_parent_missing(ctx, target, thread).await?;
        }
    }
    let (practice, parent) = thread_target(ctx, target, depth).await?;
    if practice.state != PracticeState::Published {
        return Err(ApplyError::permanent(format!(
            "a comment on {}, which is not published",
            practice.ap_id
        )));
    }
    let content = rules::content(note.content.as_deref().unwrap_or_default())
        .map_err(|e| ApplyError::permanent(format!("{id}: {e}")))?;
    let author = ObjectId::<ActorRow>::from(note.attributed_to.clone())
        .dereference(ctx)
        .await
        .map_err(ApplyError::from)?;
    let stance = note
        .stance
        .as_deref()
        .and_then(|s| s.parse::<Stance>().ok())
        .map(|s| s.as_str().to_string());
    let now = crate::db::now();
    let published = note.published.and_then(clamp_time).unwrap_or(now);
    let updated = note.updated.and_then(clamp_time);
    let thread = match &note.thread {
        Some(t) => Some(t.to_string()),
        None => thread_of(&ctx.db, &practice).await?,
    };
    let org = actors::by_id(&ctx.db, practice.organization_id)
        .await?
        .ok_or_else(|| ApplyError::permanent("a practice without its organisation"))?;
    let mut tx = ctx.db.begin().await?;
    let stored = match comments::by_ap_id(&mut tx, id.as_str()).await? {
        Some(old) if old.author_id != author.id => {
            return Err(ApplyError::permanent(format!(
                "{id} is stored here as another author's"
            )))
        }
        // A deleted comment stays deleted, whatever copy of it arrives later.
        Some(old) if old.deleted_at.is_some() => return Ok(Some(old)),
        Some(old) => {
            let changed = old.content != content || old.stance != stance;
            // Deliveries run in parallel: a Create that arrives after its Update carries
            // the older text, and only a strictly newer version replaces what is held.
            let newer = updated.unwrap_or(published) > old.updated_at;
            if !(changed && newer) {
                return Ok(Some(old));
            }
            let at = updated.unwrap_or(now);
            comments::edit(&mut tx, old.id, &content, stance.as_deref(), at).await?;
            CommentRow {
                content,
                stance,
                edited_at: Some(at),
                updated_at: at,
                ..old
            }
        }
        None => {
            let row = comments::insert(
                &mut tx,
                NewComment {
                    ap_id: id.to_string(),
                    practice_id: practice.id,
                    parent_id: parent.map(|p| p.id),
                    author_id: author.id,
                    content,
                    stance,
                    local: false,
                    context: thread,
                    url: note.url.as_ref().map(Url::to_string),
                    created_at: published,
                    updated_at: updated.unwrap_or(published),
                    edited_at: updated,
                },
            )
            .await?;
            match row {
                Some(r) => r,
                None => return Ok(comments::by_ap_id(&mut tx, id.as_str()).await?),
            }
        }
    };
    if practice.local {
        announce::send_comment(ctx, &mut tx, &org, id).await?;
    }
    tx.commit().await?;
    if practice.local {
        outbox::wake(ctx.app_data());
        refresh_document(ctx, &practice).await;
    }
    Ok(Some(stored))
}
