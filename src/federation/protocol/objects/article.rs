//! A practice as an `Article`. Mastodon shows `name`, `summary` and a link to `url`; Prassi
//! peers read the whole record from the `practice` extension (a JSON literal in our inline
//! context). Read leniently: an `Article` (or a Lemmy `Page`) from any server parses, with
//! only its id and author required.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::collection::Collection;
use crate::{
    domain::good_index::Figure,
    federation::protocol::values::{
        first_id_of, lenient_text, lenient_time, lenient_url, one_or_many,
    },
};

/// A `goodIndex` that parses and is plausible, or none: a peer's odd figure never makes its
/// whole Article unreadable.
fn plausible_figure<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Figure>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(v.and_then(|v| serde_json::from_value::<Figure>(v).ok())
        .filter(Figure::is_plausible))
}

/// The object types read as articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArticleKind {
    Article,
    /// Lemmy's posts: read like an article, not stored as a practice.
    Page,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Article {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: ArticleKind,
    /// The organisation only: bovine refuses a `Create` whose `attributedTo` is not exactly
    /// its actor, and Mastodon takes the first entry anyway. Read from an id, an object or
    /// an array of them.
    #[serde(deserialize_with = "first_id_of")]
    pub attributed_to: Url,
    /// The manager who wrote it, when known.
    #[serde(default)]
    pub manager: Option<Url>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub name_map: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub summary_map: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub content_map: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_url")]
    pub url: Option<Url>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub published: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub updated: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub to: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub cc: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment: Vec<Attachment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<Hashtag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Place>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replies: Option<Collection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likes: Option<Collection>,
    /// The thread's collection (FEP-7888), served by the practice's instance.
    #[serde(
        rename = "context",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_url"
    )]
    pub thread: Option<Url>,
    /// Digest of the version (proof of reading refers to it).
    #[serde(default)]
    pub content_digest: Option<String>,
    /// The owner's good index (a JSON literal in our context); one that cannot be what the
    /// formula produces is read as absent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "plausible_figure"
    )]
    pub good_index: Option<Figure>,
    /// The whole record, from Prassi peers; validated by the domain rules when read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<Value>,
    /// The recognitions of hubs' commissions (`prassi:recognitions`); entries that do not
    /// read as one are left out.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "readable_recognitions"
    )]
    pub recognitions: Vec<Recognition>,
}

/// A hub commission's recognition of the practice, with its reasons and scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recognition {
    /// The call it was recognised in, and its title.
    pub call: Url,
    #[serde(default)]
    pub call_name: String,
    pub recognised_at: DateTime<Utc>,
    #[serde(default)]
    pub reasons: String,
    /// Per criterion: the mean and each reviewer's score and reason.
    #[serde(default)]
    pub scores: BTreeMap<String, crate::domain::candidacy::CriterionResult>,
}

fn readable_recognitions<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<Recognition>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|i| serde_json::from_value(i).ok())
            .collect(),
        _ => Vec::new(),
    })
}

/// A medium: `Image`, `Video` or `Document`, or a `Link` (Lemmy). Entries of other shapes are
/// read as links without an address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_url"
    )]
    pub url: Option<Url>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_url"
    )]
    pub href: Option<Url>,
    /// Alt text.
    #[serde(default, deserialize_with = "lenient_text")]
    pub name: Option<String>,
}

/// A sector's hashtag, linking to its topic actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hashtag {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, deserialize_with = "lenient_url")]
    pub href: Option<Url>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub name: Option<String>,
}

/// Where the practice took place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}
