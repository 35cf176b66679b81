//! Plain domain types and rules, free of storage and HTTP.

pub mod actor;
