//! The `comments` table (comments on practices, local and received, threaded) and
//! `practice_threads` (where a remote practice's thread is served, and when it was last read).

use chrono::{DateTime, Utc};

use super::{
    query::{execute, fetch_all, fetch_one, fetch_optional, Ex},
    Tx,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommentRow {
    pub id: i64,
    pub ap_id: String,
    pub practice_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub content: String,
    pub stance: Option<String>,
    pub local: bool,
    pub context: Option<String>,
    pub url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

const COLS: &str = "id, ap_id, practice_id, parent_id, author_id, content, stance, local, \
    context, url, created_at, updated_at, edited_at, deleted_at";

pub struct NewComment {
    pub ap_id: String,
    pub practice_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub content: String,
    pub stance: Option<String>,
    pub local: bool,
    pub context: Option<String>,
    pub url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
}

/// Inserts a comment unless one with its id is already stored (a comment that comes back
/// announced by the practice's owner, or arrives twice): `None` then.
pub async fn insert(tx: &mut Tx, c: NewComment) -> Result<Option<CommentRow>, sqlx::Error> {
    let sql = format!(
        "INSERT INTO comments (ap_id, practice_id, parent_id, author_id, content, stance, local, \
           context, url, created_at, updated_at, edited_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (ap_id) DO NOTHING RETURNING {COLS}"
    );
    fetch_optional!(
        tx,
        CommentRow,
        &sql,
        c.ap_id,
        c.practice_id,
        c.parent_id,
        c.author_id,
        c.content,
        c.stance,
        c.local,
        c.context,
        c.url,
        c.created_at,
        c.updated_at,
        c.edited_at
    )
}

/// A comment by its row id, with the practice it belongs to (`practice_id`).
pub async fn by_id<'c>(ex: impl Into<Ex<'c>>, id: i64) -> Result<Option<CommentRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM comments WHERE id = $1");
    fetch_optional!(ex.into(), CommentRow, &sql, id)
}

pub async fn by_ap_id<'c>(
    ex: impl Into<Ex<'c>>,
    ap_id: &str,
) -> Result<Option<CommentRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM comments WHERE ap_id = $1");
    fetch_optional!(ex.into(), CommentRow, &sql, ap_id)
}

/// A new text (and stance) for a comment, edited at `at`.
pub async fn edit(
    tx: &mut Tx,
    id: i64,
    content: &str,
    stance: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    execute!(
        tx,
        "UPDATE comments SET content = $1, stance = $2, edited_at = $3, updated_at = $3 \
         WHERE id = $4 AND deleted_at IS NULL",
        content,
        stance,
        at,
        id
    )?;
    Ok(())
}

/// Keeps the row as a tombstone, text emptied: its URL answers 410 and its replies keep
/// their place in the thread.
pub async fn mark_deleted(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    execute!(
        tx,
        "UPDATE comments SET content = '', stance = NULL, deleted_at = $1, updated_at = $1 \
         WHERE id = $2 AND deleted_at IS NULL",
        at,
        id
    )?;
    Ok(())
}

/// A comment with the practice it belongs to (a person's profile lists them).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuthoredRow {
    #[sqlx(flatten)]
    pub comment: CommentRow,
    pub practice_ap_id: String,
    pub practice_url: Option<String>,
    pub practice_title: String,
}

/// The comments of `author_id` that are not deleted, on published practices, newest first.
pub async fn by_author<'c>(
    ex: impl Into<Ex<'c>>,
    author_id: i64,
    limit: i64,
) -> Result<Vec<AuthoredRow>, sqlx::Error> {
    let cols: Vec<String> = COLS
        .split(", ")
        .map(|c| format!("c.{}", c.trim()))
        .collect();
    let sql = format!(
        "SELECT {}, p.ap_id AS practice_ap_id, p.url AS practice_url, \
           p.title AS practice_title \
         FROM comments c JOIN practices p ON p.id = c.practice_id \
         WHERE c.author_id = $1 AND c.deleted_at IS NULL AND p.state = 'published' \
         ORDER BY c.id DESC LIMIT $2",
        cols.join(", ")
    );
    fetch_all!(ex.into(), AuthoredRow, &sql, author_id, limit)
}

