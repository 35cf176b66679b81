//! The URLs of local things. One place, so ids never drift.

use crate::config::Config;

pub fn actor(cfg: &Config, username: &str) -> String {
    format!("{}/actors/{username}", cfg.base())
}

pub fn instance_actor(cfg: &Config) -> String {
    format!("{}/actor", cfg.base())
}

pub fn shared_inbox(cfg: &Config) -> String {
    format!("{}/inbox", cfg.base())
}

pub fn key_id(actor_id: &str) -> String {
    format!("{actor_id}#main-key")
}

/// A fresh id for an activity authored here.
pub fn new_activity(cfg: &Config) -> String {
    format!("{}/activities/{}", cfg.base(), uuid::Uuid::now_v7())
}
