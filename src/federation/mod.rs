//! ActivityPub, over the `activitypub_federation` library for signed fetches and over our own
//! persistent queues for everything that must not be lost.
//!
//! - [`protocol`]: wire structs only. [`objects`]: a stored row to its wire object and back
//!   (and the library's `Object` trait for actors). [`activities`]: one file per activity,
//!   each with its `send` and its `receive`.
//! - Receiving: [`inbox`] verifies the signature and stores the raw activity (202); [`apply`]
//!   parses each stored activity and hands it to its `receive`; [`error`] says whether a
//!   failure is worth retrying.
//! - Sending: [`outbox`] stores an activity with its deliveries in the caller's transaction;
//!   [`delivery`] sends them, one ordered stream per destination instance, signed by
//!   [`signatures`], through the validating DNS [`resolver`].
//! - [`backfill`]: walking the outbox of an instance followed here (the relay that keeps
//!   it current afterwards is [`outbox::relay`]).
//! - [`routes`]: the endpoints that answer JSON only (WebFinger, NodeInfo, collections);
//!   [`urls`]: the ids of local things.

pub mod activities;
pub mod apply;
pub mod backfill;
pub mod delivery;
pub mod error;
pub mod inbox;
pub mod objects;
pub mod outbox;
#[cfg(test)]
mod proptests;
pub mod protocol;
pub mod resolver;
pub mod routes;
pub mod signatures;
pub mod urls;
