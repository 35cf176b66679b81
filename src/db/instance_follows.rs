//! The `instance_follows` table (whole instances this one follows, with the walk of their
//! outbox: cursor, progress, lease) and `backfill_failures` (what a walk could not store, to
//! retry).

use chrono::{DateTime, Utc};

use super::{
    query::{execute, fetch_all, fetch_optional, Ex},
    Db, Tx, Writes,
};

/// An instance follow as the admin sees it: the followed actor, whether it accepted, and the
/// walk's progress.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InstanceFollowRow {
    pub id: i64,
    pub target_id: i64,
    pub target_ap_id: String,
    pub target_domain: String,
    /// The `follows` row's state; `None` when it is gone (refused by the target).
    pub accepted: Option<bool>,
    pub created_at: DateTime<Utc>,
    pub next_page: Option<String>,
    /// Practices the outbox said it holds (`totalItems`), when the walk last read it.
    pub total: Option<i64>,
    pub pages: i64,
    pub items: i64,
    pub errors: i64,
    pub done: bool,
    pub last_error: Option<String>,
    /// Objects waiting for a retry or given up (`backfill_failures`).
    pub failed: i64,
}

const VIEW: &str = "SELECT f.id, f.target_id, a.ap_id AS target_ap_id, a.domain AS target_domain, \
    fl.accepted, f.created_at, f.next_page, f.total, f.pages, f.items, f.errors, f.done, f.last_error, \
    (SELECT COUNT(*) FROM backfill_failures b WHERE b.follow_id = f.id) AS failed \
    FROM instance_follows f JOIN actors a ON a.id = f.target_id \
    LEFT JOIN follows fl ON fl.target_id = f.target_id AND fl.follower_id = $1";

/// Records that this instance follows the instance actor `target_id` (nothing when it does
/// already). Returns whether the row is new.
pub async fn insert(tx: &mut Tx, target_id: i64) -> Result<bool, sqlx::Error> {
    let n = execute!(
        tx,
        "INSERT INTO instance_follows (target_id, created_at) VALUES ($1, $2) \
         ON CONFLICT (target_id) DO NOTHING",
        target_id,
        super::now()
    )?;
    Ok(n == 1)
}

/// Every instance follow, newest first; `me` is the local instance actor.
pub async fn list(db: &Db, me: i64) -> Result<Vec<InstanceFollowRow>, sqlx::Error> {
    let sql = format!("{VIEW} ORDER BY f.id DESC");
    fetch_all!(db, InstanceFollowRow, &sql, me)
}

pub async fn by_id<'c>(
    ex: impl Into<Ex<'c>>,
    me: i64,
    id: i64,
) -> Result<Option<InstanceFollowRow>, sqlx::Error> {
    let sql = format!("{VIEW} WHERE f.id = $2");
    fetch_optional!(ex.into(), InstanceFollowRow, &sql, me, id)
}

pub async fn by_target<'c>(
    ex: impl Into<Ex<'c>>,
    me: i64,
    target_id: i64,
) -> Result<Option<InstanceFollowRow>, sqlx::Error> {
    let sql = format!("{VIEW} WHERE f.target_id = $2");
    fetch_optional!(ex.into(), InstanceFollowRow, &sql, me, target_id)
}

/// Forgets an instance follow and its failures.
pub async fn delete(tx: &mut Tx, id: i64) -> Result<(), sqlx::Error> {
    execute!(tx, "DELETE FROM backfill_failures WHERE follow_id = $1", id)?;
    execute!(tx, "DELETE FROM instance_follows WHERE id = $1", id)?;
    Ok(())
}

/// A walk claimed by a worker: where to read next and what it did so far.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Walk {
    pub id: i64,
    pub target_id: i64,
    pub next_page: Option<String>,
    pub pages: i64,
    pub items: i64,
    pub errors: i64,
    pub done: bool,
    pub attempts: i64,
}

pub(super) const WALK_COLS: &str = "id, target_id, next_page, pages, items, errors, done, attempts";

/// Leases to `owner` until `until` one accepted instance follow of `me` (the local instance
/// actor) with work due: a walk not done, or failures to retry. See
/// [`super::dialect::claim_walk`].
pub async fn claim(
    db: &Db,
    owner: &str,
    me: i64,
    now: i64,
    until: i64,
) -> Result<Option<Walk>, sqlx::Error> {
    super::dialect::claim_walk(db, owner, me, now, until).await
}

