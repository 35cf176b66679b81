//! `OrderedCollection` and its pages, as the replies and likes of a practice are linked and
//! served.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

/// An ordered collection, with its first page embedded or linked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Collection {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub total_items: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Page>,
}

/// The first page: embedded, or only its address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Page {
    Embedded(Box<CollectionPage>),
    Link(Url),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionPage {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub part_of: Url,
    #[serde(default)]
    pub ordered_items: Vec<Value>,
}

impl Collection {
    /// An empty collection at `id`, with its empty first page embedded (`?page=1`).
    pub fn empty(id: Url) -> Self {
        let page = Url::parse(&format!("{id}?page=1")).unwrap_or_else(|_| id.clone());
        Self {
            context: None,
            kind: "OrderedCollection".into(),
            total_items: Some(0),
            first: Some(Page::Embedded(Box::new(CollectionPage {
                id: page,
                kind: "OrderedCollectionPage".into(),
                part_of: id.clone(),
                ordered_items: Vec::new(),
            }))),
            id,
        }
    }
}
