//! Opening the database of one instance, migrating it, and the three ways to reach it: reads
//! (`&Db`), one write outside a transaction (`Db::writer`) and transactions (`Tx`).

use std::{path::PathBuf, str::FromStr, time::Duration};

use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    PgPool, SqlitePool,
};

use super::query::{bind_args, sqlite_numbered, Arg, Ex};

/// The database of one instance.
///
/// SQLite has one writer at a time; a writer that finds the lock taken sleeps in SQLite's busy
/// handler (milliseconds at a time). So writes go through a pool of one connection, where they
/// wait their turn asynchronously, and reads through a pool of several (WAL lets them run
/// beside the writer). The read connections are `query_only`: a write sent to them by mistake
/// fails at once instead of contending for the lock.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

/// An open transaction on either backend. Reads that must see its writes (or must not race
/// with them) take it as their executor.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// How long a PostgreSQL connection may sit idle before it is pinged when taken again.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(10);

/// One statement that writes, outside a transaction: on SQLite it runs on the writer
/// connection. Got from [`Db::writer`].
#[derive(Clone, Copy)]
pub struct Writer<'a>(&'a Db);

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
            // The writer first: it creates the file and switches it to WAL. A connection to a
            // local file cannot have been dropped by a server, so the pools do not ping it
            // before each use (a round trip to its thread, as long as the query itself).
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(60))
                .test_before_acquire(false)
                .connect_with(opts.clone())
                .await?;
            let read = SqlitePoolOptions::new()
                .max_connections(8)
                .test_before_acquire(false)
                .connect_with(opts.pragma("query_only", "ON"))
                .await?;
            Db::Sqlite { read, write }
        } else {
            let opts = PgConnectOptions::from_str(url)?;
            // A connection in steady use is not pinged before each query (a round trip as
            // long as the query); one that sat idle long enough for the server or a proxy to
            // have dropped it is, and is replaced when the ping fails.
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .test_before_acquire(false)
                .before_acquire(|conn, meta| {
                    Box::pin(async move {
                        if meta.idle_for > PING_IF_IDLE_FOR {
                            sqlx::Connection::ping(conn).await?;
                        }
                        Ok(true)
                    })
                })
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

    /// The SQLite file, when the database is one.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        match self {
            Db::Sqlite { write, .. } => Some(write.connect_options().get_filename().to_path_buf()),
            Db::Postgres(_) => None,
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

    /// The handle for one write outside a transaction.
    pub fn writer(&self) -> Writer<'_> {
        Writer(self)
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

    /// Where a read runs: the read pool.
    pub fn ex(&self) -> Ex<'_> {
        match self {
            Db::Sqlite { read, .. } => Ex::SqlitePool(read),
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

impl<'a> Writer<'a> {
    /// Where the write runs: the writer connection on SQLite.
    pub fn ex(self) -> Ex<'a> {
        match self.0 {
            Db::Sqlite { write, .. } => Ex::SqlitePool(write),
            Db::Postgres(p) => Ex::PgPool(p),
        }
    }
}

impl Tx {
    pub fn ex(&mut self) -> Ex<'_> {
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

/// What a write runs on: a write handle or a transaction, never the read connections. Write
/// functions that may run either way take `impl Writes`, so a read handle does not compile.
pub trait Writes<'a>: Into<Ex<'a>> {}

impl<'a> Writes<'a> for Writer<'a> {}

impl<'a> Writes<'a> for &'a mut Tx {}

impl<'a> From<&'a Db> for Ex<'a> {
    fn from(db: &'a Db) -> Self {
        db.ex()
    }
}

impl<'a> From<&'a mut Tx> for Ex<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        tx.ex()
    }
}

impl<'a> From<Writer<'a>> for Ex<'a> {
    fn from(w: Writer<'a>) -> Self {
        w.ex()
    }
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
