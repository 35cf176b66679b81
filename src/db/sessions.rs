//! Browser sessions (`web_sessions`) and the one-time links sent by e-mail
//! (`account_links`). Only hashes of their tokens are stored.

use super::{
    query::{execute, fetch_one, fetch_optional},
    Db,
};

/// A session's user, with the session's id and the token its forms carry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    #[sqlx(flatten)]
    pub user: super::users::UserRow,
    pub session_id: i64,
    pub csrf: String,
}

pub async fn insert(
    db: &Db,
    user_id: i64,
    token_hash: &str,
    csrf: &str,
    expires_at_ms: i64,
) -> Result<i64, sqlx::Error> {
    // The user's expired sessions go with each new one, so they do not pile up.
    execute!(
        db.writer(),
        "DELETE FROM web_sessions WHERE user_id = $1 AND expires_at <= $2",
        user_id,
        super::now_ms()
    )?;
    let (id,): (i64,) = fetch_one!(
        db.writer(),
        (i64,),
        "INSERT INTO web_sessions (user_id, token_hash, csrf, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        user_id,
        token_hash,
        csrf,
        super::now(),
        expires_at_ms
    )?;
    Ok(id)
}

/// The enabled, not waiting, user of the unexpired session of this hash.
pub async fn by_token_hash(
    db: &Db,
    hash: &str,
    now_ms: i64,
) -> Result<Option<SessionUser>, sqlx::Error> {
    let sql = format!(
        "SELECT {}, s.id AS session_id, s.csrf {} JOIN web_sessions s ON s.user_id = u.id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL \
         AND NOT u.pending",
        super::users::USER_COLS,
        super::users::FROM
    );
    fetch_optional!(db, SessionUser, &sql, hash, now_ms)
}

pub async fn delete(db: &Db, session_id: i64) -> Result<(), sqlx::Error> {
    execute!(
        db.writer(),
        "DELETE FROM web_sessions WHERE id = $1",
        session_id
    )?;
    Ok(())
}

pub async fn count_of(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        db,
        (i64,),
        "SELECT COUNT(*) FROM web_sessions WHERE user_id = $1",
        user_id
    )?;
    Ok(n)
}

/// A new one-time link for `purpose`; the user's earlier unused links of that purpose stop
/// working.
pub async fn insert_link(
    db: &Db,
    user_id: i64,
    purpose: &str,
    token_hash: &str,
    expires_at_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    execute!(
        tx,
        "DELETE FROM account_links WHERE user_id = $1 AND purpose = $2",
        user_id,
        purpose
    )?;
    execute!(
        tx,
        "INSERT INTO account_links (user_id, purpose, token_hash, expires_at) \
         VALUES ($1, $2, $3, $4)",
        user_id,
        purpose,
        token_hash,
        expires_at_ms
    )?;
    tx.commit().await?;
    Ok(())
}

/// The user of an unused, unexpired link of `purpose`, without using it.
pub async fn link_user(
    db: &Db,
    purpose: &str,
    token_hash: &str,
    now_ms: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = fetch_optional!(
        db,
        (i64,),
        "SELECT user_id FROM account_links WHERE purpose = $1 AND token_hash = $2 \
         AND used_at IS NULL AND expires_at > $3",
        purpose,
        token_hash,
        now_ms
    )?;
    Ok(row.map(|(u,)| u))
}

/// Uses a link: only one caller wins (the row is marked in one statement); returns its user.
pub async fn use_link(
    db: &Db,
    purpose: &str,
    token_hash: &str,
    now_ms: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = fetch_optional!(
        db.writer(),
        (i64,),
        "UPDATE account_links SET used_at = $3 WHERE purpose = $1 AND token_hash = $2 \
         AND used_at IS NULL AND expires_at > $3 RETURNING user_id",
        purpose,
        token_hash,
        now_ms
    )?;
    Ok(row.map(|(u,)| u))
}
