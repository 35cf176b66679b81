//! The `activities` table: what this instance's actors published, for outboxes and delivery.

use super::{
    query::{fetch_all, fetch_one},
    Db, Tx,
};

/// Stores an activity authored by a local actor and returns its row id.
pub async fn insert(
    tx: &mut Tx,
    ap_id: &str,
    actor_id: i64,
    kind: &str,
    body: &str,
    public: bool,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = fetch_one!(
        tx,
        (i64,),
        "INSERT INTO activities (ap_id, actor_id, kind, body, public, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        ap_id,
        actor_id,
        kind,
        body,
        public,
        super::now()
    )?;
    Ok(id)
}

/// Public activities of an actor, newest first, one page.
pub async fn public_page(
    db: &Db,
    actor_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = fetch_all!(
        db,
        (String,),
        "SELECT body FROM activities WHERE actor_id = $1 AND public ORDER BY id DESC LIMIT $2 OFFSET $3",
        actor_id,
        limit,
        offset
    )?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

pub async fn count_public(db: &Db, actor_id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        db,
        (i64,),
        "SELECT COUNT(*) FROM activities WHERE actor_id = $1 AND public",
        actor_id
    )?;
    Ok(n)
}
