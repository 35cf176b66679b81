//! The incoming queue: verified raw activities waiting to be applied, and their fate.

use super::Db;
use crate::{execute, fetch_all, fetch_one};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct InboxRow {
    pub id: i64,
    pub ap_id: String,
    pub actor: String,
    pub kind: String,
    pub body: String,
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub received_at: i64,
}

const COLS: &str = "id, ap_id, actor, kind, body, state, attempts, last_error, received_at";

/// Stores a received activity unless its id was seen before. True when it is new.
pub async fn insert(
    db: &Db,
    ap_id: &str,
    actor: &str,
    kind: &str,
    body: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let n = execute!(
        db,
        "INSERT INTO inbox_activities (ap_id, actor, kind, body, state, next_attempt_at, received_at) \
         VALUES ($1, $2, $3, $4, 'pending', $5, $5) ON CONFLICT (ap_id) DO NOTHING",
        ap_id,
        actor,
        kind,
        body,
        now
    )?;
    Ok(n == 1)
}

/// Claims up to `limit` due activities, in arrival order, for `lease_ms`.
pub async fn claim(
    db: &Db,
    now: i64,
    lease_ms: i64,
    limit: i64,
) -> Result<Vec<InboxRow>, sqlx::Error> {
    let sql = format!(
        "UPDATE inbox_activities SET lease_until = $1 WHERE id IN (\
           SELECT id FROM inbox_activities WHERE state = 'pending' AND next_attempt_at <= $2 \
           AND lease_until <= $2 ORDER BY id LIMIT $3) AND lease_until <= $2 RETURNING {COLS}"
    );
    let mut rows = fetch_all!(db, InboxRow, &sql, now + lease_ms, now, limit)?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

pub async fn mark_applied(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    execute!(
        db,
        "UPDATE inbox_activities SET state = 'applied', attempts = attempts + 1, last_error = NULL, lease_until = 0 WHERE id = $1",
        id
    )?;
    Ok(())
}

pub async fn mark_retry(db: &Db, id: i64, error: &str, next: i64) -> Result<(), sqlx::Error> {
    execute!(
        db,
        "UPDATE inbox_activities SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, lease_until = 0 WHERE id = $3",
        error,
        next,
        id
    )?;
    Ok(())
}

pub async fn mark_failed(db: &Db, id: i64, error: &str) -> Result<(), sqlx::Error> {
    execute!(
        db,
        "UPDATE inbox_activities SET state = 'failed', attempts = attempts + 1, last_error = $1, lease_until = 0 WHERE id = $2",
        error,
        id
    )?;
    Ok(())
}

/// Activities that could not be applied, newest first (admin view).
pub async fn failed(db: &Db, limit: i64) -> Result<Vec<InboxRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLS} FROM inbox_activities WHERE state = 'failed' ORDER BY id DESC LIMIT $1"
    );
    fetch_all!(db, InboxRow, &sql, limit)
}

/// Counts by state (metrics).
pub async fn state_counts(db: &Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    fetch_all!(
        db,
        (String, i64),
        "SELECT state, COUNT(*) FROM inbox_activities GROUP BY state ORDER BY state"
    )
}

pub async fn pending_count(db: &Db) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        db,
        (i64,),
        "SELECT COUNT(*) FROM inbox_activities WHERE state = 'pending'"
    )?;
    Ok(n)
}
