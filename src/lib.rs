//! Prassi: a federated ActivityPub hub of public-sector good practices.
//!
//! Calls run one way, from the top of this list down; a module may use any module below its
//! own and none above (`tests/layering/` keeps it so):
//!
//! - `main.rs` (the binary): the command line, which builds a [`config::Config`] and calls
//!   [`app`].
//! - [`app`]: `serve(config, listener, shutdown)`: the router, the workers, start and stop. No
//!   globals, so a test runs several instances in one process.
//! - [`api`] and [`web`], side by side and never calling each other: the JSON API under
//!   `/api/v1` with its OpenAPI document, and the HTML pages; `web` also owns the URLs that
//!   answer a page or an ActivityPub document by content negotiation (actors, practices).
//! - [`service`]: the use cases the API, the pages and the CLI share (accounts, follows,
//!   practices, media, the demo data). What they send to other instances goes through
//!   `federation`.
//! - [`federation`]: ActivityPub: wire formats (`protocol`), stored rows to and from wire
//!   objects (`objects`), one file per activity with its send and receive (`activities`), the
//!   inbox and its worker, the outbox, the persistent delivery, signatures and the JSON-only
//!   endpoints (WebFinger, NodeInfo, collections).
//! - [`state`]: the shared state of one running instance: database, configuration, caches
//!   (keys, rendered documents), the group-commit writers and the node name.
//! - [`search`]: this process's full-text index (tantivy), derived from the database and
//!   kept current from its `search_changes` feed.
//! - [`db`]: every SQL statement, over SQLite or PostgreSQL.
//! - [`domain`]: plain types and rules: the practice record and its vocabularies, actors,
//!   roles, the states of the queues; no storage, no HTTP.
//!
//! Below whichever uses them: [`config`], [`error`] (one error type, mapped to HTTP status in
//! one place), [`crypto`] (RSA keys), [`metrics`] (Prometheus text), [`http_util`]
//! (negotiation, ActivityPub responses, entity tags), [`sync`] and [`throttle`] (failed log-ins).
#![cfg_attr(test, allow(clippy::unwrap_used))]

/// Every program that links Prassi (the binary, the tests, the benches) allocates with
/// mimalloc, so what the benches measure is what runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod api;
pub mod app;
pub mod config;
pub mod crypto;
pub mod db;
pub mod domain;
pub mod error;
pub mod federation;
pub mod http_util;
pub mod metrics;
pub mod search;
pub mod service;
pub mod state;
pub mod sync;
pub mod throttle;
pub mod web;
