//! A local comment's page and `Note` at the same URL (a `Tombstone`, 410, once deleted), and
//! the thread collections a practice and its comments link to: `context` (the whole thread,
//! FEP-7888) and `replies` (direct answers, first page embedded).

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::{esc, layout};
use crate::{
    db::{
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
    http_util::{activity_json, html, negotiate, ApiQuery, Wants},
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

/// `/comments/{key}`: the `Note` of a local comment, or its page.
pub async fn show(
    State(fed): State<Fed>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let row = local_comment(&ctx, &key).await?;
    if negotiate(&headers) == Wants::Html {
        if row.deleted_at.is_some() {
            let body = html(layout(&ctx, "Deleted", "<h1>This comment was deleted</h1>"));
            return Ok((StatusCode::GONE, body).into_response());
        }
        let practice = practices::by_id(&ctx.db, row.practice_id).await?;
        let back = practice
            .map(|p| p.url.unwrap_or(p.ap_id))
            .unwrap_or_default();
        // The content was sanitised when stored.
        let main = format!(
            "<article><h1>Comment</h1>\n{}\n<p><a href=\"{}\">The practice</a></p></article>",
            row.content,
            esc(&back)
        );
        return Ok(html(layout(&ctx, "Comment", &main)));
    }
    if row.deleted_at.is_some() {
        return gone(&row);
    }
    Ok(activity_json(&note_of(&ctx, &row).await?))
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
