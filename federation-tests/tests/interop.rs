//! Interop with real peers nobody here wrote: bovine-herd and a Fedify-based server follow a
//! Prassi organisation and receive the `Accept`; a Prassi person follows them and sees theirs.

use std::time::Duration;

use federation_tests::{
    eventually,
    peers::{BovinePeer, FedifyPeer},
    TestInstance,
};
use prassi::domain::actor::Role;
use serde_json::Value;

const T: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bovine_follows_an_organisation_and_a_person_follows_bovine() {
    let p = TestInstance::start().await;
    let org = p.organization("regione-toscana", "Regione Toscana").await;
    let bovine = BovinePeer::start().await;

    // bovine → Prassi organisation, by URL.
    let sent = bovine.follow(org.as_str()).await;
    let follow_id = sent["id"].as_str().expect("follow id").to_string();
    eventually(T, "Prassi lists the bovine user as follower", || async {
        p.followers_of(org.as_str())
            .await
            .contains(&bovine.actor.to_string())
            .then_some(())
    })
    .await;
    let accept = eventually(T, "bovine receives the Accept", || async {
        bovine
            .inbox()
            .await
            .into_iter()
            .find(|a| a["type"] == "Accept")
    })
    .await;
    assert_eq!(accept["actor"], org.as_str());
    let object = match &accept["object"] {
        Value::String(s) => s.clone(),
        o => o["id"].as_str().unwrap_or_default().to_string(),
    };
    assert_eq!(object, follow_id, "the Accept answers bovine's Follow");
    eventually(T, "bovine counts the organisation as followed", || async {
        bovine
            .following()
            .await
            .contains(&org.to_string())
            .then_some(())
    })
    .await;

    // Prassi person → bovine user, by URL; bovine's Accept marks it accepted.
    let (_, alice) = p.user("alice", Role::Citizen, None).await;
    alice
        .follow(bovine.actor.as_str())
        .await
        .expect("follow bovine");
    eventually(T, "the follow of the bovine user is accepted", || async {
        alice
            .follows()
            .await
            .into_iter()
            .find(|f| f["state"] == "accepted" && f["target"] == bovine.actor.as_str())
    })
    .await;
    assert!(bovine
        .followers()
        .await
        .contains(&p.actor_url("alice").to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fedify_follows_an_organisation_and_a_person_follows_fedify() {
    let p = TestInstance::start().await;
    let org = p.organization("comune-firenze", "Comune di Firenze").await;
    let fedify = FedifyPeer::start().await;

    // Fedify → Prassi organisation, by URL (Fedify's acct: lookup is https-only).
    fedify.follow(org.as_str()).await;
    eventually(T, "Prassi lists the Fedify actor as follower", || async {
        p.followers_of(org.as_str())
            .await
            .contains(&fedify.actor.to_string())
            .then_some(())
    })
    .await;
    let accept = eventually(T, "Fedify receives and verifies the Accept", || async {
        fedify
            .received()
            .await
            .into_iter()
            .find(|a| a["type"] == "Accept")
    })
    .await;
    assert_eq!(accept["actor"], org.as_str());

    // Undo from Fedify removes the follower.
    fedify.unfollow(org.as_str()).await;
    eventually(T, "Prassi drops the Fedify follower after Undo", || async {
        p.followers_of(org.as_str()).await.is_empty().then_some(())
    })
    .await;

    // Prassi person → Fedify actor, by URL.
    let (_, bob) = p.user("bob", Role::Citizen, None).await;
    bob.follow(fedify.actor.as_str())
        .await
        .expect("follow fedify");
    eventually(T, "the follow of the Fedify actor is accepted", || async {
        bob.follows()
            .await
            .into_iter()
            .find(|f| f["state"] == "accepted")
    })
    .await;
    assert!(fedify
        .followers()
        .await
        .contains(&p.actor_url("bob").to_string()));
}

/// A manager of `org` on `p`, and a published example practice.
async fn publish_example(p: &TestInstance, org: &str) -> Value {
    let (_, m) = p.user(&format!("m-{org}"), Role::Manager, Some(org)).await;
    let record = serde_json::to_value(&prassi::domain::practice_examples::all()[0]).expect("json");
    m.publish(record).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fedify_and_bovine_receive_and_parse_a_published_practice() {
    let p = TestInstance::start().await;
    let org = p.organization("comune-bari", "Comune di Bari").await;
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

    let practice = publish_example(&p, "comune-bari").await;
    let url = practice["ap_id"].as_str().expect("ap_id").to_string();
    let article = p.get_ap(&url).await;
    let (name, summary) = (article["name"].clone(), article["summary"].clone());

    // Fedify's vocabulary parses the Article with name, summary and url intact.
    let create = eventually(T, "Fedify receives the Create(Article)", || async {
        fedify
            .received()
            .await
            .into_iter()
            .find(|a| a["type"] == "Create")
    })
    .await;
    let parsed = &create["parsed"];
    assert_eq!(parsed["objectType"], "Article", "{create}");
    assert_eq!(parsed["objectId"], url.as_str());
    assert_eq!(parsed["name"], name);
    assert_eq!(parsed["summary"], summary);
    assert_eq!(parsed["url"], url.as_str());

    // bovine stores it and keeps name, summary and url.
    let stored = tokio::time::timeout(T, async {
        loop {
            let inbox = bovine.inbox().await;
            if let Some(c) = inbox.into_iter().find(|a| a["type"] == "Create") {
                return c;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    let stored = match stored {
        Ok(s) => s,
        Err(_) => {
            let log = bovine.log();
            let lines: Vec<&str> = log.lines().collect();
            let tail = lines[lines.len().saturating_sub(60)..].join("\n");
            panic!(
                "bovine did not store the Create; received: {}\nlog tail:\n{tail}",
                bovine.received().await
            )
        }
    };
    let object_id = match &stored["object"] {
        Value::String(s) => s.clone(),
        o => o["id"].as_str().unwrap_or_default().to_string(),
    };
    assert_eq!(object_id, url);
    let obj = bovine.object(&url).await;
    assert_eq!(obj["type"], "Article", "{obj}");
    assert_eq!(obj["name"], name);
    assert_eq!(obj["summary"], summary);
    assert_eq!(obj["url"], url.as_str());
}
