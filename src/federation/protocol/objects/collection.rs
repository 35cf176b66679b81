//! `OrderedCollection` and its pages: the followers, following and outbox of an actor, the
//! featured collection, and the replies and likes of a practice.

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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Url>,
    /// All items at once (small collections, such as `featured`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordered_items: Option<Vec<Value>>,
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
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub part_of: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_items: Option<i64>,
    #[serde(default)]
    pub ordered_items: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<Url>,
}

/// `{id}?page={n}`.
pub fn page_url(id: &Url, n: i64) -> Url {
    let mut u = id.clone();
    u.set_query(Some(&format!("page={n}")));
    u
}

impl Collection {
    /// A collection of `total` items at `id`, paged from `?page=1` to its last page of
    /// `per_page`.
    pub fn paged(id: Url, total: i64, per_page: i64) -> Self {
        let last = ((total + per_page - 1) / per_page).max(1);
        Self {
            context: None,
            kind: "OrderedCollection".into(),
            total_items: Some(total),
            first: Some(Page::Link(page_url(&id, 1))),
            last: Some(page_url(&id, last)),
            ordered_items: None,
            id,
        }
    }

    /// An empty collection at `id`, with its empty first page embedded (`?page=1`).
    pub fn empty(id: Url) -> Self {
        Self {
            context: None,
            kind: "OrderedCollection".into(),
            total_items: Some(0),
            first: Some(Page::Embedded(Box::new(CollectionPage {
                context: None,
                id: page_url(&id, 1),
                kind: "OrderedCollectionPage".into(),
                part_of: id.clone(),
                total_items: None,
                ordered_items: Vec::new(),
                next: None,
                prev: None,
            }))),
            last: None,
            ordered_items: None,
            id,
        }
    }
}

impl CollectionPage {
    /// Page `n` (from 1) of `items`, out of `total` items of `per_page`, of the collection at
    /// `part_of`.
    pub fn of(part_of: Url, n: i64, per_page: i64, total: i64, items: Vec<Value>) -> Self {
        Self {
            context: None,
            id: page_url(&part_of, n),
            kind: "OrderedCollectionPage".into(),
            total_items: Some(total),
            ordered_items: items,
            next: (n * per_page < total).then(|| page_url(&part_of, n + 1)),
            prev: (n > 1).then(|| page_url(&part_of, n - 1)),
            part_of,
        }
    }
}
