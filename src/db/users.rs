//! Accounts of this instance (`users`) and their API tokens.

use chrono::{DateTime, Utc};

use super::{
    query::{execute, fetch_one, fetch_optional},
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
}

const SELECT: &str = "SELECT u.id, u.actor_id, u.role, u.organization_id, u.password_hash, \
    u.created_at, a.username FROM users u JOIN actors a ON a.id = u.actor_id";

pub async fn insert(
    db: &Db,
    actor_id: i64,
    role: Role,
    organization_id: Option<i64>,
    password_hash: &str,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = fetch_one!(
        db.writer(),
        (i64,),
        "INSERT INTO users (actor_id, role, organization_id, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        actor_id,
        role.as_str(),
        organization_id,
        password_hash,
        super::now()
    )?;
    Ok(id)
}

pub async fn by_username(db: &Db, username: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE a.local AND LOWER(a.username) = LOWER($1)");
    fetch_optional!(db, UserRow, &sql, username)
}

pub async fn by_token_hash(db: &Db, hash: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("{SELECT} JOIN api_tokens t ON t.user_id = u.id WHERE t.token_hash = $1");
    fetch_optional!(db, UserRow, &sql, hash)
}

pub async fn insert_token(db: &Db, user_id: i64, hash: &str) -> Result<(), sqlx::Error> {
    execute!(
        db.writer(),
        "INSERT INTO api_tokens (user_id, token_hash, created_at) VALUES ($1, $2, $3)",
        user_id,
        hash,
        super::now()
    )?;
    Ok(())
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(db, (i64,), "SELECT COUNT(*) FROM users")?;
    Ok(n)
}
