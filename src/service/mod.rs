//! Use cases shared by the API, the web pages, the CLI and the federation.

pub mod accounts;
pub mod follows;
pub mod outbox;
