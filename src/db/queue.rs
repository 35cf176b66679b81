//! The outgoing queue: deliveries (one per activity and inbox), instance states and leases.

use super::{params, value_rows, Arg, Db, Tx, ROWS_PER_STATEMENT};
use crate::{execute, fetch_all, fetch_optional};

/// One delivery ready to send, with what signing needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueDelivery {
    pub id: i64,
    pub destination: String,
    pub inbox: String,
    pub attempts: i64,
    pub created_at: i64,
    pub activity_ap_id: String,
    pub body: String,
    pub actor_id: i64,
}

/// Per-instance delivery state, as admins see it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct InstanceRow {
    pub domain: String,
    pub state: String,
    pub failing_since: Option<i64>,
    pub backoff_until: i64,
    pub consecutive_failures: i64,
    pub last_success_at: Option<i64>,
    pub last_error: Option<String>,
    pub last_seen_at: Option<i64>,
    pub pending: i64,
    pub oldest_pending_at: Option<i64>,
}

/// Queues `activity_id` for each inbox (deduplicated by the caller and by the unique key).
pub async fn enqueue(
    tx: &mut Tx,
    activity_id: i64,
    inboxes: &[(String, String)],
    now: i64,
) -> Result<(), sqlx::Error> {
    for (inbox, destination) in inboxes {
        execute!(
            tx,
            "INSERT INTO instances (domain, state) VALUES ($1, 'up') ON CONFLICT (domain) DO NOTHING",
            destination
        )?;
        execute!(
            tx,
            "INSERT INTO deliveries (activity_id, inbox, destination, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $4) ON CONFLICT (activity_id, inbox) DO NOTHING",
            activity_id,
            inbox,
            destination,
            now
        )?;
    }
    Ok(())
}

/// Queues `activity_id` for the shared inbox (or inbox) of every accepted remote follower of
/// `actor_id`, in two set-based statements whatever the number of followers. The stream of a
/// delivery is the follower's instance (its `domain`).
pub async fn enqueue_to_followers(
    tx: &mut Tx,
    activity_id: i64,
    actor_id: i64,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let n = execute!(
        tx,
        "INSERT INTO deliveries (activity_id, inbox, destination, next_attempt_at, created_at) \
         SELECT DISTINCT $1, COALESCE(a.shared_inbox, a.inbox), a.domain, $2, $2 FROM follows f \
         JOIN actors a ON a.id = f.follower_id WHERE f.target_id = $3 AND f.accepted AND NOT a.local \
         ON CONFLICT (activity_id, inbox) DO NOTHING",
        activity_id,
        now,
        actor_id
    )?;
    // The destinations from the deliveries just queued: one row per inbox, not per follower.
    execute!(
        tx,
        "INSERT INTO instances (domain, state) SELECT DISTINCT destination, 'up' FROM deliveries \
         WHERE activity_id = $1 ON CONFLICT (domain) DO NOTHING",
        activity_id
    )?;
    Ok(n)
}

