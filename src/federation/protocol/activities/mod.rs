//! Activities as they travel, and [`Incoming`]: one enum of every activity the inbox knows,
//! which a stored activity is parsed into before anything acts on it.

pub mod announce;
pub mod answer;
pub mod create;
pub mod delete;
pub mod follow;
pub mod like;
pub mod read;
pub mod undo;

use serde::{Deserialize, Serialize};
use url::Url;

pub use announce::Announce;
pub use answer::{Accept, Answer, Reject};
pub use create::{Create, CreateOrUpdate, Posted, Update};
pub use delete::Delete;
pub use follow::Follow;
pub use like::{Dislike, Like, Vote};
pub use read::Read;
pub use undo::{Undo, Undone};

use super::values::{id_of, value_id};

/// The fields every activity has, read at the door before anything else (signature checks,
/// deduplication).
#[derive(Debug, Clone, Deserialize)]
pub struct Envelope {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(deserialize_with = "id_of")]
    pub actor: Url,
}

/// A received activity, parsed by its type. Types Prassi does not act on are kept as
/// [`Incoming::Other`] with their type, so they are stored and shown, never refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Follow(Box<Follow>),
    Accept(Box<Accept>),
    Reject(Box<Reject>),
    Undo(Box<Undo>),
    Create(Box<Create>),
    Update(Box<Update>),
    Delete(Box<Delete>),
    Announce(Box<Announce>),
    Read(Box<Read>),
    Like(Box<Like>),
    Dislike(Box<Dislike>),
    Other(String),
}

impl Incoming {
    /// Parses a stored activity whose type is `kind`.
    pub fn parse(kind: &str, body: &str) -> Result<Self, serde_json::Error> {
        Ok(match kind {
            "Follow" => Self::Follow(serde_json::from_str(body)?),
            "Accept" => Self::Accept(serde_json::from_str(body)?),
            "Reject" => Self::Reject(serde_json::from_str(body)?),
            "Undo" => Self::Undo(serde_json::from_str(body)?),
            "Create" => Self::Create(serde_json::from_str(body)?),
            "Update" => Self::Update(serde_json::from_str(body)?),
            "Delete" => Self::Delete(serde_json::from_str(body)?),
            "Announce" => Self::Announce(serde_json::from_str(body)?),
            "Read" => Self::Read(serde_json::from_str(body)?),
            "Like" => Self::Like(serde_json::from_str(body)?),
            "Dislike" => Self::Dislike(serde_json::from_str(body)?),
            other => Self::Other(other.to_string()),
        })
    }
}

/// A field that is an object of a known type or only its id: `object` of `Accept`, `Reject`
/// and `Delete`. An embedded object of another shape than ours is read for its id alone, so
/// an answer is never refused for how the sender chose to embed what it answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ObjectOrId<T> {
    Object(Box<T>),
    Id(Url),
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for ObjectOrId<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        if v.is_object() {
            if let Ok(o) = serde_json::from_value::<T>(v.clone()) {
                return Ok(Self::Object(Box::new(o)));
            }
        }
        value_id(&v)
            .map(Self::Id)
            .ok_or_else(|| serde::de::Error::custom("expected an object with an id, or an id"))
    }
}

impl<T> ObjectOrId<T> {
    pub fn embedded(&self) -> Option<&T> {
        match self {
            Self::Object(o) => Some(o),
            Self::Id(_) => None,
        }
    }
}
