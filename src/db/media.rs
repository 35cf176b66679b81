//! Uploaded media: one row per file stored under `<data_dir>/media/`.

use chrono::{DateTime, Utc};

use super::{
    query::{fetch_one, fetch_optional},
    Db,
};
use crate::domain::practice::MediaKind;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MediaRow {
    pub id: i64,
    pub uploader_id: i64,
    /// The uploader's organisation (an actor) at upload time.
    pub organization_id: Option<i64>,
    /// `<uuid>.<ext>`: the name on disk and in the public URL.
    pub file_name: String,
    /// Detected from the content, never taken from the client.
    pub media_type: String,
    #[sqlx(try_from = "String")]
    pub kind: MediaKind,
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// The client's file name, for display only.
    pub original_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A row to insert.
#[derive(Debug, Clone)]
pub struct NewMedia<'a> {
    pub uploader_id: i64,
    pub organization_id: Option<i64>,
    pub file_name: &'a str,
    pub media_type: &'a str,
    pub kind: MediaKind,
    pub size: i64,
    pub sha256: &'a str,
    pub original_name: Option<&'a str>,
}

const COLUMNS: &str = "id, uploader_id, organization_id, file_name, media_type, kind, size, \
    sha256, original_name, created_at";

pub async fn insert(db: &Db, m: NewMedia<'_>) -> Result<MediaRow, sqlx::Error> {
    let sql = format!(
        "INSERT INTO media (uploader_id, organization_id, file_name, media_type, kind, size, \
         sha256, original_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         RETURNING {COLUMNS}"
    );
    fetch_one!(
        db.writer(),
        MediaRow,
        &sql,
        m.uploader_id,
        m.organization_id,
        m.file_name,
        m.media_type,
        m.kind.as_str(),
        m.size,
        m.sha256,
        m.original_name,
        super::now()
    )
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<MediaRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM media WHERE id = $1");
    fetch_optional!(db, MediaRow, &sql, id)
}

pub async fn by_file_name(db: &Db, file_name: &str) -> Result<Option<MediaRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM media WHERE file_name = $1");
    fetch_optional!(db, MediaRow, &sql, file_name)
}

/// The size of each of the uploads among `file_names`, in one query (a page's media); the
/// unknown ones are left out.
pub async fn sizes(db: &Db, file_names: &[&str]) -> Result<Vec<(String, i64)>, sqlx::Error> {
    if file_names.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT file_name, size FROM media WHERE file_name IN ({})",
        super::query::params(1, file_names.len())
    );
    super::query::fetch_all_listed!(db, (String, i64), &sql, file_names)
}
