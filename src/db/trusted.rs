//! The list of trusted administration instances (hosts, `host[:port]`).

use super::{
    query::{execute, fetch_all},
    Db,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TrustedRow {
    pub host: String,
    pub source: String,
    pub added_at: i64,
}

/// Adds `host` (kept as it is when already listed); true if it was new.
pub async fn add(db: &Db, host: &str, source: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
    let n = execute!(
        db.writer(),
        "INSERT INTO trusted_instances (host, source, added_at) VALUES ($1, $2, $3) \
         ON CONFLICT (host) DO NOTHING",
        host,
        source,
        now_ms
    )?;
    Ok(n > 0)
}

/// Removes `host`; true if it was listed.
pub async fn remove(db: &Db, host: &str) -> Result<bool, sqlx::Error> {
    let n = execute!(
        db.writer(),
        "DELETE FROM trusted_instances WHERE host = $1",
        host
    )?;
    Ok(n > 0)
}

/// Whether persons of `host` may count as peers on the instance `own` (itself always).
pub async fn trusts(db: &Db, own: &str, host: &str) -> Result<bool, sqlx::Error> {
    let host = host.to_ascii_lowercase();
    Ok(host == own || contains(db, &host).await?)
}

/// Whether `host` is on the list.
pub async fn contains(db: &Db, host: &str) -> Result<bool, sqlx::Error> {
    let found: Option<(String,)> = super::query::fetch_optional!(
        db,
        (String,),
        "SELECT host FROM trusted_instances WHERE host = $1",
        host
    )?;
    Ok(found.is_some())
}

/// Every entry, by host.
pub async fn all(db: &Db) -> Result<Vec<TrustedRow>, sqlx::Error> {
    fetch_all!(
        db,
        TrustedRow,
        "SELECT host, source, added_at FROM trusted_instances ORDER BY host"
    )
}

/// A subscribed list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubscriptionRow {
    pub url: String,
    pub added_at: i64,
    pub refreshed_at: Option<i64>,
    pub last_error: Option<String>,
}

pub async fn subscribe(db: &Db, url: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    execute!(
        db.writer(),
        "INSERT INTO trusted_subscriptions (url, added_at) VALUES ($1, $2) \
         ON CONFLICT (url) DO NOTHING",
        url,
        now_ms
    )?;
    Ok(())
}

pub async fn subscriptions(db: &Db) -> Result<Vec<SubscriptionRow>, sqlx::Error> {
    fetch_all!(
        db,
        SubscriptionRow,
        "SELECT url, added_at, refreshed_at, last_error FROM trusted_subscriptions ORDER BY url"
    )
}

/// Replaces the entries that came from the list at `source` with `hosts` (entries an admin
/// added stay as they are), and records the refresh.
pub async fn replace_from(
    db: &Db,
    source: &str,
    hosts: &[String],
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    execute!(
        tx,
        "DELETE FROM trusted_instances WHERE source = $1",
        source
    )?;
    for h in hosts {
        execute!(
            tx,
            "INSERT INTO trusted_instances (host, source, added_at) VALUES ($1, $2, $3) \
             ON CONFLICT (host) DO NOTHING",
            h.as_str(),
            source,
            now_ms
        )?;
    }
    execute!(
        tx,
        "UPDATE trusted_subscriptions SET refreshed_at = $1, last_error = NULL WHERE url = $2",
        now_ms,
        source
    )?;
    tx.commit().await?;
    Ok(())
}

pub async fn refresh_failed(db: &Db, source: &str, error: &str) -> Result<(), sqlx::Error> {
    execute!(
        db.writer(),
        "UPDATE trusted_subscriptions SET last_error = $1 WHERE url = $2",
        error,
        source
    )?;
    Ok(())
}
