//! Comments: a practice's thread as readers see it, and writing, editing and deleting a
//! comment, with the activities that carry each change to the thread's owner and followers.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use url::Url;

use crate::{
    config::host_port,
    db::{
        actors::{self, ActorRow},
        comments::{self, CommentRow, NewComment, ThreadRow},
        practices::{self, PracticeRow},
        users::UserRow,
    },
    domain::{
        actor::Role,
        comment::{self as rules, Stance},
        practice::PracticeState,
    },
    error::{AppError, AppResult},
    federation::{
        activities::{
            announce,
            create_or_update::{self, Change},
            delete,
        },
        objects::{
            comment::{self as objects, NoteParts},
            thread::thread_of,
        },
        outbox,
    },
    state::Ctx,
};

/// Who wrote a comment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommentAuthor {
    pub name: Option<String>,
    /// `name@domain`.
    pub handle: String,
    /// Their profile page (or their ActivityPub id).
    pub url: String,
    /// The organisation a local author belongs to.
    pub organisation: Option<String>,
}

/// A comment as the API shows it, with its replies nested.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommentView {
    pub id: i64,
    /// ActivityPub id.
    pub ap_id: String,
    pub practice_id: i64,
    /// The comment it answers; `null`: the practice itself.
    pub in_reply_to: Option<i64>,
    /// Sanitised HTML; empty when removed.
    pub content: String,
    pub stance: Option<Stance>,
    pub author: CommentAuthor,
    /// The author's actor row (pages compare it with the signed-in person's).
    #[serde(skip)]
    pub author_id: i64,
    /// `local`, or the host (`host[:port]`) the comment comes from.
    pub origin: String,
    pub published: DateTime<Utc>,
    pub edited: Option<DateTime<Utc>>,
    /// Deleted: shown as removed, and only when it has replies.
    pub removed: bool,
    #[schema(value_type = Vec<Object>)]
    pub replies: Vec<CommentView>,
}

fn author_of(t: ThreadRow) -> (CommentAuthor, CommentRow) {
    let author = CommentAuthor {
        name: t.author_name,
        handle: format!("{}@{}", t.author_username, t.author_domain),
        url: t.author_url.unwrap_or(t.author_ap_id),
        organisation: t.org_name.or(t.org_username),
    };
    (author, t.comment)
}

/// The view of one comment of a thread (its texts moved, not copied: a thread may hold
/// hundreds).
fn view_of(t: ThreadRow) -> CommentView {
    let (author, c) = author_of(t);
    CommentView {
        origin: if c.local {
            "local".into()
        } else {
            Url::parse(&c.ap_id)
                .map(|u| host_port(&u))
                .unwrap_or_default()
        },
        id: c.id,
        ap_id: c.ap_id,
        practice_id: c.practice_id,
        in_reply_to: c.parent_id,
        content: c.content,
        stance: c.stance.as_deref().and_then(|s| s.parse().ok()),
        author,
        author_id: c.author_id,
        published: c.created_at,
        edited: c.edited_at,
        removed: c.deleted_at.is_some(),
        replies: Vec::new(),
    }
}

/// Nests a thread (rows oldest first): each comment under the one it answers; a removed
/// comment stays only as the place of the replies it has.
pub fn nest(rows: Vec<ThreadRow>) -> Vec<CommentView> {
    let mut children: HashMap<Option<i64>, Vec<CommentView>> = HashMap::new();
    for r in rows {
        let v = view_of(r);
        children.entry(v.in_reply_to).or_default().push(v);
    }
    fn build(
        parent: Option<i64>,
        children: &mut HashMap<Option<i64>, Vec<CommentView>>,
    ) -> Vec<CommentView> {
        let mut out = Vec::new();
        for mut v in children.remove(&parent).unwrap_or_default() {
            v.replies = build(Some(v.id), children);
            if !v.removed || !v.replies.is_empty() {
                out.push(v);
            }
        }
        out
    }
    build(None, &mut children)
}

/// A practice readers may comment on and read the thread of: published, here or received.
async fn open_practice(ctx: &Ctx, id: i64) -> AppResult<PracticeRow> {
    practices::by_id(&ctx.db, id)
        .await?
        .filter(|p| p.state == PracticeState::Published)
        .ok_or_else(|| AppError::NotFound(format!("no practice {id}")))
}

/// The thread of practice `id`, nested.
pub async fn thread(ctx: &Ctx, id: i64) -> AppResult<Vec<CommentView>> {
    let p = open_practice(ctx, id).await?;
    thread_of_row(ctx, &p).await
}

/// The thread of a practice whose row is already read, nested; none but a published one's.
pub async fn thread_of_row(ctx: &Ctx, p: &PracticeRow) -> AppResult<Vec<CommentView>> {
    if p.state != PracticeState::Published {
        return Err(AppError::NotFound(format!("no practice {}", p.id)));
    }
    Ok(nest(comments::thread(&ctx.db, p.id).await?))
}

