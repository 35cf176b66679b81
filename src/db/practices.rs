//! The `practices` table: local drafts and publications, and practices received from other
//! instances. The record is a JSON document; the other columns serve lists and filters.

use chrono::{DateTime, Utc};

use super::{
    query::{execute, fetch_all, fetch_one, fetch_optional, Ex},
    Db, Tx,
};
use crate::domain::{
    practice::{own_text, PracticeRecord, PracticeState},
    vocab::{Sector, Stage},
};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PracticeRow {
    pub id: i64,
    pub ap_id: String,
    pub organization_id: i64,
    pub author_id: Option<i64>,
    pub local: bool,
    pub origin: String,
    #[sqlx(try_from = "String")]
    pub state: PracticeState,
    pub record: String,
    pub title: String,
    pub stage: Option<String>,
    pub sectors: String,
    pub language: Option<String>,
    pub content_digest: Option<String>,
    pub url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

pub(super) const COLS: &str =
    "id, ap_id, organization_id, author_id, local, origin, state, record, title, stage, \
    sectors, language, content_digest, url, created_at, updated_at, published_at, deleted_at";

/// The searchable columns derived from a record.
#[derive(Debug, Clone)]
pub struct Summary {
    pub title: String,
    pub stage: Option<String>,
    /// Sector codes joined as `,04,07,` so `LIKE '%,07,%'` filters alike on both backends.
    pub sectors: String,
    pub language: Option<String>,
}

impl Summary {
    /// The columns lists and filters use, derived from the record.
    pub fn of(record: &PracticeRecord) -> Self {
        let title = own_text(&record.title, record)
            .unwrap_or_default()
            .to_string();
        let sectors: Vec<&str> = record.sectors.iter().map(|s| s.as_str()).collect();
        Summary {
            title,
            stage: record.stage.map(|s| s.as_str().to_string()),
            sectors: format!(",{},", sectors.join(",")),
            language: record.language.map(|l| l.as_str().to_string()),
        }
    }
}

pub struct NewPractice {
    pub ap_id: String,
    pub organization_id: i64,
    pub author_id: Option<i64>,
    pub local: bool,
    pub origin: String,
    pub state: PracticeState,
    pub record: String,
    pub summary: Summary,
    pub content_digest: Option<String>,
    pub url: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, p: NewPractice) -> Result<PracticeRow, sqlx::Error> {
    let row = insert_row(tx, p).await?;
    super::search::changed(tx, row.id).await?;
    Ok(row)
}

async fn insert_row(tx: &mut Tx, p: NewPractice) -> Result<PracticeRow, sqlx::Error> {
    let sql = format!(
        "INSERT INTO practices (ap_id, organization_id, author_id, local, origin, state, record, title, stage, \
           sectors, language, content_digest, url, created_at, updated_at, published_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15) RETURNING {COLS}"
    );
    fetch_one!(
        tx,
        PracticeRow,
        &sql,
        p.ap_id,
        p.organization_id,
        p.author_id,
        p.local,
        p.origin,
        p.state.as_str(),
        p.record,
        p.summary.title,
        p.summary.stage,
        p.summary.sectors,
        p.summary.language,
        p.content_digest,
        p.url,
        p.updated_at,
        p.published_at
    )
}

/// Replaces the record (and what derives from it) of a practice.
pub async fn update_record(
    tx: &mut Tx,
    id: i64,
    record: &str,
    s: &Summary,
    content_digest: Option<&str>,
    updated_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    execute!(
        &mut *tx,
        "UPDATE practices SET record = $1, title = $2, stage = $3, sectors = $4, language = $5, \
         content_digest = $6, updated_at = $7 WHERE id = $8",
        record,
        s.title.clone(),
        s.stage.clone(),
        s.sectors.clone(),
        s.language.clone(),
        content_digest,
        updated_at,
        id
    )?;
    super::search::changed(tx, id).await
}

pub async fn mark_published(
    tx: &mut Tx,
    id: i64,
    digest: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    execute!(
        &mut *tx,
        "UPDATE practices SET state = 'published', content_digest = $1, published_at = $2, updated_at = $2 WHERE id = $3",
        digest,
        at,
        id
    )?;
    super::search::changed(tx, id).await
}

/// Keeps the row as a tombstone: its URL answers 410 afterwards. Its candidacies still
/// open are closed, whichever path deleted it (the organisation here, its `Delete`, or a
/// relay's `Announce` of a gone practice).
pub async fn mark_deleted(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    execute!(
        &mut *tx,
        "UPDATE practices SET state = 'deleted', record = '{}', deleted_at = $1, updated_at = $1 WHERE id = $2",
        at,
        id
    )?;
    super::candidacies::close_for_deleted_practice(tx, id, at).await?;
    super::search::changed(tx, id).await
}

/// Moves a practice's version stamp to `at` without changing its record: what its Article
/// carries besides the record changed (a recognition was added), so the cached document and
/// the copies of its followers move on.
pub async fn touch(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    execute!(
        &mut *tx,
        "UPDATE practices SET updated_at = $1 WHERE id = $2",
        at,
        id
    )?;
    super::search::changed(tx, id).await
}

pub async fn delete_draft(tx: &mut Tx, id: i64) -> Result<(), sqlx::Error> {
    execute!(
        tx,
        "DELETE FROM practices WHERE id = $1 AND state = 'draft'",
        id
    )?;
    Ok(())
}

pub async fn by_id<'c>(ex: impl Into<Ex<'c>>, id: i64) -> Result<Option<PracticeRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM practices WHERE id = $1");
    fetch_optional!(ex.into(), PracticeRow, &sql, id)
}

