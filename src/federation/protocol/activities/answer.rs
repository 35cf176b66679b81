//! `Accept` and `Reject` of a `Follow`: the follow embedded (as we send it), or only its id.

use activitypub_federation::kinds::activity::{AcceptType, RejectType};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::{follow::Follow, ObjectOrId};
use crate::federation::protocol::values::{id_of, one_or_many};

/// The answer to a follow; `K` is its type (`Accept` or `Reject`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer<K> {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: K,
    #[serde(deserialize_with = "id_of")]
    pub actor: Url,
    pub object: ObjectOrId<Follow>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub to: Vec<String>,
}

pub type Accept = Answer<AcceptType>;
pub type Reject = Answer<RejectType>;

impl<K> Answer<K> {
    /// The id of the follow answered.
    pub fn follow_id(&self) -> &Url {
        match &self.object {
            ObjectOrId::Object(f) => &f.id,
            ObjectOrId::Id(id) => id,
        }
    }
}
