//! Prassi: a federated ActivityPub hub of public-sector good practices.
#![cfg_attr(test, allow(clippy::unwrap_used))]

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
pub mod service;
pub mod state;
pub mod sync;
pub mod web;
