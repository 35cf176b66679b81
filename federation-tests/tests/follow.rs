//! Following across instances, and what the inbox refuses.

use std::time::{Duration, SystemTime};

use federation_tests::{eventually, post_signed, TestInstance};
use prassi::{
    crypto::{generate_keypair, Signer},
    domain::actor::Role,
    federation::signatures::sign_post,
};
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn person_on_a_follows_organisation_on_b_and_unfollows() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    let org = b.organization("regione-puglia", "Regione Puglia").await;
    let (_, alice) = a.user("alice", Role::Citizen, None).await;
    let alice_url = a.actor_url("alice").to_string();

    // By handle, resolved through WebFinger.
    let f = alice
        .follow(&format!("acct:regione-puglia@{}", b.domain))
        .await
        .expect("follow");
    assert_eq!(f["target"], org.as_str());
    assert_eq!(f["state"], "pending");

    let f = eventually(T, "A sees the follow accepted", || async {
        alice
            .follows()
            .await
            .into_iter()
            .find(|f| f["state"] == "accepted")
    })
    .await;
    assert_eq!(f["handle"], format!("regione-puglia@{}", b.domain));
    let followers = b.followers_of(org.as_str()).await;
    assert_eq!(followers, vec![alice_url.clone()]);
    let coll = b.get_ap(&format!("{org}/followers")).await;
    assert_eq!(coll["type"], "OrderedCollection");
    assert_eq!(coll["totalItems"], 1);
    let following = a.get_ap(&format!("{alice_url}/following?page=1")).await;
    assert_eq!(following["orderedItems"], json!([org.as_str()]));

    // Following again is idempotent.
    alice
        .follow(org.as_str())
        .await
        .expect("follow again by URL");
    assert_eq!(alice.follows().await.len(), 1);

    let id = f["id"].as_i64().expect("id");
    alice.unfollow(id).await.expect("unfollow");
    assert!(alice.follows().await.is_empty());
    eventually(T, "B removes the follower", || async {
        b.followers_of(org.as_str()).await.is_empty().then_some(())
    })
    .await;
    assert_eq!(b.get_ap(&format!("{org}/followers")).await["totalItems"], 0);
    // Unknown follow ids are 404 with a JSON error.
    let e = alice.unfollow(id).await.expect_err("already gone");
    assert_eq!(e.status, 404);
    assert_eq!(e.body["error"], "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn following_an_unknown_target_is_a_clear_error() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    let (_, alice) = a.user("alice", Role::Citizen, None).await;
    let e = alice
        .follow(&format!("nobody@{}", b.domain))
        .await
        .expect_err("unknown");
    assert_eq!(e.status, 404, "{:?}", e.body);
    let e = alice.follow("not a handle").await.expect_err("garbage");
    assert_eq!(e.status, 422);
    assert_eq!(e.body["error"], "invalid");
    assert!(e.body["fields"]["target"].is_string());
    let e = alice
        .follow(&format!("{}actors/alice", a.base))
        .await
        .expect_err("self");
    assert_eq!(e.status, 400);
    assert!(alice.follows().await.is_empty());
    let e = federation_tests::ApiClient::new(a.base.clone(), None)
        .follow(b.base.as_str())
        .await
        .expect_err("no token");
    assert_eq!(e.status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbox_refuses_unsigned_forged_stale_and_tampered_requests() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    let org = b.organization("comune-lecce", "Comune di Lecce").await;
    a.user("mallory", Role::Citizen, None).await;
    let mallory = a.actor_url("mallory").to_string();
    let inbox = format!("{}inbox", b.base);
    let follow = |n: u32| {
        serde_json::to_vec(&json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}activities/forged-{n}", a.base),
            "type": "Follow",
            "actor": mallory,
            "object": org.as_str(),
        }))
        .expect("json")
    };
    let before = b.count("inbox_activities").await;
    let now = SystemTime::now();

    // Unsigned.
    let s = reqwest::Client::new()
        .post(&inbox)
        .header("content-type", "application/activity+json")
        .body(follow(1))
        .send()
        .await
        .expect("post")
        .status();
    assert_eq!(s, 401, "unsigned");

    // Forged: signed with a key that is not the actor's.
    let other = generate_keypair().expect("key");
    let s = post_signed(
        &a,
        "mallory",
        &inbox,
        &follow(2),
        |h, _| {
            let url = url::Url::parse(&inbox).expect("url");
            let forged = Signer::from_pem(&other.private_pem).expect("signer");
            let key_id = format!("{mallory}#main-key");
            *h = sign_post(&forged, &key_id, &url, &follow(2), now).expect("sign");
        },
        now,
    )
    .await;
    assert_eq!(s, 401, "forged");

    // Body changed after signing (digest no longer matches).
    let s = post_signed(
        &a,
        "mallory",
        &inbox,
        &follow(3),
        |_, b| b.extend_from_slice(b" "),
        now,
    )
    .await;
    assert_eq!(s, 401, "tampered body");

    // Digest recomputed for the new body, but the signature covers the old one.
    let s = post_signed(
        &a,
        "mallory",
        &inbox,
        &follow(4),
        |h, b| {
            b.extend_from_slice(b" ");
            for (k, v) in h.iter_mut() {
                if *k == "digest" {
                    *v = prassi::federation::signatures::digest_header(b);
                }
            }
        },
        now,
    )
    .await;
    assert_eq!(s, 401, "re-digested body");

    // Stale: signed two days ago.
    let s = post_signed(
        &a,
        "mallory",
        &inbox,
        &follow(5),
        |_, _| {},
        now - Duration::from_secs(2 * 86400),
    )
    .await;
    assert_eq!(s, 401, "stale");

    // Another actor's activity signed by mallory.
    a.user("victim", Role::Citizen, None).await;
    let impersonation = serde_json::to_vec(&json!({
        "id": format!("{}activities/imp", a.base), "type": "Follow",
        "actor": a.actor_url("victim").as_str(), "object": org.as_str(),
    }))
    .expect("json");
    let s = post_signed(&a, "mallory", &inbox, &impersonation, |_, _| {}, now).await;
    assert_eq!(s, 401, "signer is not the actor");

    assert_eq!(
        b.count("inbox_activities").await,
        before,
        "nothing stored from refused requests"
    );
    assert_eq!(b.count("follows").await, 0);

    // A Follow of an unknown local actor: 404, nothing stored.
    let unknown = serde_json::to_vec(&json!({
        "id": format!("{}activities/unknown", a.base), "type": "Follow",
        "actor": mallory, "object": format!("{}actors/nobody", b.base),
    }))
    .expect("json");
    let s = post_signed(&a, "mallory", &inbox, &unknown, |_, _| {}, now).await;
    assert_eq!(s, 404);
    let s = post_signed(
        &a,
        "mallory",
        &format!("{}actors/nobody/inbox", b.base),
        &follow(6),
        |_, _| {},
        now,
    )
    .await;
    assert_eq!(s, 404, "inbox of an unknown actor");
    assert_eq!(b.count("inbox_activities").await, before);

    // The genuine request is accepted (202) and applied; replaying it changes nothing.
    let s = post_signed(&a, "mallory", &inbox, &follow(7), |_, _| {}, now).await;
    assert_eq!(s, 202);
    let s = post_signed(&a, "mallory", &inbox, &follow(7), |_, _| {}, now).await;
    assert_eq!(s, 202, "a replay is acknowledged");
    assert_eq!(
        b.count("inbox_activities").await,
        before + 1,
        "but stored once"
    );
    eventually(T, "B records mallory as follower", || async {
        let page: Value = b.get_ap(&format!("{org}/followers?page=1")).await;
        (page["orderedItems"] == json!([mallory])).then_some(())
    })
    .await;
}
