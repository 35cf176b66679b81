//! The outgoing queue: one delivery per activity and inbox, read in stream order (one stream
//! per destination instance), acknowledged in batches, and the log of deliveries that ended.

use super::{
    query::{execute, fetch_all, fetch_optional, params, value_rows, Arg, ROWS_PER_STATEMENT},
    Db, Tx,
};
use crate::domain::delivery::DeliveryOutcome;

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

/// Queues `activity_id` for `inboxes` (inbox, destination) whose destination it is not
/// queued to already (a hub that also follows the sender gets it once).
pub async fn enqueue_new_destinations(
    tx: &mut Tx,
    activity_id: i64,
    inboxes: &[(String, String)],
    now: i64,
) -> Result<u64, sqlx::Error> {
    let mut n = 0;
    for (inbox, destination) in inboxes {
        execute!(
            tx,
            "INSERT INTO instances (domain, state) VALUES ($1, 'up') ON CONFLICT (domain) DO NOTHING",
            destination
        )?;
        n += execute!(
            tx,
            "INSERT INTO deliveries (activity_id, inbox, destination, next_attempt_at, created_at) \
             SELECT $1, $2, $3, $4, $4 WHERE NOT EXISTS \
             (SELECT 1 FROM deliveries WHERE activity_id = $1 AND destination = $3) \
             ON CONFLICT (activity_id, inbox) DO NOTHING",
            activity_id,
            inbox,
            destination,
            now
        )?;
    }
    Ok(n)
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
    followers_but(tx, activity_id, actor_id, None, now).await
}

/// Like [`enqueue_to_followers`], but skipping every destination the activity `except` is
/// queued to already: the instance actor relaying what an organisation just sent, so an
/// instance that follows both gets it once.
pub async fn enqueue_to_followers_except(
    tx: &mut Tx,
    activity_id: i64,
    actor_id: i64,
    except: i64,
    now: i64,
) -> Result<u64, sqlx::Error> {
    followers_but(tx, activity_id, actor_id, Some(except), now).await
}

/// The followers' deliveries, but none to a destination `except` goes to (none when `None`:
/// the subquery then matches nothing).
async fn followers_but(
    tx: &mut Tx,
    activity_id: i64,
    actor_id: i64,
    except: Option<i64>,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let n = execute!(
        tx,
        "INSERT INTO deliveries (activity_id, inbox, destination, next_attempt_at, created_at) \
         SELECT DISTINCT $1, COALESCE(a.shared_inbox, a.inbox), a.domain, $2, $2 FROM follows f \
         JOIN actors a ON a.id = f.follower_id WHERE f.target_id = $3 AND f.accepted AND NOT a.local \
         AND a.domain NOT IN (SELECT d.destination FROM deliveries d WHERE d.activity_id = $4) \
         ON CONFLICT (activity_id, inbox) DO NOTHING",
        activity_id,
        now,
        actor_id,
        except
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
    pub outcome: DeliveryOutcome,
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
                Arg::Text(e.outcome.as_str().to_string()),
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

/// What a failed try leaves behind, decided from the destination's failure count and since
/// when it fails (by the caller, which knows the back-off policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub state: crate::domain::delivery::InstanceState,
    pub until: i64,
}

/// A try of delivery `id` to `domain` failed: count the failure on the instance, keep the
/// delivery queued with its error, back the instance off as `decide(failures, failing_since)`
/// says, and give the stream's lease back, all in one transaction. Fails (changing nothing)
/// when the delivery is no longer queued. Returns the failure count and the back-off.
pub async fn record_failure(
    db: &Db,
    id: i64,
    domain: &str,
    owner: &str,
    error: &str,
    now: i64,
    decide: impl FnOnce(i64, i64) -> Backoff,
) -> Result<(i64, Backoff), sqlx::Error> {
    let mut tx = db.begin().await?;
    execute!(
        tx,
        "UPDATE instances SET consecutive_failures = consecutive_failures + 1, \
         failing_since = COALESCE(failing_since, $1), last_error = $2 WHERE domain = $3",
        now,
        error,
        domain
    )?;
    let (failures, since): (i64, Option<i64>) = fetch_optional!(
        tx,
        (i64, Option<i64>),
        "SELECT consecutive_failures, failing_since FROM instances WHERE domain = $1",
        domain
    )?
    .ok_or(sqlx::Error::RowNotFound)?;
    let kept = execute!(
        tx,
        "UPDATE deliveries SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3",
        error,
        now,
        id
    )?;
    if kept != 1 {
        // Dropping the transaction rolls the failure count back.
        return Err(sqlx::Error::RowNotFound);
    }
    let backoff = decide(failures, since.unwrap_or(now));
    execute!(
        tx,
        "UPDATE instances SET state = $1, backoff_until = $2, lease_owner = NULL, lease_until = 0 \
         WHERE domain = $3 AND (lease_owner = $4 OR lease_owner IS NULL)",
        backoff.state.as_str(),
        backoff.until,
        domain,
        owner
    )?;
    tx.commit().await?;
    Ok((failures, backoff))
}
