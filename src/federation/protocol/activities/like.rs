//! `Like` and `Dislike` of a practice: a positive or negative endorsement (every Mastodon
//! like is a `Like`). The object is read for its id only.

use activitypub_federation::kinds::activity::{DislikeType, LikeType};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::federation::protocol::values::{id_of, one_or_many};

/// An endorsement; `K` is its type (`Like` or `Dislike`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vote<K> {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: K,
    #[serde(deserialize_with = "id_of")]
    pub actor: Url,
    #[serde(deserialize_with = "id_of")]
    pub object: Url,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub to: Vec<String>,
    /// When the person endorsed (clamped to now on arrival: a clock in the future moves
    /// nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
}

pub type Like = Vote<LikeType>;
pub type Dislike = Vote<DislikeType>;