/// A comment of a thread with what its view needs of its author (and, for a local author,
/// the organisation they belong to), read in one query.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ThreadRow {
    #[sqlx(flatten)]
    pub comment: CommentRow,
    pub author_ap_id: String,
    pub author_username: String,
    pub author_domain: String,
    pub author_local: bool,
    pub author_name: Option<String>,
    pub author_url: Option<String>,
    pub org_username: Option<String>,
    pub org_name: Option<String>,
}

/// Every comment of a practice, oldest first, with its author ([`super::dialect::comment_thread`]).
pub async fn thread<'c>(
    ex: impl Into<Ex<'c>>,
    practice_id: i64,
) -> Result<Vec<ThreadRow>, sqlx::Error> {
    super::dialect::comment_thread(ex, practice_id).await
}

/// How many comments a practice's thread has (deleted ones included: they are tombstones in
/// its collection).
pub async fn count_thread<'c>(ex: impl Into<Ex<'c>>, practice_id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        ex.into(),
        (i64,),
        "SELECT COUNT(*) FROM comments WHERE practice_id = $1",
        practice_id
    )?;
    Ok(n)
}

/// One page of a practice's thread, oldest first.
pub async fn thread_page<'c>(
    ex: impl Into<Ex<'c>>,
    practice_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<CommentRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLS} FROM comments WHERE practice_id = $1 ORDER BY id LIMIT $2 OFFSET $3"
    );
    fetch_all!(ex.into(), CommentRow, &sql, practice_id, limit, offset)
}

/// How many direct replies a comment (or, with `parent` `None`, the practice) has.
pub async fn count_replies<'c>(
    ex: impl Into<Ex<'c>>,
    practice_id: i64,
    parent: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        ex.into(),
        (i64,),
        "SELECT COUNT(*) FROM comments WHERE practice_id = $1 \
         AND (parent_id = $2 OR ($2 IS NULL AND parent_id IS NULL))",
        practice_id,
        parent
    )?;
    Ok(n)
}

/// One page of the ids of the direct replies to a comment (or to the practice), oldest first.
pub async fn reply_ids_page<'c>(
    ex: impl Into<Ex<'c>>,
    practice_id: i64,
    parent: Option<i64>,
    limit: i64,
    offset: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = fetch_all!(
        ex.into(),
        (String,),
        "SELECT ap_id FROM comments WHERE practice_id = $1 \
         AND (parent_id = $2 OR ($2 IS NULL AND parent_id IS NULL)) \
         ORDER BY id LIMIT $3 OFFSET $4",
        practice_id,
        parent,
        limit,
        offset
    )?;
    Ok(rows.into_iter().map(|(s,)| s).collect())
}

/// Records where a remote practice's thread is served.
pub async fn set_thread_context<'c>(
    ex: impl Into<Ex<'c>>,
    practice_id: i64,
    context: &str,
) -> Result<(), sqlx::Error> {
    execute!(
        ex.into(),
        "INSERT INTO practice_threads (practice_id, context) VALUES ($1, $2) \
         ON CONFLICT (practice_id) DO UPDATE SET context = excluded.context",
        practice_id,
        context
    )?;
    Ok(())
}

/// Where a remote practice's thread is served, and when it was last read.
pub async fn thread_context<'c>(
    ex: impl Into<Ex<'c>>,
    practice_id: i64,
) -> Result<Option<(String, Option<DateTime<Utc>>)>, sqlx::Error> {
    fetch_optional!(
        ex.into(),
        (String, Option<DateTime<Utc>>),
        "SELECT context, backfilled_at FROM practice_threads WHERE practice_id = $1",
        practice_id
    )
}

/// The remote practice whose thread is served at `context`.
pub async fn practice_by_thread<'c>(
    ex: impl Into<Ex<'c>>,
    context: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = fetch_optional!(
        ex.into(),
        (i64,),
        "SELECT practice_id FROM practice_threads WHERE context = $1",
        context
    )?;
    Ok(row.map(|(id,)| id))
}

pub async fn mark_backfilled<'c>(
    ex: impl Into<Ex<'c>>,
    practice_id: i64,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    execute!(
        ex.into(),
        "UPDATE practice_threads SET backfilled_at = $1 WHERE practice_id = $2",
        at,
        practice_id
    )?;
    Ok(())
}
