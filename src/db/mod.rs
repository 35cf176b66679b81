//! Storage: one `Db` over SQLite or PostgreSQL, chosen at run time from the URL. Every query is
//! written once, in SQL both dialects accept, through the macros of [`query`]; the few that
//! must differ live side by side in [`dialect`]. SQL lives here and nowhere else.
//!
//! - [`pool`]: connecting, migrating, and the executors: `&Db` reads, `Db::writer()` writes
//!   one statement, `Tx` is a transaction (reads that must see it take it too).
//! - [`query`]: the macros, `Ex`, statements built at run time and their `Arg`s.
//! - [`rows`]: column types shared by the tables, and the clocks.
//! - one module per table group: [`actors`], [`users`], [`follows`], [`practices`], [`media`],
//!   [`activities`] (sent), [`deliveries`] and [`instances`] (the outgoing queue), [`inbox`]
//!   (the incoming one), [`nodes`] (running processes); [`instance_follows`] (instances
//!   followed, and the walks of their outboxes); [`batch`] is the group commit.

pub mod activities;
pub mod actors;
pub mod batch;
pub mod calls;
pub mod candidacies;
pub mod comments;
pub mod deliveries;
pub mod dialect;
pub mod export;
pub mod follows;
pub mod good_index;
pub mod inbox;
pub mod instance_follows;
pub mod instances;
pub mod media;
pub mod media_cache;
pub mod nodes;
pub mod page_sources;
pub mod participation;
pub mod pool;
pub mod practices;
pub mod query;
pub mod recognitions;
pub mod rows;
pub mod search;
pub mod sessions;
pub mod trusted;
pub mod users;

pub use pool::{Db, Tx, Writer, Writes};
pub use rows::{now, now_ms, DbUrl};

#[cfg(test)]
mod tests {
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
