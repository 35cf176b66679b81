//! Comments with real peers: a bovine-herd user's and a Fedify actor's replies to a practice
//! (Mastodon-style: a `Create(Note)` with `inReplyTo`, addressed to and mentioning the
//! organisation) become comments on its instance, and each peer, following the organisation,
//! receives its `Announce` of the other's comment.

use std::time::Duration;

use federation_tests::{
    comments::thread,
    eventually,
    peers::{BovinePeer, FedifyPeer},
    TestInstance,
};
use prassi::domain::actor::Role;
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bovine_and_fedify_replies_become_comments_and_are_announced_to_each_other() {
    let p = TestInstance::start().await;
    let org = p.organization("comune-bari", "Comune di Bari").await;
    let (_, m) = p
        .user("m-comune-bari", Role::Manager, Some("comune-bari"))
        .await;
    let (_, reader) = p.user("lettore", Role::Citizen, None).await;
    let fedify = FedifyPeer::start().await;
    let bovine = BovinePeer::start().await;
    fedify.follow(org.as_str()).await;
    bovine.follow(org.as_str()).await;
    eventually(T, "both peers follow the organisation", || async {
        let f = p.followers_of(org.as_str()).await;
        (f.contains(&fedify.actor.to_string()) && f.contains(&bovine.actor.to_string()))
            .then_some(())
    })
    .await;
    let record = serde_json::to_value(&prassi::domain::practice_examples::all()[0]).expect("json");
    let practice = m.publish(record).await;
    let url = practice["ap_id"].as_str().expect("ap_id").to_string();
    let id = practice["id"].as_i64().expect("id");
    let public = "https://www.w3.org/ns/activitystreams#Public";
    let mention = json!([{"type": "Mention", "href": org.as_str(), "name": format!("@comune-bari@{}", p.config.domain())}]);

    bovine
        .note(json!({
            "content": "<p>Da bovine: ottima pratica</p>",
            "inReplyTo": url, "to": [public], "cc": [org.as_str()], "tag": mention,
        }))
        .await;
    let sent = fedify
        .note(json!({
            "content": "<p>Da Fedify: <em>replicabile</em></p><script>x()</script>",
            "inReplyTo": url, "to": [public], "cc": [org.as_str()], "tag": mention,
        }))
        .await;
    let fedify_note = sent["id"].as_str().expect("note id").to_string();

    // Both replies are comments on the practice, sanitised, with their origins.
    let t = eventually(T, "both replies are comments", || async {
        let t = thread(&reader, id).await;
        (t.as_array()?.len() == 2).then_some(t)
    })
    .await;
    let by_origin = |host: &str| -> Value {
        t.as_array()
            .expect("thread")
            .iter()
            .find(|c| c["origin"] == host)
            .cloned()
            .unwrap_or_else(|| panic!("no comment from {host} in {t}"))
    };
    let bovine_host = prassi::config::host_port(&bovine.actor);
    let fedify_host = prassi::config::host_port(&fedify.actor);
    let from_bovine = by_origin(&bovine_host);
    let from_fedify = by_origin(&fedify_host);
    assert_eq!(from_fedify["ap_id"], fedify_note.as_str());
    assert_eq!(
        from_fedify["content"], "<p>Da Fedify: <em>replicabile</em></p>",
        "sanitised"
    );
    assert!(
        from_bovine["content"]
            .as_str()
            .expect("content")
            .contains("Da bovine"),
        "{from_bovine}"
    );
    let bovine_note = from_bovine["ap_id"].as_str().expect("ap_id").to_string();

    // Fedify receives the organisation's Announce of bovine's comment…
    eventually(
        T,
        "Fedify receives the Announce of bovine's comment",
        || async {
            fedify.received().await.into_iter().find(|a| {
                a["type"] == "Announce"
                    && a["object"] == bovine_note.as_str()
                    && a["actor"] == org.as_str()
            })
        },
    )
    .await;
    // …and bovine that of Fedify's.
    eventually(
        T,
        "bovine receives the Announce of Fedify's comment",
        || async {
            let received = bovine.received().await;
            received.as_array()?.iter().find_map(|r| {
                let body = r.get("body").or_else(|| r.get("activity")).unwrap_or(r);
                let body: Value = match body {
                    Value::String(s) => serde_json::from_str(s).ok()?,
                    other => other.clone(),
                };
                (body["type"] == "Announce"
                    && body["object"] == fedify_note.as_str()
                    && body["actor"] == org.as_str())
                .then_some(())
            })
        },
    )
    .await;
}
