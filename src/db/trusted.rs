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

/// Every entry, by host.
pub async fn all(db: &Db) -> Result<Vec<TrustedRow>, sqlx::Error> {
    fetch_all!(
        db,
        TrustedRow,
        "SELECT host, source, added_at FROM trusted_instances ORDER BY host"
    )
}
