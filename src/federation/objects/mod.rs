//! Conversions between stored rows and wire objects, and the library's `Object` trait.

pub mod actor;
pub mod admission;
pub mod candidacy;
pub mod comment;
pub mod instance_outbox;
pub mod practice;
pub mod practice_index;
pub mod thread;
