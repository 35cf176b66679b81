//! Other instances' media kept here: one row per remote URL, its file under
//! `<data_dir>/media-cache/`, evicted least recently used first.

use chrono::{DateTime, Utc};

use super::{
    query::{execute, fetch_all, fetch_one, fetch_optional},
    Db,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CachedRow {
    pub id: i64,
    /// The medium's address on its own instance.
    pub url: String,
    /// `<uuid>.<ext>` under the cache directory; `None` while the last fetch failed.
    pub file_name: Option<String>,
    /// Detected from the bytes, as for uploads.
    pub media_type: Option<String>,
    pub kind: Option<String>,
    pub size: i64,
    pub sha256: Option<String>,
    /// Why the last fetch failed (for the log and admins, never for readers).
    pub error: Option<String>,
    pub fetched_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
}

/// A fetched file to record.
#[derive(Debug, Clone)]
pub struct NewCached<'a> {
    pub url: &'a str,
    pub file_name: &'a str,
    pub media_type: &'a str,
    pub kind: &'a str,
    pub size: i64,
    pub sha256: &'a str,
}

const COLUMNS: &str =
    "id, url, file_name, media_type, kind, size, sha256, error, fetched_at, last_used_at";

pub async fn by_url(db: &Db, url: &str) -> Result<Option<CachedRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM media_cache WHERE url = $1");
    fetch_optional!(db, CachedRow, &sql, url)
}

/// Records a fetched file, unless another request stored the same URL first (then `None`:
/// the caller's file is not needed).
pub async fn store_ready(db: &Db, c: NewCached<'_>) -> Result<Option<CachedRow>, sqlx::Error> {
    let now = super::now();
    let sql = format!(
        "INSERT INTO media_cache (url, file_name, media_type, kind, size, sha256, error, \
         fetched_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $7) \
         ON CONFLICT (url) DO UPDATE SET file_name = excluded.file_name, \
         media_type = excluded.media_type, kind = excluded.kind, size = excluded.size, \
         sha256 = excluded.sha256, error = NULL, fetched_at = excluded.fetched_at, \
         last_used_at = excluded.last_used_at WHERE media_cache.file_name IS NULL \
         RETURNING {COLUMNS}"
    );
    fetch_optional!(
        db.writer(),
        CachedRow,
        &sql,
        c.url,
        c.file_name,
        c.media_type,
        c.kind,
        c.size,
        c.sha256,
        now
    )
}

/// Records that fetching `url` failed (a file already stored is kept).
pub async fn store_failed(db: &Db, url: &str, error: &str) -> Result<(), sqlx::Error> {
    execute!(
        db.writer(),
        "INSERT INTO media_cache (url, size, error, fetched_at, last_used_at) \
         VALUES ($1, 0, $2, $3, $3) ON CONFLICT (url) DO UPDATE SET error = excluded.error, \
         fetched_at = excluded.fetched_at WHERE media_cache.file_name IS NULL",
        url,
        error,
        super::now()
    )?;
    Ok(())
}

/// Forgets failures recorded before `before` (they would be tried again anyway), so the
/// rows of addresses that never worked do not pile up.
pub async fn delete_failed_before(
    db: &Db,
    before: chrono::DateTime<chrono::Utc>,
) -> Result<u64, sqlx::Error> {
    execute!(
        db.writer(),
        "DELETE FROM media_cache WHERE file_name IS NULL AND fetched_at < $1",
        before
    )
}

/// Marks a row as just used.
pub async fn touch(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    execute!(
        db.writer(),
        "UPDATE media_cache SET last_used_at = $1 WHERE id = $2",
        super::now(),
        id
    )?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Total {
    total: i64,
}

/// Bytes of all stored files.
pub async fn total_size(db: &Db) -> Result<i64, sqlx::Error> {
    let t = fetch_one!(
        db,
        Total,
        "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) AS total FROM media_cache \
         WHERE file_name IS NOT NULL"
    )?;
    Ok(t.total)
}

/// Up to `n` stored files, least recently used first, other than `except`.
pub async fn least_recently_used(
    db: &Db,
    except: i64,
    n: i64,
) -> Result<Vec<CachedRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM media_cache WHERE file_name IS NOT NULL AND id <> $1 \
         ORDER BY last_used_at, id LIMIT $2"
    );
    fetch_all!(db, CachedRow, &sql, except, n)
}

pub async fn delete(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    execute!(db.writer(), "DELETE FROM media_cache WHERE id = $1", id)?;
    Ok(())
}
