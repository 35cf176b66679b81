//! The `follows` table: who follows whom, and whether the target accepted.

use chrono::{DateTime, Utc};

use super::{
    query::{execute, fetch_all, fetch_one, fetch_optional, Ex},
    Db, Tx, Writes,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FollowRow {
    pub id: i64,
    pub follower_id: i64,
    pub target_id: i64,
    pub activity_id: String,
    pub accepted: bool,
    pub created_at: DateTime<Utc>,
}

/// A follow as listed to its local follower, with the target's address.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FollowingRow {
    pub id: i64,
    pub target_ap_id: String,
    pub target_username: String,
    pub target_domain: String,
    pub target_name: Option<String>,
    pub activity_id: String,
    pub accepted: bool,
    pub created_at: DateTime<Utc>,
}

/// Records a follow (or refreshes the activity id of an existing one). Returns the row.
pub async fn upsert(
    tx: &mut Tx,
    follower_id: i64,
    target_id: i64,
    activity_id: &str,
    accepted: bool,
) -> Result<FollowRow, sqlx::Error> {
    fetch_one!(
        tx,
        FollowRow,
        "INSERT INTO follows (follower_id, target_id, activity_id, accepted, created_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (follower_id, target_id) DO UPDATE SET activity_id = excluded.activity_id, \
           accepted = (follows.accepted OR excluded.accepted) \
         RETURNING id, follower_id, target_id, activity_id, accepted, created_at",
        follower_id,
        target_id,
        activity_id,
        accepted,
        super::now()
    )
}

async fn by_activity_id<'c>(
    ex: impl Into<Ex<'c>>,
    activity_id: &str,
) -> Result<Option<FollowRow>, sqlx::Error> {
    fetch_optional!(
        ex.into(),
        FollowRow,
        "SELECT id, follower_id, target_id, activity_id, accepted, created_at FROM follows \
         WHERE activity_id = $1",
        activity_id
    )
}

/// The follow an `Accept`, `Reject` or `Undo` refers to: by the id of the `Follow`, else (some
/// servers answer with a `Follow` whose id they made up) by its follower and target ids.
pub async fn find(
    db: &Db,
    activity_id: &str,
    pair: Option<(&str, &str)>,
) -> Result<Option<FollowRow>, sqlx::Error> {
    if let Some(f) = by_activity_id(db, activity_id).await? {
        return Ok(Some(f));
    }
    let Some((follower, target)) = pair else {
        return Ok(None);
    };
    fetch_optional!(
        db,
        FollowRow,
        "SELECT f.id, f.follower_id, f.target_id, f.activity_id, f.accepted, f.created_at \
         FROM follows f JOIN actors a ON a.id = f.follower_id JOIN actors b ON b.id = f.target_id \
         WHERE a.ap_id = $1 AND b.ap_id = $2",
        follower,
        target
    )
}

pub async fn mark_accepted<'c>(ex: impl Writes<'c>, id: i64) -> Result<(), sqlx::Error> {
    execute!(
        ex.into(),
        "UPDATE follows SET accepted = TRUE WHERE id = $1",
        id
    )?;
    Ok(())
}

/// Removes a follow; `ex` is a write handle or a transaction.
pub async fn delete<'c>(
    ex: impl Writes<'c>,
    follower_id: i64,
    target_id: i64,
) -> Result<u64, sqlx::Error> {
    execute!(
        ex.into(),
        "DELETE FROM follows WHERE follower_id = $1 AND target_id = $2",
        follower_id,
        target_id
    )
}

/// Accepted followers of an actor, as ActivityPub ids, one page ordered by follow id.
pub async fn follower_ids_page(
    db: &Db,
    target_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = fetch_all!(
        db,
        (String,),
        "SELECT a.ap_id FROM follows f JOIN actors a ON a.id = f.follower_id \
         WHERE f.target_id = $1 AND f.accepted ORDER BY f.id LIMIT $2 OFFSET $3",
        target_id,
        limit,
        offset
    )?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Accepted follows of an actor, as ActivityPub ids of the targets, one page.
pub async fn following_ids_page(
    db: &Db,
    follower_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = fetch_all!(
        db,
        (String,),
        "SELECT a.ap_id FROM follows f JOIN actors a ON a.id = f.target_id \
         WHERE f.follower_id = $1 AND f.accepted ORDER BY f.id LIMIT $2 OFFSET $3",
        follower_id,
        limit,
        offset
    )?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

pub async fn count_followers(db: &Db, target_id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        db,
        (i64,),
        "SELECT COUNT(*) FROM follows WHERE target_id = $1 AND accepted",
        target_id
    )?;
    Ok(n)
}

pub async fn count_following(db: &Db, follower_id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        db,
        (i64,),
        "SELECT COUNT(*) FROM follows WHERE follower_id = $1 AND accepted",
        follower_id
    )?;
    Ok(n)
}

/// Everything a local actor follows or asked to follow, newest first.
pub async fn following_of(db: &Db, follower_id: i64) -> Result<Vec<FollowingRow>, sqlx::Error> {
    fetch_all!(
        db,
        FollowingRow,
        "SELECT f.id, a.ap_id AS target_ap_id, a.username AS target_username, \
           a.domain AS target_domain, a.name AS target_name, f.activity_id, f.accepted, f.created_at \
         FROM follows f JOIN actors a ON a.id = f.target_id WHERE f.follower_id = $1 ORDER BY f.id DESC",
        follower_id
    )
}

/// Whether any local actor follows (or asked to follow) the actor `target_id`.
pub async fn followed_here<'c>(ex: impl Into<Ex<'c>>, target_id: i64) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        ex.into(),
        (i64,),
        "SELECT COUNT(*) FROM (SELECT 1 FROM follows f JOIN actors a ON a.id = f.follower_id \
         WHERE f.target_id = $1 AND a.local LIMIT 1) AS t",
        target_id
    )?;
    Ok(n > 0)
}

/// Whether the actor `target_id` has any accepted remote follower.
pub async fn has_remote_followers<'c>(
    ex: impl Into<Ex<'c>>,
    target_id: i64,
) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        ex.into(),
        (i64,),
        "SELECT COUNT(*) FROM (SELECT 1 FROM follows f JOIN actors a ON a.id = f.follower_id \
         WHERE f.target_id = $1 AND f.accepted AND NOT a.local LIMIT 1) AS t",
        target_id
    )?;
    Ok(n > 0)
}
