//! Activities as they travel, and [`Incoming`]: one enum of every activity the inbox knows,
//! which a stored activity is parsed into before anything acts on it.

pub mod announce;
pub mod answer;
pub mod create;
pub mod delete;
pub mod follow;
pub mod like;
pub mod offer;
pub mod read;
pub mod undo;

use activitypub_federation::kinds::activity::{AcceptType, RejectType};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

pub use announce::Announce;
pub use answer::{Accept, Answer, Reject};
pub use create::{Create, CreateOrUpdate, Posted, Update};
pub use delete::Delete;
pub use follow::Follow;
pub use like::{Dislike, Like, Vote};
pub use offer::{Offer, OfferAnswer, UpdateCandidacy, UpdateOffer};
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
    Offer(Box<Offer>),
    /// A resubmission of a candidacy (an `Update` whose object is an `Offer`).
    UpdateOffer(Box<UpdateOffer>),
    /// A step of a candidacy on the hub (an `Update` whose object is a `Candidacy`).
    UpdateCandidacy(Box<UpdateCandidacy>),
    /// The decision on a candidacy (an `Accept` or `Reject` whose `result` is a `Candidacy`).
    AcceptOffer(Box<OfferAnswer<AcceptType>>),
    RejectOffer(Box<OfferAnswer<RejectType>>),
    Other(String),
}

impl Incoming {
    /// Parses a stored activity whose type is `kind`.
    pub fn parse(kind: &str, body: &str) -> Result<Self, serde_json::Error> {
        Ok(match kind {
            "Follow" => Self::Follow(serde_json::from_str(body)?),
            "Accept" if answers_offer(body) => Self::AcceptOffer(serde_json::from_str(body)?),
            "Reject" if answers_offer(body) => Self::RejectOffer(serde_json::from_str(body)?),
            "Accept" => Self::Accept(serde_json::from_str(body)?),
            "Reject" => Self::Reject(serde_json::from_str(body)?),
            "Undo" => Self::Undo(serde_json::from_str(body)?),
            "Create" => Self::Create(serde_json::from_str(body)?),
            "Update" => match Peek::of(body).object_type() {
                Some("Offer") => Self::UpdateOffer(serde_json::from_str(body)?),
                Some("Candidacy") => Self::UpdateCandidacy(serde_json::from_str(body)?),
                _ => Self::Update(serde_json::from_str(body)?),
            },
            "Delete" => Self::Delete(serde_json::from_str(body)?),
            "Announce" => Self::Announce(serde_json::from_str(body)?),
            "Read" => Self::Read(serde_json::from_str(body)?),
            "Like" => Self::Like(serde_json::from_str(body)?),
            "Dislike" => Self::Dislike(serde_json::from_str(body)?),
            "Offer" => Self::Offer(serde_json::from_str(body)?),
            other => Self::Other(other.to_string()),
        })
    }
}

/// The types of an activity's `object` and `result`, read before the activity is parsed
/// whole, for the activity types whose meaning depends on them.
#[derive(Deserialize, Default)]
struct Peek {
    #[serde(default)]
    object: Value,
    #[serde(default)]
    result: Value,
}

impl Peek {
    fn of(body: &str) -> Self {
        serde_json::from_str(body).unwrap_or_default()
    }

    fn object_type(&self) -> Option<&str> {
        self.object.get("type").and_then(Value::as_str)
    }
}

/// An `Accept` or `Reject` that carries a decided `Candidacy`: the answer to an Offer, not
/// to a Follow.
fn answers_offer(body: &str) -> bool {
    Peek::of(body).result.get("type").and_then(Value::as_str) == Some("Candidacy")
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
