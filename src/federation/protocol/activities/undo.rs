//! `Undo` of an earlier activity: a `Follow` (embedded or by id) today.

use activitypub_federation::kinds::activity::UndoType;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use url::Url;

use super::{
    follow::Follow,
    like::{Dislike, Like},
};
use crate::federation::protocol::values::{id_of, one_or_many, value_id};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Undo {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: UndoType,
    #[serde(deserialize_with = "id_of")]
    pub actor: Url,
    #[serde(deserialize_with = "undone")]
    pub object: Undone,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub to: Vec<String>,
}

/// What an `Undo` takes back. `Other` is read, never written (serialising it is an error).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Undone {
    Follow(Box<Follow>),
    /// An endorsement taken back (or changed: the old one is undone before the new one).
    Like(Box<Like>),
    Dislike(Box<Dislike>),
    /// Only an id: the activity is looked up among ours.
    Id(Url),
    /// An embedded activity of a type not undone here yet (`Like`, `Announce`…).
    #[serde(skip)]
    Other {
        kind: String,
        id: Option<Url>,
    },
}

fn undone<'de, D: Deserializer<'de>>(d: D) -> Result<Undone, D::Error> {
    let v = Value::deserialize(d)?;
    match v.get("type").and_then(Value::as_str) {
        // A Follow of a shape we do not read is looked up by its id.
        Some("Follow") => match serde_json::from_value(v.clone()) {
            Ok(f) => Ok(Undone::Follow(Box::new(f))),
            Err(e) => value_id(&v)
                .map(Undone::Id)
                .ok_or_else(|| serde::de::Error::custom(e)),
        },
        // An endorsement of a shape we do not read is looked up by its id too.
        Some("Like") => Ok(serde_json::from_value(v.clone())
            .map(|l| Undone::Like(Box::new(l)))
            .unwrap_or_else(|_| by_id(&v, "Like"))),
        Some("Dislike") => Ok(serde_json::from_value(v.clone())
            .map(|l| Undone::Dislike(Box::new(l)))
            .unwrap_or_else(|_| by_id(&v, "Dislike"))),
        Some(kind) => Ok(Undone::Other {
            kind: kind.to_string(),
            id: value_id(&v),
        }),
        None => value_id(&v)
            .map(Undone::Id)
            .ok_or_else(|| serde::de::Error::custom("Undo of nothing")),
    }
}

/// An embedded activity read for its id alone.
fn by_id(v: &Value, kind: &str) -> Undone {
    match value_id(v) {
        Some(id) => Undone::Id(id),
        None => Undone::Other {
            kind: kind.to_string(),
            id: None,
        },
    }
}
