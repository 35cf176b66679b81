//! Use cases shared by the API, the web pages, the CLI and the federation.

pub mod accounts;
pub mod calls;
pub mod candidacies;
pub mod comments;
pub mod credentials;
pub mod demo;
pub mod export;
pub mod follows;
pub mod good_index;
pub mod instance_follows;
pub mod mail;
pub mod media;
pub mod participation;
pub mod practices;
pub mod search;
pub mod sessions;
pub mod topics;
pub mod trust;
