//! Accounts of this instance (`users`) and their API tokens.

use chrono::{DateTime, Utc};

use super::{
    query::{execute, fetch_all, fetch_one, fetch_optional},
    Db,
};
use crate::domain::actor::Role;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub actor_id: i64,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub organization_id: Option<i64>,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
    pub username: String,
    /// Milliseconds since the epoch; a disabled account cannot log in.
    pub disabled_at: Option<i64>,
    /// A deleted account keeps its row (its uploads refer to it) but no password or token.
    pub deleted_at: Option<i64>,
    /// Opted in to the ranking of managers.
    pub ranked: bool,
    /// The address given at sign-up on the web site.
    pub email: Option<String>,
    /// Signed up and waiting: for the confirmation of the address, or an admin's approval.
    pub pending: bool,
}

/// A user with the id of the token that authenticated them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenUser {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub token_id: i64,
}

/// One API token as its owner sees it (never the token itself: only its hash is stored).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: i64,
}

/// The columns of a [`UserRow`], read from `users u JOIN actors a`: one list for every query
/// that reads one, so a new column cannot be missed in one of them.
pub(super) const USER_COLS: &str = "u.id, u.actor_id, u.role, u.organization_id, u.password_hash, \
    u.created_at, a.username, u.disabled_at, u.deleted_at, u.ranked, u.email, u.pending";

pub(super) const FROM: &str = "FROM users u JOIN actors a ON a.id = u.actor_id";

pub async fn insert(
    db: &Db,
    actor_id: i64,
    role: Role,
    organization_id: Option<i64>,
    password_hash: &str,
    signup_email: Option<&str>,
) -> Result<i64, sqlx::Error> {
    // An account signed up on the web site (with an address) waits until it is confirmed.
    let (id,): (i64,) = fetch_one!(
        db.writer(),
        (i64,),
        "INSERT INTO users (actor_id, role, organization_id, password_hash, created_at, email, \
         pending) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        actor_id,
        role.as_str(),
        organization_id,
        password_hash,
        super::now(),
        signup_email,
        signup_email.is_some()
    )?;
    Ok(id)
}

pub async fn by_username(db: &Db, username: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLS} {FROM} WHERE a.local AND LOWER(a.username) = LOWER($1)");
    fetch_optional!(db, UserRow, &sql, username)
}

/// The enabled user holding the unexpired token of this hash.
pub async fn by_token_hash(
    db: &Db,
    hash: &str,
    now_ms: i64,
) -> Result<Option<TokenUser>, sqlx::Error> {
    let sql = format!(
        "SELECT {USER_COLS}, t.id AS token_id {FROM} JOIN api_tokens t ON t.user_id = u.id \
         WHERE t.token_hash = $1 AND t.expires_at > $2 AND u.disabled_at IS NULL"
    );
    fetch_optional!(db, TokenUser, &sql, hash, now_ms)
}

pub async fn insert_token(
    db: &Db,
    user_id: i64,
    hash: &str,
    expires_at_ms: i64,
) -> Result<i64, sqlx::Error> {
    // The user's expired tokens go with each new one, so they do not pile up.
    execute!(
        db.writer(),
        "DELETE FROM api_tokens WHERE user_id = $1 AND expires_at <= $2",
        user_id,
        super::now_ms()
    )?;
    let (id,): (i64,) = fetch_one!(
        db.writer(),
        (i64,),
        "INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
        user_id,
        hash,
        super::now(),
        expires_at_ms
    )?;
    Ok(id)
}

/// A user's tokens that have not expired, newest first.
pub async fn tokens(db: &Db, user_id: i64, now_ms: i64) -> Result<Vec<TokenRow>, sqlx::Error> {
    fetch_all!(
        db,
        TokenRow,
        "SELECT id, created_at, expires_at FROM api_tokens \
         WHERE user_id = $1 AND expires_at > $2 ORDER BY id DESC",
        user_id,
        now_ms
    )
}

/// Revokes one of a user's tokens; false if the user has no such token.
pub async fn revoke_token(db: &Db, user_id: i64, token_id: i64) -> Result<bool, sqlx::Error> {
    let done = execute!(
        db.writer(),
        "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2",
        token_id,
        user_id
    )?;
    Ok(done > 0)
}

/// Disables (or enables again) an account; disabling revokes all its tokens in the same
/// transaction. Returns how many tokens were revoked.
pub async fn set_disabled(
    db: &Db,
    user_id: i64,
    disabled_at_ms: Option<i64>,
) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    execute!(
        tx,
        "UPDATE users SET disabled_at = $1 WHERE id = $2",
        disabled_at_ms,
        user_id
    )?;
    let revoked = match disabled_at_ms {
        Some(_) => {
            execute!(tx, "DELETE FROM web_sessions WHERE user_id = $1", user_id)?;
            execute!(tx, "DELETE FROM api_tokens WHERE user_id = $1", user_id)?
        }
        None => 0,
    };
    tx.commit().await?;
    Ok(revoked)
}

/// Deletes an account's log-in for good: its tokens go, its password is wiped, and it is
/// marked deleted; the row stays, for its uploads and what it published.
pub async fn delete(db: &Db, user_id: i64, now_ms: i64) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let revoked = execute!(tx, "DELETE FROM api_tokens WHERE user_id = $1", user_id)?;
    execute!(tx, "DELETE FROM web_sessions WHERE user_id = $1", user_id)?;
    execute!(tx, "DELETE FROM account_links WHERE user_id = $1", user_id)?;
    execute!(
        tx,
        "UPDATE users SET password_hash = '', disabled_at = $1, deleted_at = $1 WHERE id = $2",
        now_ms,
        user_id
    )?;
    tx.commit().await?;
    Ok(revoked)
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(db, (i64,), "SELECT COUNT(*) FROM users")?;
    Ok(n)
}

/// Opts the account in to (or out of) the ranking of managers.
pub async fn set_ranked(db: &Db, id: i64, ranked: bool) -> Result<(), sqlx::Error> {
    execute!(
        db.writer(),
        "UPDATE users SET ranked = $1 WHERE id = $2",
        ranked,
        id
    )?;
    Ok(())
}

/// The account holding this e-mail address (compared in lower case, as stored).
pub async fn by_email(db: &Db, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLS} {FROM} WHERE u.email = $1");
    fetch_optional!(db, UserRow, &sql, email)
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLS} {FROM} WHERE u.id = $1");
    fetch_optional!(db, UserRow, &sql, id)
}

/// Lets a waiting account log in (its address confirmed, or an admin approved it); false
/// when it was not waiting.
pub async fn approve(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let done = execute!(
        db.writer(),
        "UPDATE users SET pending = FALSE WHERE id = $1 AND pending",
        id
    )?;
    Ok(done > 0)
}

/// A new password; every browser session of the account ends with it.
pub async fn set_password(db: &Db, id: i64, hash: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    execute!(
        tx,
        "UPDATE users SET password_hash = $1 WHERE id = $2",
        hash,
        id
    )?;
    execute!(tx, "DELETE FROM web_sessions WHERE user_id = $1", id)?;
    tx.commit().await?;
    Ok(())
}