/// The thread of a published practice from its text as read with its page
/// ([`crate::db::page_sources::PageSources`]).
pub fn thread_of_text(text: &str) -> AppResult<Vec<CommentView>> {
    Ok(nest(crate::db::dialect::parse_thread(text)?))
}

/// One comment's view, without its replies.
async fn one(ctx: &Ctx, c: &CommentRow) -> AppResult<CommentView> {
    comments::thread(&ctx.db, c.practice_id)
        .await?
        .into_iter()
        .find(|t| t.comment.id == c.id)
        .map(view_of)
        .ok_or_else(|| AppError::NotFound(format!("no comment {}", c.id)))
}

/// A new comment, as the API takes it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommentBody {
    /// Plain text (paragraphs split by blank lines) or HTML, sanitised; at most 10,000
    /// characters.
    pub content: String,
    /// The id of the comment of the same practice this one answers; none: the practice.
    pub in_reply_to: Option<i64>,
    pub stance: Option<Stance>,
}

/// A change to one's comment: its text, its stance (`null` clears it), or both.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditCommentBody {
    pub content: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Stance>)]
    pub stance: Option<Option<Stance>>,
}

/// A field that may be absent (`None`) or `null` (`Some(None)`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<Stance>>, D::Error> {
    Option::<Stance>::deserialize(d).map(Some)
}

fn bad(message: impl Into<String>) -> AppError {
    AppError::bad_request("bad_request", message)
}

async fn actor(ctx: &Ctx, id: i64) -> AppResult<ActorRow> {
    actors::by_id(&ctx.db, id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("actor {id} missing")))
}

/// Posts `user`'s comment on practice `id`. On a practice of ours the organisation announces
/// it to its followers; on a remote one it goes as `Create(Note)` to the organisation that
/// owns the thread (whose `Announce` of it later finds it stored already).
pub async fn create(
    ctx: &Ctx,
    user: &UserRow,
    id: i64,
    body: NewCommentBody,
) -> AppResult<CommentView> {
    let practice = open_practice(ctx, id).await?;
    let content = rules::from_api(&body.content).map_err(|e| bad(e.to_string()))?;
    let parent = match body.in_reply_to {
        None => None,
        Some(pid) => Some(
            comments::by_id(&ctx.db, pid)
                .await?
                .filter(|c| c.practice_id == practice.id && c.deleted_at.is_none())
                .ok_or_else(|| {
                    bad(format!(
                        "in_reply_to: {pid} is not a comment of practice {id}'s thread"
                    ))
                })?,
        ),
    };
    let author = actor(ctx, user.actor_id).await?;
    let org = actor(ctx, practice.organization_id).await?;
    let thread = thread_of(&ctx.db, &practice).await?;
    let ap_id = objects::new_id(&ctx.config);
    let now = crate::db::now();
    let mut tx = ctx.db.begin().await?;
    let row = comments::insert(
        &mut tx,
        NewComment {
            url: Some(ap_id.clone()),
            ap_id: ap_id.clone(),
            practice_id: practice.id,
            parent_id: parent.as_ref().map(|p| p.id),
            author_id: author.id,
            content,
            stance: body.stance.map(|s| s.as_str().to_string()),
            local: true,
            context: thread.clone(),
            created_at: now,
            updated_at: now,
            edited_at: None,
        },
    )
    .await?
    .ok_or_else(|| AppError::Conflict("this comment exists already".into()))?;
    send_change(
        ctx,
        &mut tx,
        Change::Create,
        &row,
        &practice,
        &org,
        &author,
        parent.as_ref(),
    )
    .await?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    objects::refresh_document(ctx, &practice).await;
    one(ctx, &row).await
}

/// What a new or edited comment sends: the owner's `Announce` (practice here), or the
/// author's `Create`/`Update` to the owner.
#[allow(clippy::too_many_arguments)]
async fn send_change(
    ctx: &Ctx,
    tx: &mut crate::db::Tx,
    change: Change,
    row: &CommentRow,
    practice: &PracticeRow,
    org: &ActorRow,
    author: &ActorRow,
    parent: Option<&CommentRow>,
) -> AppResult<()> {
    let note = objects::to_note(NoteParts {
        row,
        practice,
        org,
        author,
        parent_ap_id: parent.map(|p| p.ap_id.as_str()),
        thread: row.context.as_deref(),
        replies: None,
    })?;
    if !practice.local {
        return create_or_update::send_note(ctx, tx, change, author, org, note).await;
    }
    announce::send_comment(ctx, tx, org, &Url::parse(&row.ap_id)?).await?;
    if change == Change::Update {
        // A re-announce is news to Prassi followers, not to Mastodon, which takes an edit
        // only as the author's Update.
        create_or_update::send_note_edit_to_followers(ctx, tx, author, org, note).await?;
    }
    Ok(())
}

