//! `Announce` (a boost): a topic or anyone else shares an object, by id as we send it. The
//! object is always fetched from its origin, never trusted as embedded by another server.

use activitypub_federation::kinds::activity::AnnounceType;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::federation::protocol::values::{id_of, one_or_many};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Announce {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: AnnounceType,
    #[serde(deserialize_with = "id_of")]
    pub actor: Url,
    #[serde(default, deserialize_with = "one_or_many")]
    pub to: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub cc: Vec<String>,
    /// The id of what is shared (an embedded object is read for its id only).
    #[serde(deserialize_with = "id_of")]
    pub object: Url,
}
