//! The JSON-LD `@context` we publish: ActivityStreams, security, and our extension terms inline
//! (never a remote context a peer would have to fetch).

use serde_json::{json, Value};

pub const AS_PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

pub fn context() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "prassi": "https://w3id.org/prassi/ns#",
            "schema": "http://schema.org#",
            "toot": "http://joinmastodon.org/ns#",
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "discoverable": "toot:discoverable",
            "indexable": "toot:indexable",
            "featured": {"@id": "toot:featured", "@type": "@id"},
            "PropertyValue": "schema:PropertyValue",
            "value": "schema:value",
            "ipaCode": "prassi:ipaCode",
            "levelOfGovernment": "prassi:levelOfGovernment",
            "region": "prassi:region",
            "organization": {"@id": "prassi:organization", "@type": "@id"},
            "contentDigest": "prassi:contentDigest",
            "stance": "prassi:stance",
            "recognised": {"@id": "prassi:recognised", "@type": "@id"}
        }
    ])
}
