//! The actor document (Person, Organization, Group, Application) as Mastodon and others expect it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::values::{first_href, lenient_url};
use crate::domain::actor::ActorKind;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApActor {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: ActorKind,
    #[serde(default)]
    pub preferred_username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_url"
    )]
    pub url: Option<Url>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_icon"
    )]
    pub icon: Option<Icon>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Value>,
    pub inbox: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followers: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub following: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub featured: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Endpoints>,
    pub public_key: ApPublicKey,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub manually_approves_followers: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discoverable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexable: Option<bool>,
    /// Profile fields (Mastodon's "metadata"); entries of other shapes are left out.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "property_values"
    )]
    pub attachment: Vec<PropertyValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipa_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_of_government: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `prassi:organization`: the Organization a manager or reviewer works for (citizens
    /// carry none). Who counts as a peer starts from it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_url"
    )]
    pub organization: Option<Url>,
    /// `prassi:recognised`: on an instance actor, the collection of the practices its
    /// commission recognised.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_url"
    )]
    pub recognised: Option<Url>,
}

/// A profile field: `{"type": "PropertyValue", "name": "Website", "value": "…"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertyValue {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub value: String,
}

impl PropertyValue {
    pub fn new(name: &str, value: &str) -> Self {
        Self {
            kind: "PropertyValue".into(),
            name: name.into(),
            value: value.into(),
        }
    }
}

/// The actor's picture: an `Image` with its address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Icon {
    #[serde(rename = "type")]
    pub kind: String,
    pub url: Url,
}

/// An icon as servers send it: an `Image`, a bare URL, a Link or an array of them.
fn lenient_icon<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Icon>, D::Error> {
    Ok(Option::<Value>::deserialize(d)?
        .as_ref()
        .and_then(first_href)
        .map(|url| Icon {
            kind: "Image".into(),
            url,
        }))
}

/// The profile fields that are `PropertyValue`s; anything else in `attachment` is skipped.
fn property_values<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<PropertyValue>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(a)) => a
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
        _ => Vec::new(),
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_inbox: Option<Url>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApPublicKey {
    pub id: String,
    pub owner: Url,
    pub public_key_pem: String,
}