/// Leases (to `owner`, until `until`) up to `limit` destinations that have work due, are not
/// backing off and are held by nobody. One statement, so claiming many streams is cheap; the
/// lease condition is re-checked on update, so two processes never get the same stream.
pub async fn lease_due(
    db: &Db,
    owner: &str,
    now: i64,
    until: i64,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = fetch_all!(
        db,
        (String,),
        "UPDATE instances SET lease_owner = $1, lease_until = $2 WHERE domain IN (\
           SELECT i.domain FROM instances i WHERE i.backoff_until <= $3 AND i.lease_until <= $3 \
           AND EXISTS (SELECT 1 FROM deliveries d WHERE d.destination = i.domain AND d.next_attempt_at <= $3) \
           ORDER BY i.backoff_until LIMIT $4) \
         AND lease_until <= $3 RETURNING domain",
        owner,
        until,
        now,
        limit
    )?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Whether any destination has work due now (for draining).
pub async fn any_due(db: &Db, now: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(String,)> = fetch_optional!(
        db,
        (String,),
        "SELECT i.domain FROM instances i WHERE i.backoff_until <= $1 \
         AND EXISTS (SELECT 1 FROM deliveries d WHERE d.destination = i.domain AND d.next_attempt_at <= $1) LIMIT 1",
        now
    )?;
    Ok(row.is_some())
}

/// The first `window` due deliveries of every destination `owner` leased until `until` (the
/// streams of one claim round), in stream order.
pub async fn first_windows(
    db: &Db,
    owner: &str,
    now: i64,
    until: i64,
    window: i64,
) -> Result<Vec<DueDelivery>, sqlx::Error> {
    fetch_all!(
        db,
        DueDelivery,
        "SELECT id, destination, inbox, attempts, created_at, activity_ap_id, body, actor_id FROM (\
           SELECT d.id, d.destination, d.inbox, d.attempts, d.created_at, a.ap_id AS activity_ap_id, a.body, \
             a.actor_id, ROW_NUMBER() OVER (PARTITION BY d.destination ORDER BY d.id) AS n \
           FROM deliveries d JOIN activities a ON a.id = d.activity_id \
           JOIN instances i ON i.domain = d.destination \
           WHERE i.lease_owner = $1 AND i.lease_until = $2 AND d.next_attempt_at <= $3) w \
         WHERE n <= $4 ORDER BY destination, id",
        owner,
        until,
        now,
        window
    )
}

/// Extends a lease this owner holds. False when it was lost (expired and taken over).
pub async fn renew(db: &Db, domain: &str, owner: &str, until: i64) -> Result<bool, sqlx::Error> {
    let n = execute!(
        db,
        "UPDATE instances SET lease_until = $1 WHERE domain = $2 AND lease_owner = $3",
        until,
        domain,
        owner
    )?;
    Ok(n == 1)
}

pub async fn release(db: &Db, domain: &str, owner: &str) -> Result<(), sqlx::Error> {
    execute!(
        db,
        "UPDATE instances SET lease_owner = NULL, lease_until = 0 WHERE domain = $1 AND lease_owner = $2",
        domain,
        owner
    )?;
    Ok(())
}

/// The next deliveries of a destination, in stream order.
pub async fn next_for(
    db: &Db,
    domain: &str,
    now: i64,
    limit: i64,
) -> Result<Vec<DueDelivery>, sqlx::Error> {
    fetch_all!(
        db,
        DueDelivery,
        "SELECT d.id, d.destination, d.inbox, d.attempts, d.created_at, a.ap_id AS activity_ap_id, a.body, \
           a.actor_id FROM deliveries d JOIN activities a ON a.id = d.activity_id \
         WHERE d.destination = $1 AND d.next_attempt_at <= $2 ORDER BY d.id LIMIT $3",
        domain,
        now,
        limit
    )
}

/// A delivery that ended: delivered, or refused for good.
#[derive(Debug, Clone)]
pub struct Ended {
    pub id: i64,
    pub activity_ap_id: String,
    pub inbox: String,
    pub outcome: &'static str,
    pub attempts: i64,
    pub detail: Option<String>,
}

/// Acknowledgements of one destination stream, committed together; `release` also gives the
/// stream's lease back.
#[derive(Debug, Clone)]
pub struct Ack {
    pub destination: String,
    pub owner: String,
    pub ended: Vec<Ended>,
    pub release: bool,
    pub now: i64,
}

/// Commits many acknowledgements in one transaction: ended deliveries leave the queue for the
/// log, their instances are marked up, finished streams are released. A handful of multi-row
/// statements whatever the number of acknowledgements, so the writer is not held one
/// round trip per delivery while a fan-out is in flight.
pub async fn commit_acks(db: &Db, acks: Vec<Ack>) -> Result<Vec<()>, sqlx::Error> {
    let n = acks.len();
    let ended: Vec<(&Ack, &Ended)> = acks
        .iter()
        .flat_map(|a| a.ended.iter().map(move |e| (a, e)))
        .collect();
    let mut tx = db.begin().await?;
    for chunk in ended.chunks(ROWS_PER_STATEMENT) {
        let ids = chunk.iter().map(|(_, e)| Arg::Int(e.id)).collect();
        let sql = format!(
            "DELETE FROM deliveries WHERE id IN ({})",
            params(1, chunk.len())
        );
        tx.execute_args(&sql, ids).await?;
        let mut rows = Vec::with_capacity(chunk.len() * 7);
        for (a, e) in chunk {
            rows.extend([
                Arg::Text(e.activity_ap_id.clone()),
                Arg::Text(e.inbox.clone()),
                Arg::Text(a.destination.clone()),
                Arg::Text(e.outcome.to_string()),
                Arg::Int(e.attempts),
                Arg::OptText(e.detail.clone()),
                Arg::Int(a.now),
            ]);
        }
        let sql = format!(
            "INSERT INTO delivery_log (activity_ap_id, inbox, destination, outcome, attempts, detail, finished_at) \
             VALUES {}",
            value_rows(1, chunk.len(), 7)
        );
        tx.execute_args(&sql, rows).await?;
    }
    // Instances that answered are up; streams that ended are released if still ours.
    let now = acks.iter().map(|a| a.now).max().unwrap_or_default();
    let up: Vec<&Ack> = acks.iter().filter(|a| !a.ended.is_empty()).collect();
    for chunk in up.chunks(ROWS_PER_STATEMENT) {
        let mut args = vec![Arg::Int(now)];
        args.extend(chunk.iter().map(|a| Arg::Text(a.destination.clone())));
        let sql = format!(
            "UPDATE instances SET state = 'up', failing_since = NULL, backoff_until = 0, \
             consecutive_failures = 0, last_success_at = $1, last_error = NULL WHERE domain IN ({})",
            params(2, chunk.len())
        );
        tx.execute_args(&sql, args).await?;
    }
    // Grouped by owner: in practice one, this process.
    let mut released: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for a in acks.iter().filter(|a| a.release) {
        released.entry(&a.owner).or_default().push(&a.destination);
    }
    for (owner, domains) in released {
        for chunk in domains.chunks(ROWS_PER_STATEMENT) {
            let mut args = vec![Arg::Text(owner.to_string())];
            args.extend(chunk.iter().map(|d| Arg::Text(d.to_string())));
            let sql = format!(
                "UPDATE instances SET lease_owner = NULL, lease_until = 0 \
                 WHERE lease_owner = $1 AND domain IN ({})",
                params(2, chunk.len())
            );
            tx.execute_args(&sql, args).await?;
        }
    }
    tx.commit().await?;
    Ok(vec![(); n])
}

/// A try failed but may succeed later.
pub async fn retry_later(db: &Db, id: i64, error: &str, next: i64) -> Result<(), sqlx::Error> {
    execute!(
        db,
        "UPDATE deliveries SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3",
        error,
        next,
        id
    )?;
    Ok(())
}

/// Records a failure and returns (consecutive failures, failing since).
pub async fn instance_failure(
    db: &Db,
    domain: &str,
    error: &str,
    now: i64,
) -> Result<(i64, i64), sqlx::Error> {
    execute!(
        db,
        "UPDATE instances SET consecutive_failures = consecutive_failures + 1, \
         failing_since = COALESCE(failing_since, $1), last_error = $2 WHERE domain = $3",
        now,
        error,
        domain
    )?;
    let row: Option<(i64, Option<i64>)> = fetch_optional!(
        db,
        (i64, Option<i64>),
        "SELECT consecutive_failures, failing_since FROM instances WHERE domain = $1",
        domain
    )?;
    let (n, since) = row.unwrap_or((1, Some(now)));
    Ok((n, since.unwrap_or(now)))
}

pub async fn set_backoff(
    db: &Db,
    domain: &str,
    state: &str,
    until: i64,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        "UPDATE instances SET state = $1, backoff_until = $2 WHERE domain = $3",
        state,
        until,
        domain
    )?;
    Ok(())
}

