//! A `Note`: what Mastodon and most servers post, and what a comment on a practice will be.
//! Read today only to recognise it (comments are stored by a later step).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::federation::protocol::values::{
    first_id_of, lenient_text, lenient_time, lenient_url, one_or_many, opt_first_id_of,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(deserialize_with = "first_id_of")]
    pub attributed_to: Url,
    #[serde(default, deserialize_with = "opt_first_id_of")]
    pub in_reply_to: Option<Url>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "lenient_url")]
    pub url: Option<Url>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub published: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub to: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub cc: Vec<String>,
}
