//! Media uploads: the type is read from the bytes (never from the client's name or content
//! type), the file is written atomically under `<data_dir>/media/<uuid>.<ext>` and recorded in
//! `media`, and either both exist or neither does.

pub mod cache;
mod detect;

pub use detect::{detect, Accepted};
use detect::{ACCEPTED, ACCEPTED_HUMAN};

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use bytes::Bytes;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{
    config::Config,
    db::{
        media::{self, MediaRow, NewMedia},
        users::UserRow,
        Db,
    },
    domain::{
        actor::Role,
        practice::{MediaKind, MediaRef},
    },
    error::{AppError, AppResult},
};

/// Longest accepted description (alternative text), in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1500;

/// A stored file as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MediaView {
    pub id: i64,
    /// Public address of the file: `{public_url}/media/{file_name}`.
    pub url: String,
    /// Detected from the content.
    pub media_type: String,
    pub kind: MediaKind,
    /// In bytes.
    pub size: i64,
    /// Hex SHA-256 of the content; also the file's ETag.
    pub sha256: String,
}

impl MediaView {
    pub fn from_row(cfg: &Config, row: &MediaRow) -> Self {
        Self {
            id: row.id,
            url: url_of(cfg, &row.file_name),
            media_type: row.media_type.clone(),
            kind: row.kind,
            size: row.size,
            sha256: row.sha256.clone(),
        }
    }
}

/// The public URL of a stored file.
pub fn url_of(cfg: &Config, file_name: &str) -> String {
    format!("{}/media/{file_name}", cfg.base())
}

/// The directory holding the files.
pub fn dir(cfg: &Config) -> PathBuf {
    cfg.data_dir.join("media")
}

/// Whether `name` has the shape of a stored file: a lowercase hyphenated UUID and one of our
/// extensions. Nothing else (no separators, no dots elsewhere) ever reaches the file system.
pub fn is_file_name(name: &str) -> bool {
    let Some((stem, ext)) = name.split_once('.') else {
        return false;
    };
    let uuid_ok = uuid::Uuid::try_parse(stem)
        .map(|u| u.hyphenated().to_string() == stem)
        .unwrap_or(false);
    uuid_ok && ACCEPTED.iter().any(|a| a.ext == ext)
}

/// The path of a stored file; `None` when the name is not one we could have made.
pub fn path_of(cfg: &Config, file_name: &str) -> Option<PathBuf> {
    is_file_name(file_name).then(|| dir(cfg).join(file_name))
}

/// Whether files of this kind are shown in the browser rather than downloaded. Documents
/// and slides are downloaded: a PDF viewer runs the document's own scripts and forms, and
/// browsers refuse to render a PDF in a sandbox, so it never opens in this instance's origin.
pub fn is_inline(kind: MediaKind) -> bool {
    matches!(kind, MediaKind::Image | MediaKind::Video)
}

/// The refusal of an upload over the limit.
pub fn too_large(cfg: &Config) -> AppError {
    AppError::PayloadTooLarge(format!(
        "the upload is larger than the limit of {} bytes (media_max_bytes)",
        cfg.media_max_bytes
    ))
}