/// An instance sent us something: it is alive, so stop backing off and send again now.
/// Reads first, so the common case (already up) writes nothing. True when it was revived.
pub async fn instance_seen(
    db: &Db,
    domain: &str,
    now: i64,
    touch: bool,
) -> Result<bool, sqlx::Error> {
    let state: Option<(String,)> = fetch_optional!(
        db,
        (String,),
        "SELECT state FROM instances WHERE domain = $1",
        domain
    )?;
    let revived = match state {
        Some((s,)) if s != "up" => {
            execute!(
                db,
                "UPDATE instances SET state = 'up', backoff_until = 0, consecutive_failures = 0, \
                 failing_since = NULL, last_seen_at = $1 WHERE domain = $2",
                now,
                domain
            )?;
            true
        }
        _ => false,
    };
    if touch && !revived {
        execute!(
            db,
            "UPDATE instances SET last_seen_at = $1 WHERE domain = $2",
            now,
            domain
        )?;
    }
    Ok(revived)
}

pub async fn instances(db: &Db) -> Result<Vec<InstanceRow>, sqlx::Error> {
    fetch_all!(
        db,
        InstanceRow,
        "SELECT i.domain, i.state, i.failing_since, i.backoff_until, i.consecutive_failures, \
           i.last_success_at, i.last_error, i.last_seen_at, \
           (SELECT COUNT(*) FROM deliveries d WHERE d.destination = i.domain) AS pending, \
           (SELECT MIN(d.created_at) FROM deliveries d WHERE d.destination = i.domain) AS oldest_pending_at \
         FROM instances i ORDER BY i.domain"
    )
}

/// Outcome counts of finished deliveries (metrics).
pub async fn outcome_counts(db: &Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    fetch_all!(
        db,
        (String, i64),
        "SELECT outcome, COUNT(*) FROM delivery_log GROUP BY outcome ORDER BY outcome"
    )
}

/// Deliveries still queued, in total.
pub async fn pending_count(db: &Db) -> Result<i64, sqlx::Error> {
    let row: Option<(i64,)> = fetch_optional!(db, (i64,), "SELECT COUNT(*) FROM deliveries")?;
    Ok(row.map(|r| r.0).unwrap_or(0))
}