/// A comment `user` may act on: it exists, is not deleted, and its practice is held here.
async fn existing(ctx: &Ctx, id: i64) -> AppResult<(CommentRow, PracticeRow)> {
    let c = comments::by_id(&ctx.db, id)
        .await?
        .filter(|c| c.deleted_at.is_none())
        .ok_or_else(|| AppError::NotFound(format!("no comment {id}")))?;
    let p = practices::by_id(&ctx.db, c.practice_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no comment {id}")))?;
    Ok((c, p))
}

/// Edits `user`'s own comment; the change follows the way the comment went.
pub async fn edit(
    ctx: &Ctx,
    user: &UserRow,
    id: i64,
    body: EditCommentBody,
) -> AppResult<CommentView> {
    let (c, practice) = existing(ctx, id).await?;
    if c.author_id != user.actor_id || !c.local {
        return Err(AppError::Forbidden(
            "only its author edits a comment".into(),
        ));
    }
    if body.content.is_none() && body.stance.is_none() {
        return Err(bad("nothing to change: give content, stance or both"));
    }
    let content = match &body.content {
        Some(t) => rules::from_api(t).map_err(|e| bad(e.to_string()))?,
        None => c.content.clone(),
    };
    let stance = match body.stance {
        Some(s) => s.map(|s| s.as_str().to_string()),
        None => c.stance.clone(),
    };
    let author = actor(ctx, c.author_id).await?;
    let org = actor(ctx, practice.organization_id).await?;
    let parent = match c.parent_id {
        Some(p) => comments::by_id(&ctx.db, p).await?,
        None => None,
    };
    let now = crate::db::now();
    let mut tx = ctx.db.begin().await?;
    comments::edit(&mut tx, c.id, &content, stance.as_deref(), now).await?;
    let row = CommentRow {
        content,
        stance,
        edited_at: Some(now),
        updated_at: now,
        ..c
    };
    send_change(
        ctx,
        &mut tx,
        Change::Update,
        &row,
        &practice,
        &org,
        &author,
        parent.as_ref(),
    )
    .await?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    objects::refresh_document(ctx, &practice).await;
    one(ctx, &row).await
}

/// Deletes a comment: its author may, and so may the managers of the organisation that owns
/// the practice (and the admins of its instance). Its URL answers 410 afterwards; the
/// deletion goes to the owner's followers, or from the author to the owner.
pub async fn delete(ctx: &Ctx, user: &UserRow, id: i64) -> AppResult<()> {
    let (c, practice) = existing(ctx, id).await?;
    let own = c.author_id == user.actor_id && c.local;
    let moderator = practice.local
        && (user.role == Role::Admin
            || (user.role == Role::Manager
                && user.organization_id == Some(practice.organization_id)));
    if !own && !moderator {
        return Err(AppError::Forbidden(
            "only its author or a manager of the practice's organisation deletes a comment".into(),
        ));
    }
    let org = actor(ctx, practice.organization_id).await?;
    let note = Url::parse(&c.ap_id)?;
    let mut tx = ctx.db.begin().await?;
    comments::mark_deleted(&mut tx, c.id, crate::db::now()).await?;
    if practice.local {
        delete::send_comment_by_owner(ctx, &mut tx, &org, &note).await?;
        if own {
            // Mastodon honours a deletion only from the author.
            let author = actor(ctx, c.author_id).await?;
            delete::send_comment_by_author_to_followers(ctx, &mut tx, &author, &org, &note).await?;
        }
    } else {
        let author = actor(ctx, c.author_id).await?;
        delete::send_comment_by_author(ctx, &mut tx, &author, &org, &note).await?;
    }
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    objects::refresh_document(ctx, &practice).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::nest;
    use crate::db::comments::{CommentRow, ThreadRow};

    fn row(id: i64, parent: Option<i64>, deleted: bool) -> ThreadRow {
        ThreadRow {
            comment: CommentRow {
                id,
                ap_id: format!("https://a.example/comments/{id}"),
                practice_id: 1,
                parent_id: parent,
                author_id: 1,
                content: if deleted {
                    String::new()
                } else {
                    format!("<p>{id}</p>")
                },
                stance: None,
                local: true,
                context: None,
                url: None,
                created_at: Utc::now(),
                updated_at: Utc::now(),
                edited_at: None,
                deleted_at: deleted.then(Utc::now),
            },
            author_ap_id: "https://a.example/actors/anna".into(),
            author_username: "anna".into(),
            author_domain: "a.example".into(),
            author_local: true,
            author_name: None,
            author_url: None,
            org_username: None,
            org_name: None,
        }
    }

    #[test]
    fn a_thread_nests_and_keeps_removed_comments_only_for_their_replies() {
        // 1 ← 2 ← 3; 4 removed, without replies; 5 removed, with reply 6.
        let rows = [
            row(1, None, false),
            row(2, Some(1), false),
            row(3, Some(2), false),
            row(4, None, true),
            row(5, None, true),
            row(6, Some(5), false),
        ];
        let t = nest(rows.into());
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!(t[0].id, 1);
        assert_eq!(t[0].replies[0].id, 2);
        assert_eq!(t[0].replies[0].replies[0].id, 3);
        assert_eq!(t[1].id, 5);
        assert!(t[1].removed && t[1].content.is_empty());
        assert_eq!(t[1].replies[0].id, 6);
    }
}
