//! The activities of the follow protocol as they travel. `object` may be an id or an embedded
//! object, and `to`/`cc` a string or an array, depending on the sender.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

/// The fields every activity has, read before anything else (dispatch and checks).
#[derive(Debug, Clone, Deserialize)]
pub struct Envelope {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(deserialize_with = "id_of")]
    pub actor: Url,
}

/// `Follow` with the followed actor's id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Follow {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(deserialize_with = "id_of")]
    pub actor: Url,
    #[serde(deserialize_with = "id_of")]
    pub object: Url,
}

/// `Accept`, `Reject` or `Undo` whose object is an activity, embedded or by id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Wrapping {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(deserialize_with = "id_of")]
    pub actor: Url,
    pub object: Value,
}

impl Wrapping {
    /// The id of the wrapped activity.
    pub fn object_id(&self) -> Option<Url> {
        value_id(&self.object)
    }

    /// The wrapped activity, when embedded and of a shape we know.
    pub fn embedded<T: for<'de> Deserialize<'de>>(&self) -> Option<T> {
        match &self.object {
            Value::Object(_) => serde_json::from_value(self.object.clone()).ok(),
            _ => None,
        }
    }
}

/// The id of a value that is a URL string or an object with an `id`.
pub fn value_id(v: &Value) -> Option<Url> {
    match v {
        Value::String(s) => Url::parse(s).ok(),
        Value::Object(o) => o
            .get("id")
            .and_then(Value::as_str)
            .and_then(|s| Url::parse(s).ok()),
        _ => None,
    }
}

fn id_of<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Url, D::Error> {
    let v = Value::deserialize(d)?;
    value_id(&v).ok_or_else(|| serde::de::Error::custom("expected a URL or an object with an id"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_accepts_embedded_actor_and_string_object() {
        let f: Follow = serde_json::from_str(
            r#"{"id":"https://m.example/f/1","type":"Follow","actor":{"id":"https://m.example/u/a"},"object":"https://p.example/actors/bari"}"#,
        )
        .unwrap();
        assert_eq!(f.actor.as_str(), "https://m.example/u/a");
        assert_eq!(f.object.as_str(), "https://p.example/actors/bari");
    }

    #[test]
    fn accept_with_embedded_or_bare_follow() {
        let a: Wrapping = serde_json::from_str(
            r#"{"id":"https://b/a/1","type":"Accept","actor":"https://b/u","object":{"id":"https://a/f/1","type":"Follow","actor":"https://a/u","object":"https://b/u"}}"#,
        )
        .unwrap();
        assert_eq!(a.object_id().unwrap().as_str(), "https://a/f/1");
        let f: Follow = a.embedded().unwrap();
        assert_eq!(f.object.as_str(), "https://b/u");
        let a: Wrapping = serde_json::from_str(
            r#"{"id":"https://b/a/1","type":"Accept","actor":"https://b/u","object":"https://a/f/1"}"#,
        )
        .unwrap();
        assert!(a.embedded::<Follow>().is_none());
        assert_eq!(a.object_id().unwrap().as_str(), "https://a/f/1");
    }
}
