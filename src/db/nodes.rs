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

/// First key of our advisory locks ("PRAS"), so they do not collide with other applications'.
const ADVISORY_SPACE: i32 = 0x5052_4153;

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
            Db::Postgres(pool) => {
                let mut conn = sqlx::PgConnection::connect_with(&pool.connect_options()).await?;
                let (got,): (bool,) =
                    sqlx::query_as("SELECT pg_try_advisory_lock($1, hashtext($2))")
                        .bind(ADVISORY_SPACE)
                        .bind(name)
                        .fetch_one(&mut conn)
                        .await?;
                if !got {
                    let _ = conn.close().await;
                    return Err(NodeLockError::Taken(name.to_string()));
                }
                Held::Postgres(Box::new(conn))
            }
        };
        Ok(Self {
            name: name.to_string(),
            held,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
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
