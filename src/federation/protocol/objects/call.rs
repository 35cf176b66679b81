//! A hub's call for candidacies as it travels: an `OrderedCollection` (of the practices it
//! recognised) that is the `target` of `Offer`s, with the call's terms as extension fields.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::federation::protocol::values::{first_id_of, lenient_text};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallDocument {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    /// `OrderedCollection`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub summary: Option<String>,
    /// The actor Offers go to (the hub's instance actor).
    #[serde(deserialize_with = "first_id_of")]
    pub attributed_to: Url,
    /// The deadline: Offers after it are refused.
    pub end_time: DateTime<Utc>,
    /// The criteria in use (`prassi:criteria`).
    #[serde(default)]
    pub criteria: Vec<String>,
    /// Reviewers of the proposer's organisation are excluded (`prassi:excludeSameOrganization`).
    #[serde(default)]
    pub exclude_same_organization: bool,
    /// Closed by the commission before its deadline (`prassi:closed`).
    #[serde(default)]
    pub closed: bool,
    /// The practices recognised in this call.
    #[serde(default)]
    pub total_items: i64,
    #[serde(default)]
    pub ordered_items: Vec<Url>,
}

impl CallDocument {
    pub fn open_at(&self, now: DateTime<Utc>) -> bool {
        !self.closed && self.end_time > now
    }
}
