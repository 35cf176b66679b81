//! `Create` and `Update` of an object: a practice (`Article`), a `Note`, or something else.

use activitypub_federation::kinds::activity::{CreateType, UpdateType};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use url::Url;

use crate::federation::protocol::{
    objects::{Article, Note},
    values::{id_of, one_or_many, value_id},
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateOrUpdate<K> {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: K,
    #[serde(deserialize_with = "id_of")]
    pub actor: Url,
    #[serde(default, deserialize_with = "one_or_many")]
    pub to: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub cc: Vec<String>,
    #[serde(deserialize_with = "posted")]
    pub object: Posted,
}

pub type Create = CreateOrUpdate<CreateType>;
pub type Update = CreateOrUpdate<UpdateType>;

/// The object of a `Create` or `Update`, by its type. `Other` is read, never written
/// (serialising it is an error).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Posted {
    Article(Box<Article>),
    Note(Box<Note>),
    /// Only its id: fetched from its origin when needed.
    Id(Url),
    /// A type not stored here (yet).
    #[serde(skip)]
    Other {
        kind: String,
        id: Option<Url>,
    },
}

impl Posted {
    pub fn id(&self) -> Option<&Url> {
        match self {
            Self::Article(a) => Some(&a.id),
            Self::Note(n) => Some(&n.id),
            Self::Id(id) => Some(id),
            Self::Other { id, .. } => id.as_ref(),
        }
    }
}

/// Reads a posted object by its `type`; an unreadable `Article` is an error (it would be stored), an
/// unknown type is kept as [`Posted::Other`].
pub fn posted<'de, D: Deserializer<'de>>(d: D) -> Result<Posted, D::Error> {
    let v = Value::deserialize(d)?;
    fn fail<E: serde::de::Error>(m: impl std::fmt::Display) -> E {
        E::custom(m)
    }
    match v.get("type").and_then(Value::as_str) {
        Some("Article") | Some("Page") => serde_json::from_value(v)
            .map(|a| Posted::Article(Box::new(a)))
            .map_err(fail::<D::Error>),
        // Notes are not stored yet: one we cannot read is kept as something else, not refused.
        Some("Note") => Ok(match serde_json::from_value(v.clone()) {
            Ok(n) => Posted::Note(Box::new(n)),
            Err(_) => Posted::Other {
                kind: "Note".into(),
                id: value_id(&v),
            },
        }),
        Some(kind) => Ok(Posted::Other {
            kind: kind.to_string(),
            id: value_id(&v),
        }),
        None => value_id(&v)
            .map(Posted::Id)
            .ok_or_else(|| fail::<D::Error>("the activity has no object")),
    }
}
