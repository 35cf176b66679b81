//! Wire formats only: serde structs for every object and activity Prassi sends or reads, as
//! they travel, with the lenient readings other servers need (an id or an embedded object, a
//! string or an array). No storage, no state, no behaviour beyond parsing; what an activity
//! does is in `federation::activities`, what a stored row becomes is in `federation::objects`.
//!
//! - [`context`]: the inline JSON-LD context we publish, and the public collection.
//! - [`values`]: the lenient field readers (`id_of`, `one_or_many`, …).
//! - [`actor`]: actor documents.
//! - [`objects`]: `Article` (a practice), `Note`, `Tombstone`, collections.
//! - [`activities`]: `Follow`, `Accept`/`Reject`, `Undo`, `Create`/`Update`, `Delete`,
//!   `Announce`, and the enum the inbox parses a stored activity into.

pub mod activities;
pub mod actor;
pub mod context;
pub mod objects;
pub mod values;