/// After a page: the next page to read (`None`: the walk is done), the items it held and
/// those that failed, the outbox's size when it said, and the lease extended to `until`. False when the lease was lost (the
/// walk belongs to another process now, which resumes from the cursor).
pub async fn save_page(
    db: &Db,
    id: i64,
    owner: &str,
    next_page: Option<&str>,
    (items, errors, total): (i64, i64, Option<i64>),
    until: i64,
) -> Result<bool, sqlx::Error> {
    let n = execute!(
        db.writer(),
        "UPDATE instance_follows SET next_page = $1, done = $2, pages = pages + 1, \
         items = items + $3, errors = errors + $4, attempts = 0, last_error = NULL, lease_until = $5, \
         total = COALESCE($8, total) WHERE id = $6 AND lease_owner = $7",
        next_page,
        next_page.is_none(),
        items,
        errors,
        until,
        id,
        owner,
        total
    )?;
    Ok(n == 1)
}

/// A page could not be read: keep the cursor, say why, try again at `next_attempt_at`, and
/// give the lease back.
pub async fn walk_failed(
    db: &Db,
    id: i64,
    owner: &str,
    error: &str,
    next_attempt_at: i64,
) -> Result<(), sqlx::Error> {
    execute!(
        db.writer(),
        "UPDATE instance_follows SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, \
         lease_owner = NULL, lease_until = 0 WHERE id = $3 AND lease_owner = $4",
        error,
        next_attempt_at,
        id,
        owner
    )?;
    Ok(())
}

/// Gives a walk's lease back (a stop, or nothing left to do now).
pub async fn release(db: &Db, id: i64, owner: &str) -> Result<(), sqlx::Error> {
    execute!(
        db.writer(),
        "UPDATE instance_follows SET lease_owner = NULL, lease_until = 0 \
         WHERE id = $1 AND lease_owner = $2",
        id,
        owner
    )?;
    Ok(())
}

/// Extends `owner`'s lease on the walk `id` until `until` (milliseconds since the epoch);
/// `false`: the lease is no longer `owner`'s.
pub async fn renew(db: &Db, id: i64, owner: &str, until: i64) -> Result<bool, sqlx::Error> {
    let n = execute!(
        db.writer(),
        "UPDATE instance_follows SET lease_until = $1 WHERE id = $2 AND lease_owner = $3",
        until,
        id,
        owner
    )?;
    Ok(n == 1)
}

/// An object a walk could not store.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Failure {
    pub id: i64,
    pub follow_id: i64,
    pub object_id: String,
    pub error: String,
    pub attempts: i64,
    /// Milliseconds since the epoch; `None`: given up.
    pub next_attempt_at: Option<i64>,
}

const FAILURE_COLS: &str = "id, follow_id, object_id, error, attempts, next_attempt_at";

/// Records (or records again) that `object_id` failed with `error`; `next` decides the next
/// attempt from the attempt count. Returns the attempts so far.
pub async fn failed<'c>(
    ex: impl Writes<'c>,
    follow_id: i64,
    object_id: &str,
    error: &str,
    next: impl FnOnce(i64) -> Option<i64>,
    attempts_before: i64,
) -> Result<i64, sqlx::Error> {
    let attempts = attempts_before + 1;
    execute!(
        ex.into(),
        "INSERT INTO backfill_failures (follow_id, object_id, error, attempts, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (follow_id, object_id) DO UPDATE SET \
         error = excluded.error, attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at",
        follow_id,
        object_id,
        error,
        attempts,
        next(attempts)
    )?;
    Ok(attempts)
}

/// A failure that was retried and stored (or found gone): it leaves the list.
pub async fn resolved<'c>(ex: impl Writes<'c>, id: i64) -> Result<(), sqlx::Error> {
    execute!(ex.into(), "DELETE FROM backfill_failures WHERE id = $1", id)?;
    Ok(())
}

/// Failures of a follow due for a retry at `now`, oldest first.
pub async fn due_failures(
    db: &Db,
    follow_id: i64,
    now: i64,
    limit: i64,
) -> Result<Vec<Failure>, sqlx::Error> {
    let sql = format!(
        "SELECT {FAILURE_COLS} FROM backfill_failures WHERE follow_id = $1 \
         AND next_attempt_at IS NOT NULL AND next_attempt_at <= $2 ORDER BY id LIMIT $3"
    );
    fetch_all!(db, Failure, &sql, follow_id, now, limit)
}

/// Every failure of a follow (admin view).
pub async fn failures(db: &Db, follow_id: i64) -> Result<Vec<Failure>, sqlx::Error> {
    let sql =
        format!("SELECT {FAILURE_COLS} FROM backfill_failures WHERE follow_id = $1 ORDER BY id");
    fetch_all!(db, Failure, &sql, follow_id)
}