/// Checks a description (alternative text) and returns it trimmed; empty means none.
pub fn check_description(d: Option<String>) -> AppResult<Option<String>> {
    let Some(d) = d.map(|d| d.trim().to_string()).filter(|d| !d.is_empty()) else {
        return Ok(None);
    };
    if d.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(AppError::invalid_field(
            "description",
            format!("at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    Ok(Some(d))
}

/// Stores an upload of `uploader`: checks size and type, writes the file, records it.
///
/// The work runs in a task of its own, so a client that goes away mid-way cannot leave a file
/// written and its row never inserted.
pub async fn store(
    db: &Db,
    cfg: &Config,
    uploader: &UserRow,
    bytes: Bytes,
    original_name: Option<String>,
) -> AppResult<MediaView> {
    if bytes.len() as u64 > cfg.media_max_bytes {
        return Err(too_large(cfg));
    }
    if bytes.is_empty() {
        return Err(AppError::invalid_field("file", "the file is empty"));
    }
    let Some(accepted) = detect(&bytes) else {
        let found = infer::get(&bytes)
            .map(|t| format!(" (it looks like {})", t.mime_type()))
            .unwrap_or_default();
        return Err(AppError::UnsupportedMediaType(format!(
            "this content is not accepted{found}: upload {ACCEPTED_HUMAN}"
        )));
    };
    let (db, cfg) = (db.clone(), cfg.clone());
    let (uploader_id, organization_id) = (uploader.id, uploader.organization_id);
    let original_name = original_name.as_deref().and_then(clean_original_name);
    tokio::spawn(async move {
        let file_name = format!("{}.{}", uuid::Uuid::new_v4(), accepted.ext);
        let dir = dir(&cfg);
        let size = bytes.len() as i64;
        let sha256 = {
            let (d, f) = (dir.clone(), file_name.clone());
            tokio::task::spawn_blocking(move || write_atomically(&d, &f, &bytes))
                .await
                .map_err(|e| anyhow::anyhow!("writing the upload: {e}"))?
                .map_err(|e| anyhow::anyhow!("writing the upload to {}: {e}", dir.display()))?
        };
        let row = media::insert(
            &db,
            NewMedia {
                uploader_id,
                organization_id,
                file_name: &file_name,
                media_type: accepted.media_type,
                kind: accepted.kind,
                size,
                sha256: &sha256,
                original_name: original_name.as_deref(),
            },
        )
        .await;
        match row {
            Ok(row) => Ok(MediaView::from_row(&cfg, &row)),
            Err(e) => {
                let path = dir.join(&file_name);
                if let Err(rm) = tokio::fs::remove_file(&path).await {
                    tracing::error!(path = %path.display(), error = %rm, "could not remove the file of a failed upload");
                }
                Err(e.into())
            }
        }
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("upload task: {e}")))?
}

/// Writes `bytes` to `dir/file_name` through a temporary file in the same directory (renamed
/// into place once synced), and returns their hex SHA-256. On error nothing is left behind.
fn write_atomically(dir: &Path, file_name: &str, bytes: &[u8]) -> std::io::Result<String> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    std::fs::create_dir_all(dir)?;
    // A leading dot and another suffix: never a name `is_file_name` accepts, so never served.
    let tmp = dir.join(format!(".{file_name}.tmp"));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, dir.join(file_name))
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    // Make the rename durable; the file is complete either way.
    if let Err(e) = std::fs::File::open(dir).and_then(|d| d.sync_all()) {
        tracing::warn!(dir = %dir.display(), error = %e, "could not sync the media directory");
    }
    Ok(sha256)
}

/// The client's file name, reduced to its last component, without control characters, at most
/// 255 characters; kept for display only.
fn clean_original_name(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).take(255).collect();
    let clean = clean.trim().to_string();
    (!clean.is_empty()).then_some(clean)
}

/// The file name of `url` when it is one of this instance's uploads.
pub fn upload_name<'u>(cfg: &Config, url: &'u str) -> Option<&'u str> {
    url.strip_prefix(cfg.base().as_str())
        .and_then(|rest| rest.strip_prefix("/media/"))
        .filter(|f| is_file_name(f))
}

/// Checks that every medium of a local practice is one of this instance's uploads (a page
/// must never make a reader's browser contact another host), and takes its type from the
/// upload, which was read from the bytes. Returns the problems by field (`media[0].url`).
pub async fn own_uploads(
    db: &Db,
    cfg: &Config,
    media: &mut [MediaRef],
) -> AppResult<std::collections::BTreeMap<String, String>> {
    let mut errors = std::collections::BTreeMap::new();
    let prefix = format!("{}/media/", cfg.base());
    for (i, m) in media.iter_mut().enumerate() {
        let file_name = m
            .url
            .as_str()
            .strip_prefix(&prefix)
            .filter(|f| is_file_name(f));
        let row = match file_name {
            Some(f) => media::by_file_name(db, f).await?,
            None => None,
        };
        match row {
            Some(row) => m.media_type = row.media_type,
            None => {
                errors.insert(
                    format!("media[{i}].url"),
                    format!(
                        "must be a file uploaded to this instance ({prefix}…, from POST /api/v1/media)"
                    ),
                );
            }
        }
    }
    Ok(errors)
}

/// A stored file, for a user allowed to see its record: its uploader, members of the same
/// organisation and admins. Others get 404 (ids are sequential; drafts' files stay unlisted).
pub async fn get(db: &Db, cfg: &Config, viewer: &UserRow, id: i64) -> AppResult<MediaView> {
    let row = media::by_id(db, id)
        .await?
        .filter(|m| {
            viewer.role == Role::Admin
                || m.uploader_id == viewer.id
                || (m.organization_id.is_some() && m.organization_id == viewer.organization_id)
        })
        .ok_or_else(|| AppError::NotFound(format!("no media {id}")))?;
    Ok(MediaView::from_row(cfg, &row))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_only_ours() {
        let id = uuid::Uuid::new_v4();
        assert!(is_file_name(&format!("{id}.png")));
        assert!(!is_file_name(&format!("{id}.exe")));
        assert!(!is_file_name(&format!("{}.png", id.simple())));
        assert!(!is_file_name(&format!(
            "{}.png",
            id.to_string().to_uppercase()
        )));
        assert!(!is_file_name(&format!(".{id}.png.tmp")));
        assert!(!is_file_name("../prassi.db"));
        assert!(!is_file_name(&format!("../{id}.png")));
        assert!(!is_file_name(&format!("{id}.png/..")));
    }

    #[test]
    fn original_names_are_cleaned() {
        assert_eq!(
            clean_original_name("C:\\x\\..\\report.pdf").as_deref(),
            Some("report.pdf")
        );
        assert_eq!(
            clean_original_name("a/b/\u{7}c.png").as_deref(),
            Some("c.png")
        );
        assert_eq!(clean_original_name("dir/"), None);
    }
}
