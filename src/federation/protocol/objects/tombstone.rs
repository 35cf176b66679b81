//! What a deleted object is afterwards: served with 410 at its URL, and the object of `Delete`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::federation::protocol::values::lenient_time;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tombstone {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub former_type: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_time"
    )]
    pub deleted: Option<DateTime<Utc>>,
}

impl Tombstone {
    pub fn of_article(id: Url, deleted: Option<DateTime<Utc>>) -> Self {
        Self::of(id, "Article", deleted)
    }

    /// What an object of `former_type` at `id` is once deleted.
    pub fn of(id: Url, former_type: &str, deleted: Option<DateTime<Utc>>) -> Self {
        Self {
            context: None,
            id,
            kind: "Tombstone".into(),
            former_type: Some(former_type.into()),
            deleted,
        }
    }
}
