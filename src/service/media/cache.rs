//! The cache of other instances' media. A remote practice's pictures, videos and documents are
//! fetched when a reader first asks for one (never by the inbox worker or a backfill, which
//! would fetch what nobody views), checked from their bytes as uploads are (size and type),
//! kept under `<data_dir>/media-cache/` up to `media_cache_max_bytes` (least recently used
//! evicted first) and served from this instance: a reader's browser never contacts the other
//! host, as Mastodon's media cache does for its users.

use std::path::PathBuf;

use bytes::BytesMut;
use sha2::{Digest, Sha256};
use url::Url;

use super::{detect, write_atomically};
use crate::{
    config::Config,
    db::{
        media_cache::{self, CachedRow, NewCached},
        practices, Db,
    },
    domain::practice::{MediaKind, PracticeRecord, PracticeState},
    error::{AppError, AppResult},
    state::Ctx,
};

/// How long a failed fetch is remembered before the URL is tried again: a broken link is not
/// fetched on every view.
const RETRY_FAILED_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// Rows evicted per query while the cache is over its size.
const EVICT_BATCH: i64 = 16;

/// A file of the cache, ready to serve.
#[derive(Debug, Clone)]
pub struct CachedFile {
    pub path: PathBuf,
    pub file_name: String,
    pub media_type: String,
    pub kind: MediaKind,
    pub sha256: String,
}

/// The directory of the cache.
pub fn dir(cfg: &Config) -> PathBuf {
    cfg.data_dir.join("media-cache")
}

/// The key of a remote medium in this instance's URLs: a hash of its address, so the page
/// can name it without a query and nobody can make us fetch an address of their choosing.
pub fn key_of(url: &str) -> String {
    hex::encode(&Sha256::digest(url.as_bytes())[..16])
}

/// Where this instance serves medium `url` of remote practice `practice_id`.
pub fn local_path(practice_id: i64, url: &str) -> String {
    format!("/media/remote/{practice_id}/{}", key_of(url))
}

/// The file of the medium with `key` of remote practice `practice_id`, fetched now if it is
/// not in the cache. Only a medium that a published remote practice lists is ever fetched.
pub async fn for_practice(ctx: &Ctx, practice_id: i64, key: &str) -> AppResult<CachedFile> {
    let missing = || AppError::NotFound("no such media".into());
    let row = practices::by_id(&ctx.db, practice_id)
        .await?
        .filter(|r| !r.local && r.state == PracticeState::Published)
        .ok_or_else(missing)?;
    let record: PracticeRecord = serde_json::from_str(&row.record)?;
    let url = record
        .media
        .iter()
        .map(|m| m.url.clone())
        .find(|u| key_of(u.as_str()) == key)
        .ok_or_else(missing)?;
    get(ctx, &url).await
}

/// The cached file of `url`, fetched and stored first if needed.
pub async fn get(ctx: &Ctx, url: &Url) -> AppResult<CachedFile> {
    let (db, cfg) = (&ctx.db, &ctx.config);
    if let Some(row) = media_cache::by_url(db, url.as_str()).await? {
        if let Some(file) = ready(cfg, &row) {
            if tokio::fs::try_exists(&file.path).await.unwrap_or(false) {
                // Recency to the minute is enough for eviction: at most one write a minute
                // per file, not one per view.
                if crate::db::now() - row.last_used_at > chrono::Duration::minutes(1) {
                    media_cache::touch(db, row.id).await?;
                }
                return Ok(file);
            }
            // The file went away (cleaned by hand): fetch it again.
            media_cache::delete(db, row.id).await?;
        } else if crate::db::now() - row.fetched_at < RETRY_FAILED_AFTER {
            return Err(unavailable());
        }
    }
    // In a task of its own: a reader who goes away does not leave a file without its row.
    let (db, cfg, http, url) = (
        ctx.db.clone(),
        ctx.config.clone(),
        ctx.http.clone(),
        url.clone(),
    );
    tokio::spawn(async move { fetch_and_store(&db, &cfg, &http, &url).await })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("media cache task: {e}")))?
}

fn unavailable() -> AppError {
    AppError::Upstream("this medium could not be fetched from its instance".into())
}

fn ready(cfg: &Config, row: &CachedRow) -> Option<CachedFile> {
    let file_name = row.file_name.clone()?;
    Some(CachedFile {
        path: dir(cfg).join(&file_name),
        file_name,
        media_type: row.media_type.clone()?,
        kind: row.kind.as_deref()?.parse().ok()?,
        sha256: row.sha256.clone()?,
    })
}