pub async fn by_ap_id<'c>(
    ex: impl Into<Ex<'c>>,
    ap_id: &str,
) -> Result<Option<PracticeRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM practices WHERE ap_id = $1");
    fetch_optional!(ex.into(), PracticeRow, &sql, ap_id)
}

/// What a request for a practice document reads first: its id, state and version stamp.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Version {
    pub id: i64,
    pub ap_id: String,
    pub local: bool,
    #[sqlx(try_from = "String")]
    pub state: PracticeState,
    pub updated_at: DateTime<Utc>,
}

/// The version of a practice, by its ActivityPub id (local practices) or its row id.
pub async fn version(db: &Db, key: VersionKey<'_>) -> Result<Option<Version>, sqlx::Error> {
    match key {
        VersionKey::ApId(ap_id) => fetch_optional!(
            db,
            Version,
            "SELECT id, ap_id, local, state, updated_at FROM practices WHERE ap_id = $1",
            ap_id
        ),
        VersionKey::Id(id) => fetch_optional!(
            db,
            Version,
            "SELECT id, ap_id, local, state, updated_at FROM practices WHERE id = $1",
            id
        ),
    }
}

/// How a practice is named in its URL.
#[derive(Debug, Clone, Copy)]
pub enum VersionKey<'a> {
    ApId(&'a str),
    Id(i64),
}

/// Filters of the practice list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub organization_id: Option<i64>,
    pub stage: Option<Stage>,
    pub sector: Option<Sector>,
    pub origin: Option<String>,
    pub local: Option<bool>,
    /// Drafts are listed only for the organisation that owns them.
    pub drafts_of: Option<i64>,
}

/// A practice in a list, with the handle of its organisation read in the same query.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Listed {
    #[sqlx(flatten)]
    pub practice: PracticeRow,
    pub org_username: Option<String>,
    pub org_domain: Option<String>,
    pub org_local: Option<bool>,
    pub org_name: Option<String>,
    /// Its good index (zeros and no owner's figure when it has none yet).
    #[sqlx(flatten)]
    pub index: super::good_index::IndexRow,
}

