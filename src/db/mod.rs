//! Storage: one `Db` over SQLite or PostgreSQL, chosen at run time from the URL. Every query is
//! written once, in SQL both dialects accept, and run through the macros below.

use std::{str::FromStr, time::Duration};

use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    PgConnection, PgPool, SqliteConnection, SqlitePool,
};

pub mod activities;
pub mod actors;
pub mod batch;
pub mod follows;
pub mod inbox;
pub mod media;
pub mod practices;
pub mod queue;
pub mod users;

/// The database of one instance.
///
/// SQLite has one writer at a time; a writer that finds the lock taken sleeps in SQLite's busy
/// handler (milliseconds at a time). So writes go through a pool of one connection, where they
/// wait their turn asynchronously, and reads through a pool of several (WAL lets them run
/// beside the writer).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

/// An open transaction on either backend.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// What a query runs on: a pool or a connection of either backend. Only the macros use it.
pub enum Ex<'a> {
    SqlitePool(&'a SqlitePool),
    SqliteConn(&'a mut SqliteConnection),
    PgPool(&'a PgPool),
    PgConn(&'a mut PgConnection),
}

impl Db {
    /// Connects, creating the SQLite file (and its directory) when needed, and migrates.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let db = if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            if let Some(dir) = opts.get_filename().parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
                }
            }
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(60))
                .connect_with(opts.clone())
                .await?;
            let read = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts)
                .await?;
            Db::Sqlite { read, write }
        } else {
            let opts = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Db::Postgres(pool)
        };
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        match self {
            Db::Sqlite { write, .. } => sqlx::migrate!("./migrations/sqlite").run(write).await?,
            Db::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite { .. } => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Begins a write transaction. On SQLite it takes the write lock up front (`IMMEDIATE`):
    /// a deferred transaction that reads then writes fails at once with `SQLITE_BUSY_SNAPSHOT`
    /// when another connection wrote in between, whereas waiting for the lock is what we want.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite { write, .. } => Tx::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Db::Postgres(p) => p.close().await,
        }
    }

    /// Where `sql` runs: on SQLite, statements that write go to the writer connection.
    pub fn ex(&self, sql: &str) -> Ex<'_> {
        match self {
            Db::Sqlite { read, write } => {
                if is_write(sql) {
                    Ex::SqlitePool(write)
                } else {
                    Ex::SqlitePool(read)
                }
            }
            Db::Postgres(p) => Ex::PgPool(p),
        }
    }

    /// The version set of a migration tree, for the test that keeps both trees in step.
    pub fn migration_versions(backend: &str) -> Vec<i64> {
        let m = if backend == "sqlite" {
            sqlx::migrate!("./migrations/sqlite")
        } else {
            sqlx::migrate!("./migrations/postgres")
        };
        m.iter().map(|m| m.version).collect()
    }
}

/// Whether a statement writes (by its first word).
fn is_write(sql: &str) -> bool {
    let head = sql.trim_start().get(..6).unwrap_or_default();
    ["INSERT", "UPDATE", "DELETE"]
        .iter()
        .any(|w| head.eq_ignore_ascii_case(w))
}

impl Tx {
    pub fn ex(&mut self, _sql: &str) -> Ex<'_> {
        match self {
            Tx::Sqlite(t) => Ex::SqliteConn(t),
            Tx::Postgres(t) => Ex::PgConn(t),
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }
}

/// A value bound to a statement whose shape is known only at run time (multi-row writes).
#[derive(Debug, Clone)]
pub enum Arg {
    Int(i64),
    Text(String),
    OptText(Option<String>),
}

