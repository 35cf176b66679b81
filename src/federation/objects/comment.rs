//! A comment between its stored row and its `Note`: the note of a local comment (what we
//! publish and serve), and the row of a received one (sanitised, threaded, checked against
//! the thread it claims to belong to). The thread's collections are in [`super::thread`].

use activitypub_federation::fetch::{fetch_object_http, object_id::ObjectId};
use serde_json::Value;
use url::Url;

use super::thread::{replies, thread_of};
use crate::{
    config::{host_port, Config},
    db::{
        actors::{self, ActorRow},
        comments::{self, CommentRow, NewComment},
        practices::{self, PracticeRow},
        Db,
    },
    domain::{
        comment::{self as rules, Stance},
        practice::PracticeState,
    },
    error::{AppError, AppResult},
    federation::{
        activities::{announce, delete},
        error::ApplyError,
        objects::practice::clamp_time,
        outbox,
        protocol::{
            activities::{create::posted, Delete, Posted},
            context::{context, AS_PUBLIC},
            objects::{note::mention, Collection, Note},
        },
    },
    state::{Ctx, DocKey},
};

/// How far up a chain of unknown parents a received reply is followed.
const MAX_PARENT_DEPTH: u32 = 8;

/// What a comment's `Note` is built from.
pub struct NoteParts<'a> {
    pub row: &'a CommentRow,
    pub practice: &'a PracticeRow,
    pub org: &'a ActorRow,
    pub author: &'a ActorRow,
    pub parent_ap_id: Option<&'a str>,
    pub thread: Option<&'a str>,
    pub replies: Option<Collection>,
}

/// The `Note` of a comment, with its JSON-LD context: public, addressed to the practice's
/// organisation (mentioned, as a Mastodon reply mentions whom it answers), in reply to its
/// parent or to the practice.
pub fn to_note(p: NoteParts<'_>) -> AppResult<Note> {
    let org_handle = format!("@{}@{}", p.org.username, p.org.domain);
    let mut cc = vec![p.org.ap_id.to_string()];
    cc.extend(p.org.followers_url.iter().cloned());
    Ok(Note {
        context: Some(context()),
        id: Url::parse(&p.row.ap_id)?,
        kind: "Note".into(),
        attributed_to: p.author.ap_id.0.clone(),
        in_reply_to: Some(Url::parse(p.parent_ap_id.unwrap_or(&p.practice.ap_id))?),
        summary: None,
        content: Some(p.row.content.clone()),
        media_type: Some("text/html".into()),
        url: Some(Url::parse(p.row.url.as_deref().unwrap_or(&p.row.ap_id))?),
        published: Some(p.row.created_at),
        updated: p.row.edited_at,
        to: vec![AS_PUBLIC.into()],
        cc,
        thread: p.thread.map(Url::parse).transpose()?,
        stance: p.row.stance.clone(),
        tag: vec![mention(&p.org.ap_id.0, org_handle)],
        replies: p.replies.map(serde_json::to_value).transpose()?,
    })
}

fn missing(what: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!("comment without its {what}"))
}

/// The `Note` of a stored comment, everything it names read from the database.
pub async fn note_of(ctx: &Ctx, row: &CommentRow) -> AppResult<Note> {
    let db = &ctx.db;
    let practice = practices::by_id(db, row.practice_id)
        .await?
        .ok_or_else(|| missing("practice"))?;
    let org = actors::by_id(db, practice.organization_id)
        .await?
        .ok_or_else(|| missing("organisation"))?;
    let author = actors::by_id(db, row.author_id)
        .await?
        .ok_or_else(|| missing("author"))?;
    let parent = match row.parent_id {
        Some(id) => comments::by_id(db, id).await?.map(|c| c.ap_id),
        None => None,
    };
    let thread = row.context.clone().or(thread_of(db, &practice).await?);
    let replies = replies(db, &row.ap_id, row.practice_id, Some(row.id)).await?;
    to_note(NoteParts {
        row,
        practice: &practice,
        org: &org,
        author: &author,
        parent_ap_id: parent.as_deref(),
        thread: thread.as_deref(),
        replies: Some(replies),
    })
}

/// Forgets the served documents of a local practice, whose `replies` just changed.
pub async fn refresh_document(ctx: &Ctx, practice: &PracticeRow) {
    if practice.local {
        // Keyed by the index's last change too (see `web::practice::document`).
        let index = crate::db::good_index::of(&ctx.db, practice.id)
            .await
            .ok()
            .flatten()
            .map_or(0, |i| i.changed_at);
        ctx.documents
            .invalidate(&DocKey::Practice {
                id: practice.id,
                version: practice.updated_at.timestamp_micros(),
                index,
            })
            .await;
    }
}

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
            super::thread::backfill_if_parent_missing(ctx, target, thread).await?;
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

/// A `Delete` of a comment held here, honoured from its author or from the organisation of
/// its practice (which moderates the thread it owns). When the practice is ours, the deletion
/// goes on to the organisation's followers. `false`: not a comment held here.
pub async fn receive_delete(ctx: &Ctx, d: &Delete) -> Result<bool, ApplyError> {
    let id = d.object_id();
    let Some(c) = comments::by_ap_id(&ctx.db, id.as_str()).await? else {
        return Ok(false);
    };
    let (practice, org, author) = owners(&ctx.db, &c).await?;
    let by = d.actor.as_str();
    // Our comment on a remote practice leaves its thread when the thread's owner removes it;
    // nobody else deletes a local comment.
    if c.local && (practice.local || by != org.ap_id.as_str()) {
        return Err(ApplyError::permanent(
            "cannot delete a local comment from outside",
        ));
    }
    if by != author.ap_id.as_str() && by != org.ap_id.as_str() {
        return Err(ApplyError::permanent(format!(
            "{by} neither wrote {id} nor owns its thread"
        )));
    }
    mark_gone(ctx, &c, &practice, &org).await?;
    Ok(true)
}