async fn fetch_and_store(
    db: &Db,
    cfg: &Config,
    http: &reqwest::Client,
    url: &Url,
) -> AppResult<CachedFile> {
    // Failures old enough to be tried again are forgotten, so addresses that never worked do
    // not pile up rows.
    media_cache::delete_failed_before(db, crate::db::now() - RETRY_FAILED_AFTER).await?;
    let bytes = match fetch(cfg, http, url).await {
        Ok(b) => b,
        Err(why) => {
            tracing::warn!(%url, error = %why, "could not cache a remote medium");
            media_cache::store_failed(db, url.as_str(), &why).await?;
            return Err(unavailable());
        }
    };
    let Some(accepted) = detect(&bytes) else {
        let why = "its content is not of a type this instance accepts";
        tracing::warn!(%url, error = why, "could not cache a remote medium");
        media_cache::store_failed(db, url.as_str(), why).await?;
        return Err(unavailable());
    };
    let file_name = format!("{}.{}", uuid::Uuid::new_v4(), accepted.ext);
    let dir = dir(cfg);
    let size = bytes.len() as i64;
    let sha256 = {
        let (d, f) = (dir.clone(), file_name.clone());
        tokio::task::spawn_blocking(move || write_atomically(&d, &f, &bytes))
            .await
            .map_err(|e| anyhow::anyhow!("writing a cached medium: {e}"))?
            .map_err(|e| anyhow::anyhow!("writing a cached medium to {}: {e}", dir.display()))?
    };
    let stored = media_cache::store_ready(
        db,
        NewCached {
            url: url.as_str(),
            file_name: &file_name,
            media_type: accepted.media_type,
            kind: accepted.kind.as_str(),
            size,
            sha256: &sha256,
        },
    )
    .await;
    let row = match stored {
        Ok(Some(row)) => row,
        other => {
            // Another request stored it first, or the row could not be written: this file
            // is nobody's.
            let _ = tokio::fs::remove_file(dir.join(&file_name)).await;
            other?;
            media_cache::by_url(db, url.as_str())
                .await?
                .ok_or_else(unavailable)?
        }
    };
    evict(db, cfg, row.id).await?;
    ready(cfg, &row).ok_or_else(unavailable)
}

/// Remote media fetched at once by this process.
static FETCHES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// The bytes at `url`, at most the smaller of the upload limit and the whole cache; the
/// reason as text when they cannot be had.
async fn fetch(cfg: &Config, http: &reqwest::Client, url: &Url) -> Result<bytes::Bytes, String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err("not an http or https URL".into());
    }
    if !cfg.allow_private_peers {
        // What a remote practice lists is fetched by us: never a local service, never http.
        if url.scheme() != "https" {
            return Err("not an https URL".into());
        }
        crate::federation::resolver::refuse_internal_literal(url).await?;
    }
    // A few fetches at once, so a page of cache misses cannot hold memory without bound
    // (each holds at most `limit` bytes).
    let _turn = FETCHES
        .acquire()
        .await
        .map_err(|e| format!("no fetch turn: {e}"))?;
    let limit = cfg.media_max_bytes.min(cfg.media_cache_max_bytes);
    let mut res = http
        .get(url.clone())
        .send()
        .await
        .map_err(|e| format!("request failed: {e}"))?;
    if !res.status().is_success() {
        return Err(format!("answered {}", res.status()));
    }
    if res.content_length().is_some_and(|n| n > limit) {
        return Err(format!("larger than {limit} bytes"));
    }
    let mut buf = BytesMut::new();
    while let Some(chunk) = res.chunk().await.map_err(|e| format!("reading: {e}"))? {
        if (buf.len() + chunk.len()) as u64 > limit {
            return Err(format!("larger than {limit} bytes"));
        }
        buf.extend_from_slice(&chunk);
    }
    if buf.is_empty() {
        return Err("empty".into());
    }
    Ok(buf.freeze())
}

/// Removes the least recently used files until the cache fits its size again (never `keep`,
/// the file just stored).
async fn evict(db: &Db, cfg: &Config, keep: i64) -> AppResult<()> {
    let max = i64::try_from(cfg.media_cache_max_bytes).unwrap_or(i64::MAX);
    let mut total = media_cache::total_size(db).await?;
    while total > max {
        let oldest = media_cache::least_recently_used(db, keep, EVICT_BATCH).await?;
        if oldest.is_empty() {
            break;
        }
        for row in oldest {
            if total <= max {
                break;
            }
            media_cache::delete(db, row.id).await?;
            if let Some(f) = &row.file_name {
                let path = dir(cfg).join(f);
                if let Err(e) = tokio::fs::remove_file(&path).await {
                    tracing::warn!(path = %path.display(), error = %e, "could not remove an evicted medium");
                }
            }
            total -= row.size;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn in_production_only_public_https_media_are_fetched() {
        let cfg = Config::defaults();
        assert!(!cfg.allow_private_peers);
        let http = reqwest::Client::new();
        for (url, why) in [
            ("http://media.example/a.jpg", "not an https URL"),
            ("https://169.254.169.254/latest/meta-data", ""),
            ("https://127.0.0.1/a.jpg", ""),
            ("https://[::1]/a.jpg", ""),
            ("ftp://media.example/a.jpg", "not an http or https URL"),
        ] {
            let err = fetch(&cfg, &http, &Url::parse(url).unwrap())
                .await
                .expect_err(url);
            assert!(err.contains(why), "{url}: {err}");
        }
    }
}
