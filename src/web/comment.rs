//! A local comment's page and `Note` at the same URL (a `Tombstone`, 410, once deleted), and
//! the thread collections a practice and its comments link to: `context` (the whole thread,
//! FEP-7888) and `replies` (direct answers, first page embedded).

use askama::Template;
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::{
    directory::date,
    page::{self, Page},
};
use crate::{
    db::{
        actors,
        comments::{self, CommentRow},
        practices::{self, PracticeRow},
    },
    domain::practice::PracticeState,
    error::{AppError, AppResult},
    federation::{
        objects::{
            comment::note_of,
            thread::{replies, replies_url, thread_url, THREAD_PAGE},
        },
        protocol::{
            context::context,
            objects::{Collection, CollectionPage, Tombstone},
        },
    },
    http_util::{activity_json, negotiate, ApiQuery, Wants},
    state::{Ctx, Fed},
};

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
}

fn gone(row: &CommentRow) -> AppResult<Response> {
    let mut t = Tombstone::of(Url::parse(&row.ap_id)?, "Note", row.deleted_at);
    t.context = Some(context());
    let mut r = activity_json(&t);
    *r.status_mut() = StatusCode::GONE;
    Ok(r)
}

async fn local_comment(ctx: &Ctx, key: &str) -> AppResult<CommentRow> {
    let ap_id = format!("{}/comments/{key}", ctx.config.base());
    comments::by_ap_id(&ctx.db, &ap_id)
        .await?
        .filter(|c| c.local)
        .ok_or_else(|| AppError::NotFound("no such comment".into()))
}

#[derive(Template)]
#[template(path = "comment.html")]
struct CommentPage {
    page: Page,
    author: String,
    author_href: Option<String>,
    when: String,
    edited: Option<String>,
    stance: Option<String>,
    /// Sanitised when stored.
    content: String,
    parent: Option<String>,
    practice: String,
    practice_href: String,
}

/// `/comments/{key}`: the `Note` of a local comment, or its page.
pub async fn show(
    State(fed): State<Fed>,
    Path(key): Path<String>,
    headers: HeaderMap,
    page: Page,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let row = match local_comment(&ctx, &key).await {
        Ok(row) => row,
        Err(AppError::NotFound(m)) => return Ok(super::not_found(&ctx, &headers, &m)),
        Err(e) => return Err(e),
    };
    if negotiate(&headers) == Wants::Html {
        if row.deleted_at.is_some() {
            return Ok(super::message(
                StatusCode::GONE,
                page,
                "comment-deleted-title",
                "comment-deleted-text",
            ));
        }
        return comment_page(&ctx, page, row).await;
    }
    if row.deleted_at.is_some() {
        return gone(&row);
    }
    Ok(activity_json(&note_of(&ctx, &row).await?))
}

async fn comment_page(ctx: &Ctx, page: Page, row: CommentRow) -> AppResult<Response> {
    let practice = practices::by_id(&ctx.db, row.practice_id).await?;
    let (practice, practice_href) = practice
        .map(|p| (p.title, p.url.unwrap_or(p.ap_id)))
        .unwrap_or_default();
    let author = actors::by_id(&ctx.db, row.author_id).await?;
    let (author, author_href) = match author {
        Some(a) => (
            a.name.clone().unwrap_or_else(|| a.username.clone()),
            Some(if a.local {
                format!("/actors/{}", a.username)
            } else {
                a.url.clone().unwrap_or_else(|| a.ap_id.to_string())
            }),
        ),
        None => (String::new(), None),
    };
    let parent = match row.parent_id {
        Some(id) => comments::by_id(&ctx.db, id)
            .await?
            .map(|c| c.url.unwrap_or(c.ap_id)),
        None => None,
    };
    let title = page.t1("comment-title", "author", &author);
    let description = page.t1("comment-practice", "practice", &practice);
    let page = page
        .titled(title)
        .described(description)
        .with_alternate(row.ap_id.clone());
    Ok(page::ok(&CommentPage {
        when: date(page.lang, row.created_at),
        edited: row.edited_at.map(|e| date(page.lang, e)),
        stance: row
            .stance
            .as_deref()
            .filter(|s| matches!(*s, "positive" | "negative" | "neutral"))
            .map(|s| page.t(&format!("profile-stance-{s}"))),
        author,
        author_href,
        content: row.content,
        parent,
        practice,
        practice_href,
        page,
    }))
}