/// An announced comment that answers 410 at its origin: deleted here too, when the announcer
/// owns its thread, or is the instance actor of the practice's host (the relay to the
/// instances that follow it: a comment removed there is announced by that actor).
pub async fn announced_gone(ctx: &Ctx, by: &Url, id: &Url) -> Result<(), ApplyError> {
    let Some(c) = comments::by_ap_id(&ctx.db, id.as_str()).await? else {
        return Ok(());
    };
    let (practice, org, _) = owners(&ctx.db, &c).await?;
    if c.local {
        return Ok(());
    }
    if org.ap_id.as_str() != by.as_str() && !relayed_by_host(ctx, by, &practice).await? {
        return Ok(());
    }
    mark_gone(ctx, &c, &practice, &org).await
}

/// Whether `by` is the instance actor (an `Application`) of the host of `practice`.
async fn relayed_by_host(ctx: &Ctx, by: &Url, practice: &PracticeRow) -> Result<bool, ApplyError> {
    let Ok(p) = Url::parse(&practice.ap_id) else {
        return Ok(false);
    };
    if host_port(by) != host_port(&p) {
        return Ok(false);
    }
    Ok(actors::by_ap_id(&ctx.db, by.as_str())
        .await?
        .is_some_and(|a| a.kind == crate::domain::actor::ActorKind::Application))
}

async fn owners(db: &Db, c: &CommentRow) -> Result<(PracticeRow, ActorRow, ActorRow), ApplyError> {
    let practice = practices::by_id(db, c.practice_id)
        .await?
        .ok_or_else(|| ApplyError::permanent("a comment without its practice"))?;
    let org = actors::by_id(db, practice.organization_id)
        .await?
        .ok_or_else(|| ApplyError::permanent("a practice without its organisation"))?;
    let author = actors::by_id(db, c.author_id)
        .await?
        .ok_or_else(|| ApplyError::permanent("a comment without its author"))?;
    Ok((practice, org, author))
}

async fn mark_gone(
    ctx: &Ctx,
    c: &CommentRow,
    practice: &PracticeRow,
    org: &ActorRow,
) -> Result<(), ApplyError> {
    if c.deleted_at.is_some() {
        return Ok(());
    }
    let mut tx = ctx.db.begin().await?;
    comments::mark_deleted(&mut tx, c.id, crate::db::now()).await?;
    if practice.local {
        delete::send_comment_by_owner(
            ctx,
            &mut tx,
            org,
            &Url::parse(&c.ap_id).map_err(AppError::from)?,
        )
        .await?;
    }
    tx.commit().await?;
    if practice.local {
        outbox::wake(ctx.app_data());
        refresh_document(ctx, practice).await;
    }
    Ok(())
}

/// The id of a local comment, fresh.
pub fn new_id(cfg: &Config) -> String {
    format!("{}/comments/{}", cfg.base(), uuid::Uuid::now_v7())
}

#[cfg(test)]
mod tests {
    //! A Mastodon reply (assets/mastodon) reads as a comment would be stored: its mention of
    //! the organisation, its `replies` of Mastodon's shape, its content sanitised; our own
    //! Note's extension fields survive a round trip.
    use serde_json::{json, Value};

    use crate::{
        domain::comment,
        federation::protocol::{
            activities::{Incoming, Posted},
            objects::Note,
        },
    };

    #[test]
    fn a_mastodon_reply_reads_as_a_comment() {
        let text = std::fs::read_to_string(format!(
            "{}/assets/mastodon/create_note.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let Incoming::Create(c) = Incoming::parse("Create", &text).unwrap() else {
            panic!("not a Create");
        };
        let Posted::Note(note) = &c.object else {
            panic!("not a Note");
        };
        assert_eq!(note.tag[0]["type"], "Mention");
        assert!(note.thread.is_none() && note.stance.is_none());
        assert_eq!(note.replies.as_ref().unwrap()["type"], "Collection");
        let stored = comment::content(note.content.as_deref().unwrap()).unwrap();
        assert!(!stored.contains("class="), "{stored}");
        assert!(stored.contains("Ottimo lavoro"), "{stored}");
    }

    #[test]
    fn our_note_keeps_thread_stance_and_replies() {
        let v = json!({
            "id": "https://a.example/comments/1",
            "type": "Note",
            "attributedTo": "https://a.example/actors/anna",
            "inReplyTo": "https://a.example/practices/p",
            "content": "<p>Sì</p>",
            "context": "https://a.example/practices/p/context",
            "stance": "positive",
            "tag": {"type": "Mention", "href": "https://a.example/actors/org"},
            "replies": {"id": "https://a.example/comments/1/replies", "type": "OrderedCollection", "totalItems": 0},
            "updated": "2026-11-20T10:15:02Z",
        });
        let n: Note = serde_json::from_value(v).unwrap();
        assert_eq!(
            n.thread.as_ref().unwrap().as_str(),
            "https://a.example/practices/p/context"
        );
        assert_eq!(n.stance.as_deref(), Some("positive"));
        assert_eq!(n.tag.len(), 1, "a single tag reads as a list of one");
        let back: Value = serde_json::to_value(&n).unwrap();
        assert_eq!(back["context"], "https://a.example/practices/p/context");
        let again: Note = serde_json::from_value(back).unwrap();
        assert_eq!(again, n);
    }
}
