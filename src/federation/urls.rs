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

/// The collection of the practices this instance's commission recognised.
pub fn recognised(cfg: &Config) -> String {
    format!("{}/actor/recognised", cfg.base())
}

/// A fresh id for a call held here (its collection, the `target` of Offers).
pub fn new_call(cfg: &Config) -> String {
    format!("{}/calls/{}", cfg.base(), uuid::Uuid::now_v7())
}

/// A fresh id for a candidacy received here.
pub fn new_candidacy(cfg: &Config) -> String {
    format!("{}/candidacies/{}", cfg.base(), uuid::Uuid::now_v7())
}
