//! `Delete` of an object: a `Tombstone` (as we send it) or only the id.

use activitypub_federation::kinds::activity::DeleteType;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::ObjectOrId;
use crate::federation::protocol::{
    objects::Tombstone,
    values::{id_of, one_or_many},
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delete {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: DeleteType,
    #[serde(deserialize_with = "id_of")]
    pub actor: Url,
    #[serde(default, deserialize_with = "one_or_many")]
    pub to: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub cc: Vec<String>,
    pub object: ObjectOrId<Tombstone>,
}

impl Delete {
    /// The id of what is deleted.
    pub fn object_id(&self) -> &Url {
        match &self.object {
            ObjectOrId::Object(t) => &t.id,
            ObjectOrId::Id(id) => id,
        }
    }
}
