//! The name of a running process, held exclusively while it runs: a lock file beside the
//! SQLite database, or a session advisory lock on PostgreSQL. Both are let go by the operating
//! system or the server when the process dies, even by `kill -9`, so a process restarting
//! under its name finds it free and knows that nothing of its predecessor is still running.

use sha2::{Digest, Sha256};
use sqlx::Connection;

use super::Db;

/// Why a node name could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum NodeLockError {
    #[error("another running process holds the node name `{0}`")]
    Taken(String),
    #[error("cannot lock the node name: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot lock the node name: {0}")]
    Db(#[from] sqlx::Error),
}

/// A node name held by this process until dropped (or [`NodeLock::release`]d).
#[derive(Debug)]
pub struct NodeLock {
    name: String,
    held: Held,
}

#[derive(Debug)]
enum Held {
    File(std::fs::File),
    /// The session that holds the advisory lock; closing it lets the lock go.
    Postgres(Box<sqlx::PgConnection>),
}

/// The advisory lock key of a node name: 64 bits of its SHA-256, so distinct names do not
/// share a lock (nor take one of another application's, which would have to pick the same
/// 64 bits).
fn advisory_key(name: &str) -> i64 {
    let h = Sha256::digest(format!("prassi-node:{name}").as_bytes());
    let mut k = [0u8; 8];
    k.copy_from_slice(&h[..8]);
    i64::from_be_bytes(k)
}

/// Takes the advisory lock of `name` on a connection of its own; `None` when another session
/// holds it.
async fn pg_lock(
    pool: &sqlx::PgPool,
    name: &str,
) -> Result<Option<sqlx::PgConnection>, sqlx::Error> {
    let mut conn = sqlx::PgConnection::connect_with(&pool.connect_options()).await?;
    let (got,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
        .bind(advisory_key(name))
        .fetch_one(&mut conn)
        .await?;
    if got {
        Ok(Some(conn))
    } else {
        let _ = conn.close().await;
        Ok(None)
    }
}

impl NodeLock {
    /// Takes `name` for this process, or says who holds it.
    pub async fn acquire(db: &Db, name: &str) -> Result<Self, NodeLockError> {
        let held = match db {
            Db::Sqlite { .. } => {
                let path = lock_path(db, name);
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .read(true)
                    .write(true)
                    .open(&path)?;
                match file.try_lock() {
                    Ok(()) => {}
                    Err(std::fs::TryLockError::WouldBlock) => {
                        return Err(NodeLockError::Taken(name.to_string()))
                    }
                    Err(std::fs::TryLockError::Error(e)) => return Err(e.into()),
                }
                // For whoever looks at the directory: which name this file holds.
                file.set_len(0)?;
                std::io::Write::write_all(&mut &file, format!("{name}\n").as_bytes())?;
                Held::File(file)
            }
            Db::Postgres(pool) => match pg_lock(pool, name).await? {
                Some(conn) => Held::Postgres(Box::new(conn)),
                None => return Err(NodeLockError::Taken(name.to_string())),
            },
        };
        Ok(Self {
            name: name.to_string(),
            held,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Makes sure the name is still held. A lock file is held as long as the process lives;
    /// an advisory lock as long as its session, which a server restart or a proxy can end:
    /// then the lock is taken again on a new session, or, when another process took the name
    /// meanwhile, [`NodeLockError::Taken`] says this process must stop using it.
    pub async fn check(&mut self, db: &Db) -> Result<(), NodeLockError> {
        let (Held::Postgres(conn), Db::Postgres(pool)) = (&mut self.held, db) else {
            return Ok(());
        };
        if sqlx::Connection::ping(conn.as_mut()).await.is_ok() {
            return Ok(());
        }
        match pg_lock(pool, &self.name).await? {
            Some(fresh) => {
                **conn = fresh;
                Ok(())
            }
            None => Err(NodeLockError::Taken(self.name.clone())),
        }
    }

    /// Lets the name go now (on a clean stop); dropping does the same, less politely.
    pub async fn release(self) {
        match self.held {
            Held::File(f) => drop(f),
            Held::Postgres(c) => {
                let _ = c.close().await;
            }
        }
    }
}

/// `<database file>.node-<hash of the name>.lock`: one file per name, whatever the name holds.
fn lock_path(db: &Db, name: &str) -> std::path::PathBuf {
    let hash = hex::encode(&Sha256::digest(name.as_bytes())[..8]);
    let file = db.sqlite_file().unwrap_or_default();
    let mut os = file.into_os_string();
    os.push(format!(".node-{hash}.lock"));
    os.into()
}