/// A page of the direct replies of `ap_id` (a practice, `parent` `None`, or a comment), or
/// the collection with its first page embedded.
async fn replies_answer(
    ctx: &Ctx,
    ap_id: &str,
    practice_id: i64,
    parent: Option<i64>,
    page: Option<i64>,
) -> AppResult<Response> {
    let Some(n) = page else {
        let mut c = replies(&ctx.db, ap_id, practice_id, parent).await?;
        c.context = Some(context());
        return Ok(activity_json(&c));
    };
    if n < 1 {
        return Err(AppError::bad_request("bad_request", "pages start at 1"));
    }
    let total = comments::count_replies(&ctx.db, practice_id, parent).await?;
    let items = comments::reply_ids_page(
        &ctx.db,
        practice_id,
        parent,
        THREAD_PAGE,
        (n - 1) * THREAD_PAGE,
    )
    .await?
    .into_iter()
    .map(Value::String)
    .collect();
    let mut body = CollectionPage::of(
        Url::parse(&replies_url(ap_id))?,
        n,
        THREAD_PAGE,
        total,
        items,
    );
    body.context = Some(context());
    Ok(activity_json(&body))
}

/// `/comments/{key}/replies`.
pub async fn comment_replies(
    State(fed): State<Fed>,
    Path(key): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let row = local_comment(&ctx, &key).await?;
    replies_answer(&ctx, &row.ap_id, row.practice_id, Some(row.id), q.page).await
}

async fn local_practice(ctx: &Ctx, key: &str) -> AppResult<PracticeRow> {
    let id = format!("{}/practices/{key}", ctx.config.base());
    practices::by_ap_id(&ctx.db, &id)
        .await?
        .filter(|r| r.state == PracticeState::Published)
        .ok_or_else(|| AppError::NotFound("no such practice".into()))
}

/// `/practices/{key}/replies`: the comments that answer the practice itself.
pub async fn practice_replies(
    State(fed): State<Fed>,
    Path(key): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let p = local_practice(&ctx, &key).await?;
    replies_answer(&ctx, &p.ap_id, p.id, None, q.page).await
}

/// `/practices/{key}/context`: the whole thread, oldest first, so that a parent comes before
/// its replies. Comments written here are embedded (a deleted one as its `Tombstone`); those
/// from elsewhere are given by id, to be fetched from their origin.
pub async fn practice_thread(
    State(fed): State<Fed>,
    Path(key): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let p = local_practice(&ctx, &key).await?;
    let id = Url::parse(&thread_url(&p.ap_id))?;
    let total = comments::count_thread(&ctx.db, p.id).await?;
    let Some(n) = q.page else {
        let mut c = Collection::paged(id, total, THREAD_PAGE);
        c.context = Some(context());
        return Ok(activity_json(&c));
    };
    if n < 1 {
        return Err(AppError::bad_request("bad_request", "pages start at 1"));
    }
    let rows = comments::thread_page(&ctx.db, p.id, THREAD_PAGE, (n - 1) * THREAD_PAGE).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        items.push(if !r.local {
            Value::String(r.ap_id)
        } else if r.deleted_at.is_some() {
            serde_json::to_value(Tombstone::of(Url::parse(&r.ap_id)?, "Note", r.deleted_at))?
        } else {
            let mut note = note_of(&ctx, &r).await?;
            note.context = None;
            serde_json::to_value(note)?
        });
    }
    let mut body = CollectionPage::of(id, n, THREAD_PAGE, total, items);
    body.context = Some(context());
    Ok(activity_json(&body))
}
