//! The queries that really differ between the backends, each with both branches side by side.
//! Everything else is written once (see [`super::query`]); a test in `federation-tests`
//! (`queues.rs`) runs each branch on the same data and compares the rows.

use super::{
    practices::{PracticeRow, COLS as PRACTICE_COLS},
    query::{fetch_all, fetch_optional, Ex},
    Db, Tx,
};

/// Leases (to `owner`, until `until`) up to `limit` destinations that have work due, are not
/// backing off and are held by nobody; returns them sorted. One statement, so claiming many
/// streams is cheap; the lease condition is re-checked on update, so two processes never get
/// the same stream.
///
/// On PostgreSQL several processes claim at once: the candidates are read `FOR UPDATE SKIP
/// LOCKED`, so one process passes over the rows another is claiming instead of waiting for its
/// transaction and then finding them taken. SQLite has a single writer and no row locks.
pub async fn lease_due(
    db: &Db,
    owner: &str,
    now: i64,
    until: i64,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = match db {
        Db::Sqlite { .. } => {
            "UPDATE instances SET lease_owner = $1, lease_until = $2 WHERE domain IN (\
               SELECT i.domain FROM instances i WHERE i.backoff_until <= $3 AND i.lease_until <= $3 \
               AND EXISTS (SELECT 1 FROM deliveries d WHERE d.destination = i.domain AND d.next_attempt_at <= $3) \
               ORDER BY i.backoff_until LIMIT $4) \
             AND lease_until <= $3 RETURNING domain"
        }
        Db::Postgres(_) => {
            "UPDATE instances SET lease_owner = $1, lease_until = $2 WHERE domain IN (\
               SELECT i.domain FROM instances i WHERE i.backoff_until <= $3 AND i.lease_until <= $3 \
               AND EXISTS (SELECT 1 FROM deliveries d WHERE d.destination = i.domain AND d.next_attempt_at <= $3) \
               ORDER BY i.backoff_until LIMIT $4 FOR UPDATE SKIP LOCKED) \
             AND lease_until <= $3 RETURNING domain"
        }
    };
    let ex: Ex<'_> = db.writer().into();
    let rows: Vec<(String,)> = fetch_all!(ex, (String,), sql, owner, until, now, limit)?;
    let mut domains: Vec<String> = rows.into_iter().map(|r| r.0).collect();
    domains.sort();
    Ok(domains)
}

/// Claims up to `limit` due received activities for `owner` until `until`, in arrival order
/// (the ids, ascending). The same choice of row locks as [`lease_due`].
pub async fn claim_inbox(
    db: &Db,
    owner: &str,
    now: i64,
    until: i64,
    limit: i64,
    cols: &str,
) -> Result<Vec<super::rows::InboxRow>, sqlx::Error> {
    let lock = match db {
        Db::Sqlite { .. } => "",
        Db::Postgres(_) => " FOR UPDATE SKIP LOCKED",
    };
    let sql = format!(
        "UPDATE inbox_activities SET lease_until = $1, lease_owner = $2 WHERE id IN (\
           SELECT id FROM inbox_activities WHERE state = 'pending' AND next_attempt_at <= $3 \
           AND lease_until <= $3 ORDER BY id LIMIT $4{lock}) AND lease_until <= $3 RETURNING {cols}"
    );
    let ex: Ex<'_> = db.writer().into();
    let mut rows = fetch_all!(ex, super::rows::InboxRow, &sql, until, owner, now, limit)?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// Leases to `owner` until `until` the first instance follow with work due at `now` (a walk
/// not done, or failures to retry) whose target accepted the follow of `me` (the local
/// instance actor), and that nobody else holds. The same choice of row locks as
/// [`lease_due`]; a lease of `owner`'s own (a previous run under this node name) is taken
/// back at once.
pub async fn claim_walk(
    db: &Db,
    owner: &str,
    me: i64,
    now: i64,
    until: i64,
) -> Result<Option<super::instance_follows::Walk>, sqlx::Error> {
    let lock = match db {
        Db::Sqlite { .. } => "",
        Db::Postgres(_) => " FOR UPDATE SKIP LOCKED",
    };
    let free = "(lease_until <= $3 OR lease_owner = $2)";
    let sql = format!(
        "UPDATE instance_follows SET lease_until = $1, lease_owner = $2 WHERE id IN (\
           SELECT f.id FROM instance_follows f WHERE {free} \
           AND EXISTS (SELECT 1 FROM follows fl WHERE fl.target_id = f.target_id \
             AND fl.follower_id = $4 AND fl.accepted) \
           AND ((NOT f.done AND f.next_attempt_at <= $3) \
           OR EXISTS (SELECT 1 FROM backfill_failures b WHERE b.follow_id = f.id \
             AND b.next_attempt_at IS NOT NULL AND b.next_attempt_at <= $3)) \
           ORDER BY f.next_attempt_at, f.id LIMIT 1{lock}) AND {free} RETURNING {}",
        super::instance_follows::WALK_COLS
    );
    let ex: Ex<'_> = db.writer().into();
    fetch_optional!(
        ex,
        super::instance_follows::Walk,
        &sql,
        until,
        owner,
        now,
        me
    )
}

/// A practice read inside the transaction that will change it, so that two changes of one
/// practice (two edits, a publication and a deletion) run one after the other instead of
/// both working from what they read before. On PostgreSQL the row is locked (`FOR UPDATE`)
/// until the transaction ends; a SQLite transaction holds the whole database's write lock from
/// its start (`BEGIN IMMEDIATE`), which already does it.
pub async fn practice_for_update(tx: &mut Tx, id: i64) -> Result<Option<PracticeRow>, sqlx::Error> {
    let lock = match tx {
        Tx::Sqlite(_) => "",
        Tx::Postgres(_) => " FOR UPDATE",
    };
    let sql = format!("SELECT {PRACTICE_COLS} FROM practices WHERE id = $1{lock}");
    fetch_optional!(tx, PracticeRow, &sql, id)
}

/// A candidacy, locked until the transaction ends on PostgreSQL (SQLite has one writer):
/// two admins' steps, or a step and an arriving activity, see each other's result.
pub async fn candidacy_for_update(
    tx: &mut Tx,
    id: i64,
) -> Result<Option<super::candidacies::CandidacyRow>, sqlx::Error> {
    let lock = match tx {
        Tx::Sqlite(_) => "",
        Tx::Postgres(_) => " FOR UPDATE",
    };
    let sql = format!(
        "SELECT {} FROM candidacies WHERE id = $1{lock}",
        super::candidacies::COLS
    );
    fetch_optional!(tx, super::candidacies::CandidacyRow, &sql, id)
}
