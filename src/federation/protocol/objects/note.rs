//! A `Note`: what Mastodon and most servers post, and what a comment on a practice is. Read
//! leniently (a Mastodon reply has no `stance` nor `context`; its `replies` and `tag` are of
//! shapes we only pass through).

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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_url")]
    pub url: Option<Url>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub published: Option<DateTime<Utc>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_time"
    )]
    pub updated: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub to: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub cc: Vec<String>,
    /// The thread's collection (FEP-7888), served by the practice's instance.
    #[serde(
        rename = "context",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_url"
    )]
    pub thread: Option<Url>,
    /// `prassi:stance`: `positive`, `negative` or `neutral`; anything else is ignored.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_text"
    )]
    pub stance: Option<String>,
    /// Mentions (and hashtags) as sent; a reply to a practice mentions its organisation.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many_values"
    )]
    pub tag: Vec<Value>,
    /// The direct replies, a collection with its first page embedded (of whatever shape the
    /// sender uses: Mastodon's differs from ours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replies: Option<Value>,
}

/// A `Mention` of `href` (an actor), named `@name@host`.
pub fn mention(href: &Url, name: String) -> Value {
    serde_json::json!({"type": "Mention", "href": href.as_str(), "name": name})
}

fn one_or_many_values<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Value>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(a) => a,
        Value::Null => Vec::new(),
        other => vec![other],
    })
}
