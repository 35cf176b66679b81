//! What the search index reads: the `search_changes` feed (written in the same transaction as
//! every change a search must see), this database's identity, and the practices as the index
//! stores them (record, organisation, origin, recognitions, good index), one or a page at a
//! time.

use chrono::{DateTime, Utc};

use super::{
    query::{execute, fetch_all, fetch_one, fetch_optional, Ex},
    Db, Tx,
};
use crate::domain::practice::PracticeState;

/// Notes that practice `practice_id` changed for search, in the transaction of the change.
/// Every path that stores, edits, publishes, deletes, recognises or re-scores a practice
/// goes through a function of `db` that calls this, so none can forget it.
pub async fn changed(tx: &mut Tx, practice_id: i64) -> Result<(), sqlx::Error> {
    execute!(
        tx,
        "INSERT INTO search_changes (practice_id, changed_at) VALUES ($1, $2)",
        practice_id,
        super::now_ms()
    )?;
    Ok(())
}

/// Notes that every published practice of organisation `organization_id` changed for search
/// (its name or handle did), in the transaction of the change.
pub async fn organization_changed(tx: &mut Tx, organization_id: i64) -> Result<(), sqlx::Error> {
    execute!(
        tx,
        "INSERT INTO search_changes (practice_id, changed_at) \
         SELECT id, $1 FROM practices WHERE organization_id = $2 AND state = 'published' \
         ORDER BY id",
        super::now_ms(),
        organization_id
    )?;
    Ok(())
}

/// One row of the feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Change {
    pub seq: i64,
    pub practice_id: i64,
}

/// The changes after `seq`, oldest first.
pub async fn changes_after(db: &Db, seq: i64, limit: i64) -> Result<Vec<Change>, sqlx::Error> {
    fetch_all!(
        db,
        Change,
        "SELECT seq, practice_id FROM search_changes WHERE seq > $1 ORDER BY seq LIMIT $2",
        seq,
        limit
    )
}

/// Practices changed after `seq` that are not published now (deleted, unpublished or gone):
/// what a search whose index has read the feed up to `seq` still holds and must leave out.
/// At most 1000 (a feed that far behind is being caught up).
pub async fn gone_after(db: &Db, seq: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = fetch_all!(
        db,
        (i64,),
        "SELECT DISTINCT c.practice_id FROM search_changes c \
         LEFT JOIN practices p ON p.id = c.practice_id \
         WHERE c.seq > $1 AND (p.id IS NULL OR p.state <> 'published') \
         ORDER BY c.practice_id LIMIT 1000",
        seq
    )?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The oldest and newest sequence kept (`None` when the feed is empty).
pub async fn bounds(db: &Db) -> Result<(Option<i64>, Option<i64>), sqlx::Error> {
    fetch_one!(
        db,
        (Option<i64>, Option<i64>),
        "SELECT MIN(seq), MAX(seq) FROM search_changes"
    )
}

/// Forgets the changes noted before `before_ms`, keeping the newest row whatever its age (it
/// tells a process that was away how far the feed went).
pub async fn prune(db: &Db, before_ms: i64) -> Result<u64, sqlx::Error> {
    execute!(
        db.writer(),
        "DELETE FROM search_changes WHERE changed_at < $1 \
         AND seq < (SELECT MAX(seq) FROM search_changes)",
        before_ms
    )
}

/// This database's identity, made (from `fresh`) by the first process that asks.
pub async fn identity(db: &Db, fresh: &str) -> Result<String, sqlx::Error> {
    execute!(
        db.writer(),
        "INSERT INTO search_identity (one, identity) VALUES (1, $1) ON CONFLICT (one) DO NOTHING",
        fresh
    )?;
    let (id,): (String,) = fetch_one!(
        db,
        (String,),
        "SELECT identity FROM search_identity WHERE one = 1"
    )?;
    Ok(id)
}

/// A practice as the index reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Indexable {
    pub id: i64,
    pub ap_id: String,
    #[sqlx(try_from = "String")]
    pub state: PracticeState,
    pub local: bool,
    pub origin: String,
    pub record: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub org_username: Option<String>,
    pub org_domain: Option<String>,
    pub org_name: Option<String>,
    /// This instance's combined good index (0 without endorsements).
    pub combined: f64,
    /// A remote practice's figure as its owner published it (JSON).
    pub owner_figure: Option<String>,
}

const SELECT: &str = "SELECT p.id, p.ap_id, p.state, p.local, p.origin, p.record, p.created_at, \
    p.updated_at, p.published_at, o.username AS org_username, o.domain AS org_domain, \
    o.name AS org_name, COALESCE(i.combined, 0.0) AS combined, i.owner_figure \
    FROM practices p LEFT JOIN actors o ON o.id = p.organization_id \
    LEFT JOIN practice_index i ON i.practice_id = p.id";

/// One practice, whatever its state (a draft or a deleted one leaves the index).
pub async fn indexable(
    ex: impl Into<Ex<'_>>,
    practice_id: i64,
) -> Result<Option<Indexable>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE p.id = $1");
    fetch_optional!(ex.into(), Indexable, &sql, practice_id)
}

/// The published practices after id `after`, by id: a rebuild reads them a page at a time.
pub async fn published_page(
    db: &Db,
    after: i64,
    limit: i64,
) -> Result<Vec<Indexable>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE p.id > $1 AND p.state = 'published' ORDER BY p.id LIMIT $2");
    fetch_all!(db, Indexable, &sql, after, limit)
}

pub async fn count_published(db: &Db) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        db,
        (i64,),
        "SELECT COUNT(*) FROM practices WHERE state = 'published'"
    )?;
    Ok(n)
}

/// The calls (their URLs) that recognised practices with ids in `from..=to`, by practice.
pub async fn recognitions_between(
    ex: impl Into<Ex<'_>>,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    fetch_all!(
        ex.into(),
        (i64, String),
        "SELECT practice_id, call_ap_id FROM recognitions \
         WHERE practice_id >= $1 AND practice_id <= $2 ORDER BY practice_id, id",
        from,
        to
    )
}
