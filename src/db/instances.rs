//! The destination instances: their health (up, backing off, dead), when we last heard from
//! them, and the leases that give one process a destination's stream at a time.

use super::{
    query::{execute, fetch_all, fetch_optional},
    Db,
};
use crate::domain::delivery::InstanceState;

/// Per-instance delivery state, as admins see it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct InstanceRow {
    pub domain: String,
    #[sqlx(try_from = "String")]
    pub state: InstanceState,
    pub failing_since: Option<i64>,
    pub backoff_until: i64,
    pub consecutive_failures: i64,
    pub last_success_at: Option<i64>,
    pub last_error: Option<String>,
    pub last_seen_at: Option<i64>,
    pub pending: i64,
    pub oldest_pending_at: Option<i64>,
}

/// Gives back every lease `owner` holds, on delivery streams and on received activities: the
/// process of that name restarted, so whatever its predecessor was doing is not in flight any
/// more. Returns (streams, activities) given back.
pub async fn reclaim(db: &Db, owner: &str) -> Result<(u64, u64), sqlx::Error> {
    let mut tx = db.begin().await?;
    let streams = execute!(
        tx,
        "UPDATE instances SET lease_owner = NULL, lease_until = 0 WHERE lease_owner = $1",
        owner
    )?;
    let activities = execute!(
        tx,
        "UPDATE inbox_activities SET lease_owner = NULL, lease_until = 0 WHERE lease_owner = $1",
        owner
    )?;
    tx.commit().await?;
    Ok((streams, activities))
}

/// Extends a lease this owner holds. False when it was lost (expired and taken over).
pub async fn renew(db: &Db, domain: &str, owner: &str, until: i64) -> Result<bool, sqlx::Error> {
    let n = execute!(
        db.writer(),
        "UPDATE instances SET lease_until = $1 WHERE domain = $2 AND lease_owner = $3",
        until,
        domain,
        owner
    )?;
    Ok(n == 1)
}

pub async fn release(db: &Db, domain: &str, owner: &str) -> Result<(), sqlx::Error> {
    execute!(
        db.writer(),
        "UPDATE instances SET lease_owner = NULL, lease_until = 0 WHERE domain = $1 AND lease_owner = $2",
        domain,
        owner
    )?;
    Ok(())
}

/// An instance sent us something: it is alive, so stop backing off and send again now.
/// Reads first, so the common case (already up) writes nothing. True when it was revived.
pub async fn seen(db: &Db, domain: &str, now: i64, touch: bool) -> Result<bool, sqlx::Error> {
    let state: Option<(String,)> = fetch_optional!(
        db,
        (String,),
        "SELECT state FROM instances WHERE domain = $1",
        domain
    )?;
    let revived = match state {
        Some((s,)) if s.parse::<InstanceState>().ok() != Some(InstanceState::Up) => {
            execute!(
                db.writer(),
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
            db.writer(),
            "UPDATE instances SET last_seen_at = $1 WHERE domain = $2",
            now,
            domain
        )?;
    }
    Ok(revived)
}

pub async fn all(db: &Db) -> Result<Vec<InstanceRow>, sqlx::Error> {
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
