//! What the open-data export reads: published practices page by page in id order (a cursor,
//! not an offset, so a page costs the same at the end of the catalogue as at its start), each
//! with its organisation and good index in the same query, the recognitions of one page in
//! one more, and the stamp that names a version of the whole catalogue.

use chrono::{DateTime, Utc};

use super::{
    query::{fetch_all, fetch_one, fetch_optional},
    recognitions::RecognitionRow,
    Db,
};

/// A published practice with what the export says of its organisation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportRow {
    #[sqlx(flatten)]
    pub practice: super::practices::PracticeRow,
    pub org_ap_id: Option<String>,
    pub org_username: Option<String>,
    pub org_domain: Option<String>,
    pub org_name: Option<String>,
    pub org_ipa_code: Option<String>,
    pub org_level: Option<String>,
    pub org_website: Option<String>,
    /// Its good index (zeros and no owner's figure when it has none yet).
    #[sqlx(flatten)]
    pub index: super::good_index::IndexRow,
}

/// Up to `limit` published practices (local and received) with ids above `after`, in id
/// order.
pub async fn page(db: &Db, after: i64, limit: i64) -> Result<Vec<ExportRow>, sqlx::Error> {
    let cols: Vec<String> = super::practices::COLS
        .split(", ")
        .map(|c| format!("p.{}", c.trim()))
        .collect();
    let sql = format!(
        "SELECT {}, o.ap_id AS org_ap_id, o.username AS org_username, o.domain AS org_domain, \
           o.name AS org_name, o.ipa_code AS org_ipa_code, o.level AS org_level, o.website AS org_website, {} \
         FROM practices p LEFT JOIN actors o ON o.id = p.organization_id \
         LEFT JOIN practice_index i ON i.practice_id = p.id \
         WHERE p.state = 'published' AND p.id > $1 ORDER BY p.id LIMIT $2",
        cols.join(", "),
        super::good_index::LEFT_JOINED_COLS
    );
    fetch_all!(db, ExportRow, &sql, after, limit)
}

/// The recognitions of the practices with ids in `(after, upto]` (one page), by practice
/// then date.
pub async fn recognitions_between(
    db: &Db,
    after: i64,
    upto: i64,
) -> Result<Vec<RecognitionRow>, sqlx::Error> {
    fetch_all!(
        db,
        RecognitionRow,
        "SELECT id, offer_id, practice_id, call_ap_id, call_title, local, reasons, scores, \
           recognised_at FROM recognitions WHERE practice_id > $1 AND practice_id <= $2 \
         ORDER BY practice_id, recognised_at, id",
        after,
        upto
    )
}

/// What names a version of the catalogue: how many practices it lists, the latest change
/// of any practice that is or was in it (a deletion is a change), and how many recognitions
/// there are.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamp {
    pub practices: i64,
    pub modified: Option<DateTime<Utc>>,
    pub recognitions: i64,
}

pub async fn stamp(db: &Db) -> Result<Stamp, sqlx::Error> {
    let (practices,): (i64,) = fetch_one!(
        db,
        (i64,),
        "SELECT COUNT(*) FROM practices WHERE state = 'published'"
    )?;
    // ORDER BY rather than MAX: the column keeps its type on SQLite (and its index).
    let modified: Option<(DateTime<Utc>,)> = fetch_optional!(
        db,
        (DateTime<Utc>,),
        "SELECT updated_at FROM practices WHERE state <> 'draft' ORDER BY updated_at DESC LIMIT 1"
    )?;
    let (recognitions,): (i64,) = fetch_one!(db, (i64,), "SELECT COUNT(*) FROM recognitions")?;
    Ok(Stamp {
        practices,
        modified: modified.map(|m| m.0),
        recognitions,
    })
}
