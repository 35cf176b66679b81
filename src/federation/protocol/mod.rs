//! Wire formats only: serde structs as they travel, no storage and no behaviour.

pub mod activities;
pub mod actor;
pub mod context;
