//! The `calls` table: the calls for candidacies this instance holds.

use chrono::{DateTime, Utc};

use super::{
    query::{execute, fetch_all, fetch_one, fetch_optional, Ex},
    Db, Tx,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CallRow {
    pub id: i64,
    pub ap_id: String,
    pub title: String,
    pub description: String,
    pub deadline: DateTime<Utc>,
    /// Comma-separated criterion codes (`domain::candidacy::criteria_of`).
    pub criteria: String,
    pub exclude_same_organization: bool,
    pub closed: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CallRow {
    /// Open to Offers at `now`: not closed by an admin, its deadline not passed.
    pub fn open_at(&self, now: DateTime<Utc>) -> bool {
        !self.closed && self.deadline > now
    }
}

const COLS: &str = "id, ap_id, title, description, deadline, criteria, \
    exclude_same_organization, closed, created_at, updated_at";

pub struct NewCall {
    pub ap_id: String,
    pub title: String,
    pub description: String,
    pub deadline: DateTime<Utc>,
    pub criteria: String,
    pub exclude_same_organization: bool,
}

pub async fn insert(db: &Db, c: NewCall) -> Result<CallRow, sqlx::Error> {
    let sql = format!(
        "INSERT INTO calls (ap_id, title, description, deadline, criteria, \
           exclude_same_organization, closed, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7, $7) RETURNING {COLS}"
    );
    fetch_one!(
        db.writer(),
        CallRow,
        &sql,
        c.ap_id,
        c.title,
        c.description,
        c.deadline,
        c.criteria,
        c.exclude_same_organization,
        super::now()
    )
}

/// Writes back every editable field of `c` (read, changed, and saved whole).
pub async fn update(tx: &mut Tx, c: &CallRow) -> Result<(), sqlx::Error> {
    execute!(
        tx,
        "UPDATE calls SET title = $1, description = $2, deadline = $3, criteria = $4, \
           exclude_same_organization = $5, closed = $6, updated_at = $7 WHERE id = $8",
        c.title.clone(),
        c.description.clone(),
        c.deadline,
        c.criteria.clone(),
        c.exclude_same_organization,
        c.closed,
        super::now(),
        c.id
    )?;
    Ok(())
}

pub async fn by_id<'c>(ex: impl Into<Ex<'c>>, id: i64) -> Result<Option<CallRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM calls WHERE id = $1");
    fetch_optional!(ex.into(), CallRow, &sql, id)
}

pub async fn by_ap_id<'c>(
    ex: impl Into<Ex<'c>>,
    ap_id: &str,
) -> Result<Option<CallRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM calls WHERE ap_id = $1");
    fetch_optional!(ex.into(), CallRow, &sql, ap_id)
}

/// Every call, newest first.
pub async fn list(db: &Db) -> Result<Vec<CallRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM calls ORDER BY id DESC");
    fetch_all!(db, CallRow, &sql)
}
