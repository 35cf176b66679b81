//! The incoming queue: verified raw activities waiting to be applied, and their fate.

use std::collections::HashSet;

use super::query::{execute, fetch_all, fetch_one};
use super::{
    query::{params, value_rows, Arg, ROWS_PER_STATEMENT},
    Db,
};
use crate::domain::delivery::InboxState;

pub use super::rows::InboxRow;
use super::rows::INBOX_COLS as COLS;

/// One received activity to store.
#[derive(Debug, Clone)]
pub struct NewInbox {
    pub ap_id: String,
    pub actor: String,
    pub kind: String,
    pub body: String,
    pub received_at: i64,
}

/// Stores several received activities in one transaction; for each, true when it was new
/// (not stored before, nor earlier in the same batch). One multi-row statement per
/// thousand activities.
pub async fn insert_batch(db: &Db, rows: Vec<NewInbox>) -> Result<Vec<bool>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut args = Vec::with_capacity(chunk.len() * 7);
        for r in chunk {
            args.extend([
                Arg::Text(r.ap_id.clone()),
                Arg::Text(r.actor.clone()),
                Arg::Text(r.kind.clone()),
                Arg::Text(r.body.clone()),
                Arg::Text(InboxState::Pending.as_str().into()),
                Arg::Int(r.received_at),
                Arg::Int(r.received_at),
            ]);
        }
        let sql = format!(
            "INSERT INTO inbox_activities (ap_id, actor, kind, body, state, next_attempt_at, received_at) \
             VALUES {} ON CONFLICT (ap_id) DO NOTHING RETURNING ap_id",
            value_rows(1, chunk.len(), 7)
        );
        let mut inserted: HashSet<String> =
            tx.fetch_texts_args(&sql, args).await?.into_iter().collect();
        // `remove`: a second copy in the same batch is a duplicate of the first.
        out.extend(chunk.iter().map(|r| inserted.remove(&r.ap_id)));
    }
    tx.commit().await?;
    Ok(out)
}

/// How applying one activity ended.
#[derive(Debug, Clone)]
pub enum Fate {
    Applied,
    Retry { error: String, next: i64 },
    Failed(String),
}

/// Records the fates of a batch of applied activities in one transaction (the applied ones,
/// the usual case, in one statement).
///
/// Only activities still leased to `owner` are changed: one whose lease ran out was claimed
/// by another process, whose outcome counts.
pub async fn record_fates(
    db: &Db,
    owner: &str,
    fates: Vec<(i64, Fate)>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let applied: Vec<i64> = fates
        .iter()
        .filter(|(_, f)| matches!(f, Fate::Applied))
        .map(|(id, _)| *id)
        .collect();
    for chunk in applied.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "UPDATE inbox_activities SET state = 'applied', attempts = attempts + 1, last_error = NULL, \
             lease_until = 0, lease_owner = NULL WHERE lease_owner = $1 AND id IN ({})",
            params(2, chunk.len())
        );
        let mut args = vec![Arg::Text(owner.to_string())];
        args.extend(chunk.iter().map(|id| Arg::Int(*id)));
        tx.execute_args(&sql, args).await?;
    }
    for (id, fate) in fates {
        match fate {
            Fate::Applied => 0,
            Fate::Retry { error, next } => execute!(
                tx,
                "UPDATE inbox_activities SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, lease_until = 0, lease_owner = NULL WHERE id = $3 AND lease_owner = $4",
                error,
                next,
                id,
                owner
            )?,
            Fate::Failed(error) => execute!(
                tx,
                "UPDATE inbox_activities SET state = 'failed', attempts = attempts + 1, last_error = $1, lease_until = 0, lease_owner = NULL WHERE id = $2 AND lease_owner = $3",
                error,
                id,
                owner
            )?,
        };
    }
    tx.commit().await
}

/// Extends `owner`'s lease on the activities `ids` until `until` (a batch that takes long).
pub async fn renew(db: &Db, owner: &str, ids: &[i64], until: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "UPDATE inbox_activities SET lease_until = $1 WHERE lease_owner = $2 AND id IN ({})",
            params(3, chunk.len())
        );
        let mut args = vec![Arg::Int(until), Arg::Text(owner.to_string())];
        args.extend(chunk.iter().map(|id| Arg::Int(*id)));
        tx.execute_args(&sql, args).await?;
    }
    tx.commit().await
}

/// Claims up to `limit` due activities for `owner` (this process's node name), in arrival
/// order, for `lease_ms`.
pub async fn claim(
    db: &Db,
    owner: &str,
    now: i64,
    lease_ms: i64,
    limit: i64,
) -> Result<Vec<InboxRow>, sqlx::Error> {
    super::dialect::claim_inbox(db, owner, now, now + lease_ms, limit, COLS).await
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

pub async fn failed_count(db: &Db) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        db,
        (i64,),
        "SELECT COUNT(*) FROM inbox_activities WHERE state = 'failed'"
    )?;
    Ok(n)
}

pub async fn pending_count(db: &Db) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        db,
        (i64,),
        "SELECT COUNT(*) FROM inbox_activities WHERE state = 'pending'"
    )?;
    Ok(n)
}
