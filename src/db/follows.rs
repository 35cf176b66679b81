//! The `follows` table: who follows whom, and whether the target accepted.

use chrono::{DateTime, Utc};

use super::{Db, Tx};
use crate::{execute, fetch_all, fetch_one, fetch_optional};

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

pub async fn get(
    db: &Db,
    follower_id: i64,
    target_id: i64,
) -> Result<Option<FollowRow>, sqlx::Error> {
    fetch_optional!(
        db,
        FollowRow,
        "SELECT id, follower_id, target_id, activity_id, accepted, created_at FROM follows \
         WHERE follower_id = $1 AND target_id = $2",
        follower_id,
        target_id
    )
}

pub async fn by_activity_id(db: &Db, activity_id: &str) -> Result<Option<FollowRow>, sqlx::Error> {
    fetch_optional!(
        db,
        FollowRow,
        "SELECT id, follower_id, target_id, activity_id, accepted, created_at FROM follows \
         WHERE activity_id = $1",
        activity_id
    )
}

pub async fn mark_accepted(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    execute!(db, "UPDATE follows SET accepted = TRUE WHERE id = $1", id)?;
    Ok(())
}

pub async fn delete(db: &Db, follower_id: i64, target_id: i64) -> Result<u64, sqlx::Error> {
    execute!(
        db,
        "DELETE FROM follows WHERE follower_id = $1 AND target_id = $2",
        follower_id,
        target_id
    )
}

pub async fn delete_tx(tx: &mut Tx, follower_id: i64, target_id: i64) -> Result<u64, sqlx::Error> {
    execute!(
        tx,
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
