//! `Like` and `Dislike` of a practice: a positive or negative endorsement (every Mastodon
//! like is a `Like`). The object is read for its id only.

use activitypub_federation::kinds::activity::{DislikeType, LikeType};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::federation::protocol::values::{id_of, one_or_many};

/// An endorsement; `K` is its type (`Like` or `Dislike`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vote<K> {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: K,
    #[serde(deserialize_with = "id_of")]
    pub actor: Url,
    #[serde(deserialize_with = "id_of")]
    pub object: Url,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub to: Vec<String>,
    /// When the person endorsed (clamped to now on arrival: a clock in the future moves
    /// nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
}

pub type Like = Vote<LikeType>;
pub type Dislike = Vote<DislikeType>;

#[cfg(test)]
mod tests {
    //! A Mastodon like and its undo (after the shapes Mastodon sends), and the `Read` and
    //! `Dislike` Prassi sends: each reads as the inbox reads it.
    use serde_json::json;

    use crate::federation::protocol::activities::{Incoming, Undone};

    fn asset(path: &str) -> String {
        std::fs::read_to_string(format!("{}/assets/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn mastodon_like_and_its_undo() {
        let Incoming::Like(l) = Incoming::parse("Like", &asset("mastodon/like.json")).unwrap()
        else {
            panic!("not a Like");
        };
        assert_eq!(l.actor.as_str(), "https://mastodon.example/users/giulia");
        assert!(l.object.as_str().ends_with("1b67"));
        assert!(l.published.is_none());
        let again: super::Like =
            serde_json::from_value(serde_json::to_value(&*l).unwrap()).unwrap();
        assert_eq!(again, *l);
        let Incoming::Undo(u) = Incoming::parse("Undo", &asset("mastodon/undo_like.json")).unwrap()
        else {
            panic!("not an Undo");
        };
        let Undone::Like(undone) = &u.object else {
            panic!("not an undone Like: {:?}", u.object);
        };
        assert_eq!(undone.id, l.id);
    }

    #[test]
    fn read_and_dislike_as_prassi_sends_them() {
        let read = json!({
            "@context": crate::federation::protocol::context::context(),
            "id": "https://b.example/activities/1", "type": "Read",
            "actor": "https://b.example/actors/bob",
            "object": {"id": "https://a.example/practices/1", "type": "Article"},
            "contentDigest": "sha256:ab", "to": "https://a.example/actors/org",
        });
        let Incoming::Read(r) = Incoming::parse("Read", &read.to_string()).unwrap() else {
            panic!("not a Read");
        };
        assert_eq!(r.object.as_str(), "https://a.example/practices/1");
        assert_eq!(r.content_digest, "sha256:ab");
        assert_eq!(r.to, ["https://a.example/actors/org"]);
        let dislike = json!({
            "id": "https://b.example/activities/2", "type": "Dislike",
            "actor": "https://b.example/actors/bob", "object": "https://a.example/practices/1",
            "published": "2999-01-01T00:00:00Z",
        });
        assert!(matches!(
            Incoming::parse("Dislike", &dislike.to_string()).unwrap(),
            Incoming::Dislike(_)
        ));
        // An Undo of an endorsement of a shape we do not read is looked up by its id.
        let undo = json!({
            "id": "https://b.example/activities/3", "type": "Undo",
            "actor": "https://b.example/actors/bob",
            "object": {"id": "https://b.example/activities/2", "type": "Dislike"},
        });
        let Incoming::Undo(u) = Incoming::parse("Undo", &undo.to_string()).unwrap() else {
            panic!("not an Undo");
        };
        assert_eq!(
            u.object,
            Undone::Id("https://b.example/activities/2".parse().unwrap())
        );
    }
}
