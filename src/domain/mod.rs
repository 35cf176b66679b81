//! Plain domain types and rules, free of storage and HTTP.

pub mod actor;
pub mod candidacy;
pub mod comment;
pub mod delivery;
pub mod good_index;
pub mod practice;
pub mod practice_examples;
pub mod reading;
pub mod sanitize;
pub mod text;
pub mod vocab;