/// `$first, $first+1, …` for `n` values.
pub fn params(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, …, $cols), ($cols+1, …)…` for `rows` rows of `cols` values, numbered from `$first`.
pub fn value_rows(first: usize, rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", params(first + r * cols, cols)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows per multi-row statement: well under SQLite's 32,766 and PostgreSQL's 65,535 bound
/// values even at eight columns.
pub const ROWS_PER_STATEMENT: usize = 1000;

macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::Int(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::OptText(v) => q.bind(v),
            };
        }
        q
    }};
}

/// A statement built at run time, with `$N` placeholders, as SQLite reads it best. SQLite
/// takes `$N` for a *named* parameter, and both it (parsing) and sqlx (binding) look each
/// name up among all the others: quadratic in a statement of thousands of values. Anonymous
/// `?` are numbered in order at no cost, so placeholders that appear exactly as `$1, $2, …`
/// become `?`; any other order becomes `?N`, the same number. Statements built at run time
/// contain `$` only in placeholders.
fn sqlite_numbered(sql: &str) -> String {
    let mut parts = sql.split('$');
    let mut out = parts.next().unwrap_or_default().to_string();
    // (digits, what follows); a `$` without digits after it is not a placeholder.
    let pieces: Vec<(&str, &str)> = parts
        .map(|p| p.split_at(p.find(|c: char| !c.is_ascii_digit()).unwrap_or(p.len())))
        .collect();
    let numbers: Vec<&str> = pieces
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !n.is_empty())
        .collect();
    let in_order = numbers
        .iter()
        .enumerate()
        .all(|(i, n)| n.parse::<usize>().ok() == Some(i + 1));
    for (n, rest) in pieces {
        if n.is_empty() {
            out.push('$');
        } else {
            out.push('?');
            if !in_order {
                out.push_str(n);
            }
        }
        out.push_str(rest);
    }
    out
}

impl Tx {
    /// Runs a statement built at run time with its values; yields the rows affected. Such
    /// statements are not kept prepared: their text changes with their number of rows.
    pub async fn execute_args(&mut self, sql: &str, args: Vec<Arg>) -> Result<u64, sqlx::Error> {
        Ok(match self {
            Tx::Sqlite(t) => {
                let sql = sqlite_numbered(sql);
                bind_args!(sqlx::query(&sql).persistent(false), args)
                    .execute(&mut **t)
                    .await?
                    .rows_affected()
            }
            Tx::Postgres(t) => bind_args!(sqlx::query(sql).persistent(false), args)
                .execute(&mut **t)
                .await?
                .rows_affected(),
        })
    }

    /// Runs a statement built at run time that returns one text column (`RETURNING x`).
    pub async fn fetch_texts_args(
        &mut self,
        sql: &str,
        args: Vec<Arg>,
    ) -> Result<Vec<String>, sqlx::Error> {
        let rows: Vec<(String,)> = match self {
            Tx::Sqlite(t) => {
                let sql = sqlite_numbered(sql);
                bind_args!(sqlx::query_as(&sql).persistent(false), args)
                    .fetch_all(&mut **t)
                    .await?
            }
            Tx::Postgres(t) => {
                bind_args!(sqlx::query_as(sql).persistent(false), args)
                    .fetch_all(&mut **t)
                    .await?
            }
        };
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}

/// Expands one query into its four executions (pool or connection, SQLite or PostgreSQL).
#[macro_export]
macro_rules! db_run {
    ($ex:expr, $method:ident, $make:expr, $post:expr, $sql:expr $(, $arg:expr)*) => {
        match $ex.ex($sql) {
            $crate::db::Ex::SqlitePool(e) => $make($sql)$(.bind($arg))*.$method(e).await.map($post),
            $crate::db::Ex::SqliteConn(e) => $make($sql)$(.bind($arg))*.$method(e).await.map($post),
            $crate::db::Ex::PgPool(e) => $make($sql)$(.bind($arg))*.$method(e).await.map($post),
            $crate::db::Ex::PgConn(e) => $make($sql)$(.bind($arg))*.$method(e).await.map($post),
        }
    };
}

/// `fetch_all` of rows of type `$row`.
#[macro_export]
macro_rules! fetch_all {
    ($ex:expr, $row:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        $crate::db_run!($ex, fetch_all, sqlx::query_as::<_, $row>, |r| r, $sql $(, $arg)*)
    };
}

/// `fetch_optional` of one row of type `$row`.
#[macro_export]
macro_rules! fetch_optional {
    ($ex:expr, $row:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        $crate::db_run!($ex, fetch_optional, sqlx::query_as::<_, $row>, |r| r, $sql $(, $arg)*)
    };
}

/// `fetch_one` of one row of type `$row`.
#[macro_export]
macro_rules! fetch_one {
    ($ex:expr, $row:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        $crate::db_run!($ex, fetch_one, sqlx::query_as::<_, $row>, |r| r, $sql $(, $arg)*)
    };
}

/// A statement without rows; yields the number of rows affected.
#[macro_export]
macro_rules! execute {
    ($ex:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        $crate::db_run!($ex, execute, sqlx::query, |r| r.rows_affected(), $sql $(, $arg)*)
    };
}

/// A URL column: stored as text, always a valid URL once read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbUrl(pub url::Url);

impl TryFrom<String> for DbUrl {
    type Error = url::ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        url::Url::parse(&s).map(DbUrl)
    }
}

impl std::ops::Deref for DbUrl {
    type Target = url::Url;
    fn deref(&self) -> &url::Url {
        &self.0
    }
}

impl std::fmt::Display for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// Milliseconds since the epoch: the clock of the queues (plain integers sort alike everywhere).
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Current time truncated to microseconds, as both backends store it.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    let n = chrono::Utc::now();
    chrono::DateTime::from_timestamp_micros(n.timestamp_micros()).unwrap_or(n)
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_for_multi_row_statements() {
        assert_eq!(super::params(3, 2), "$3, $4");
        assert_eq!(super::value_rows(1, 2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::value_rows(2, 1, 1), "($2)");
        assert_eq!(
            super::sqlite_numbered("UPDATE t SET a = $1 WHERE id IN ($2, $3)"),
            "UPDATE t SET a = ? WHERE id IN (?, ?)"
        );
        assert_eq!(
            super::sqlite_numbered("VALUES ($1, $2, $2), ($3, $4, $4)"),
            "VALUES (?1, ?2, ?2), (?3, ?4, ?4)"
        );
        assert_eq!(
            super::sqlite_numbered("SELECT '$' || $1 || '$x', $2"),
            "SELECT '$' || ? || '$x', ?"
        );
    }

    #[test]
    fn both_migration_trees_have_the_same_versions() {
        let s = super::Db::migration_versions("sqlite");
        let p = super::Db::migration_versions("postgres");
        assert!(!s.is_empty());
        assert_eq!(
            s, p,
            "migrations/sqlite and migrations/postgres must move in step"
        );
    }
}
