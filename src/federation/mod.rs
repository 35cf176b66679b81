//! ActivityPub: wire formats, objects, activities, inboxes, delivery and public endpoints.

pub mod activities;
pub mod apply;
pub mod delivery;
pub mod error;
pub mod inbox;
pub mod objects;
pub mod outbox;
pub mod protocol;
pub mod resolver;
pub mod routes;
pub mod signatures;
pub mod urls;