/// One page of practices, newest first, each with its organisation's handle and its good
/// index (one query, not more per row). `NULL` parameters mean "any".
pub async fn list(
    db: &Db,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<Vec<Listed>, sqlx::Error> {
    let cols: Vec<String> = COLS
        .split(", ")
        .map(|c| format!("p.{}", c.trim()))
        .collect();
    let sql = format!(
        "SELECT {}, o.username AS org_username, o.domain AS org_domain, o.local AS org_local, o.name AS org_name, \
           {} \
         FROM practices p LEFT JOIN actors o ON o.id = p.organization_id \
         LEFT JOIN practice_index i ON i.practice_id = p.id WHERE \
         (p.state = 'published' OR (p.state = 'draft' AND p.organization_id = $1)) \
         AND ($2 IS NULL OR p.organization_id = $2) AND ($3 IS NULL OR p.stage = $3) \
         AND ($4 IS NULL OR p.sectors LIKE $4) AND ($5 IS NULL OR p.origin = $5) \
         AND ($6 IS NULL OR p.local = $6) ORDER BY p.id DESC LIMIT $7 OFFSET $8",
        cols.join(", "),
        super::good_index::LEFT_JOINED_COLS
    );
    fetch_all!(
        db,
        Listed,
        &sql,
        f.drafts_of.unwrap_or(-1),
        f.organization_id,
        f.stage.map(|s| s.as_str()),
        f.sector.map(|s| format!("%,{},%", s.as_str())),
        f.origin.clone(),
        f.local,
        limit,
        offset
    )
}

/// How many published practices match `f` (its `drafts_of` is ignored): the pagers of the
/// pages that list them.
pub async fn count_published(db: &Db, f: &Filter) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        db,
        (i64,),
        "SELECT COUNT(*) FROM practices p WHERE p.state = 'published' \
         AND ($1 IS NULL OR p.organization_id = $1) AND ($2 IS NULL OR p.stage = $2) \
         AND ($3 IS NULL OR p.sectors LIKE $3) AND ($4 IS NULL OR p.origin = $4) \
         AND ($5 IS NULL OR p.local = $5)",
        f.organization_id,
        f.stage.map(|s| s.as_str()),
        f.sector.map(|s| format!("%,{},%", s.as_str())),
        f.origin.clone(),
        f.local
    )?;
    Ok(n)
}

/// The published practices among `ids`, each with its organisation's handle and its good
/// index, in one query (a page of search hits); in no particular order.
pub async fn published_listed(db: &Db, ids: &[i64]) -> Result<Vec<Listed>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let cols: Vec<String> = COLS
        .split(", ")
        .map(|c| format!("p.{}", c.trim()))
        .collect();
    let sql = format!(
        "SELECT {}, o.username AS org_username, o.domain AS org_domain, o.local AS org_local, o.name AS org_name, \
           {} \
         FROM practices p LEFT JOIN actors o ON o.id = p.organization_id \
         LEFT JOIN practice_index i ON i.practice_id = p.id \
         WHERE p.state = 'published' AND p.id IN ({})",
        cols.join(", "),
        super::good_index::LEFT_JOINED_COLS,
        super::query::params(1, ids.len())
    );
    super::query::fetch_all_listed!(db, Listed, &sql, ids)
}

pub async fn count_published_local(db: &Db) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        db,
        (i64,),
        "SELECT COUNT(*) FROM practices WHERE local AND state = 'published'"
    )?;
    Ok(n)
}

/// Published local practices, newest first by id, below `before` when given (the instance
/// outbox's cursor): one page.
pub async fn published_local_page(
    db: &Db,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<PracticeRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLS} FROM practices WHERE local AND state = 'published' \
         AND ($1 IS NULL OR id < $1) ORDER BY id DESC LIMIT $2"
    );
    fetch_all!(db, PracticeRow, &sql, before, limit)
}

/// Records that the remote practice `ap_id`, never held here, is deleted at its origin.
pub async fn insert_tombstone<'c>(
    ex: impl Into<Ex<'c>>,
    ap_id: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    execute!(
        ex.into(),
        "INSERT INTO practice_tombstones (ap_id, deleted_at) VALUES ($1, $2) \
         ON CONFLICT (ap_id) DO NOTHING",
        ap_id,
        at
    )?;
    Ok(())
}

/// Whether the remote practice `ap_id` is known to be deleted at its origin though never
/// held here ([`insert_tombstone`]).
pub async fn tombstoned<'c>(ex: impl Into<Ex<'c>>, ap_id: &str) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        ex.into(),
        (i64,),
        "SELECT COUNT(*) FROM practice_tombstones WHERE ap_id = $1",
        ap_id
    )?;
    Ok(n > 0)
}
