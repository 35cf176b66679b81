//! Proof of reading and endorsements across instances: a person on B reads a practice of A
//! and endorses it, and A counts it in the practice's good index as the rules say (verified
//! after a `Read`, not counted without one, not counted from the practice's own
//! organisation, a peer only from a trusted host). What abuse cannot do is in
//! `endorsement_abuse.rs`.

use std::time::Duration;

use federation_tests::{
    eventually,
    participation::{
        administration, endorse, endorsements, index_row, index_where, open, parts, read_all,
        shared_practice,
    },
    Options, TestInstance,
};
use prassi::domain::actor::Role;
use reqwest::Method;
use serde_json::json;

const T: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reading_on_b_verifies_the_endorsement_on_a_and_change_and_withdrawal_follow() {
    let (a, b) = (TestInstance::start().await, TestInstance::start().await);
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    let s = shared_practice(&a, "comune-bari", "c_a662", &bob).await;

    // The parts are the same keys on both instances, attachments in the Article's order.
    let on_a = parts(&s.manager, s.id_a).await;
    let on_b = parts(&bob, s.id_b).await;
    assert_eq!(on_a, on_b);
    assert!(on_b.contains(&"description".to_string()), "{on_b:?}");
    assert!(on_b.iter().any(|p| p == "attachment:0"), "{on_b:?}");

    // An unknown key is refused and nothing is stored.
    let e = open(&bob, s.id_b, &[on_b[0].clone(), "chapter:9".into()])
        .await
        .expect_err("unknown part");
    assert_eq!(e.status, 400, "{}", e.body);
    assert_eq!(e.body["error"], "unknown_part");
    assert_eq!(b.count("reading_parts").await, 0);

    let r = read_all(&bob, s.id_b).await;
    assert_eq!(r["complete"], true, "{r}");
    assert_eq!(r["read"], json!(on_b));
    let got = endorse(&bob, s.id_b, "positive").await;
    assert_eq!(got["verified"], true, "{got}");
    let view = bob
        .call(Method::GET, &format!("/api/v1/practices/{}", s.id_b), None)
        .await
        .expect("view");
    assert_eq!(view["endorsement"]["value"], "positive", "{view}");

    // A counts it: the Read reached A before the Like. Bob is a citizen.
    let row = index_where(&a, s.id_a, "A counts bob's endorsement", |r| r.counted == 1).await;
    assert_eq!((row.verified, row.unverified, row.positive), (1, 0, 1));
    assert!(row.g_citizen > 0.0 && row.g_peer == 0.0, "{row:?}");
    assert!(
        row.pending_since.is_some() || row.sent_at.is_some(),
        "a local practice's index is to go out, or went out"
    );
    // B counts what it observed too, for a practice that is not its own.
    let on_b_row = index_row(&b, s.id_b).await;
    assert_eq!((on_b_row.verified, on_b_row.counted), (1, 1));
    assert!(on_b_row.pending_since.is_none());

    // Changed: the old one is undone, the new one counted.
    endorse(&bob, s.id_b, "negative").await;
    let row = index_where(&a, s.id_a, "A sees the change", |r| r.negative == 1).await;
    assert_eq!((row.positive, row.counted, row.verified), (0, 1, 1));
    assert_eq!(row.g_citizen, 0.0, "all negative");
    assert_eq!(endorsements(&a, s.id_a).await.len(), 1);

    // Withdrawn.
    bob.call(
        Method::DELETE,
        &format!("/api/v1/practices/{}/endorsement", s.id_b),
        None,
    )
    .await
    .expect("withdraw");
    index_where(&a, s.id_a, "A forgets it", |r| {
        r.negative == 0 && r.positive == 0
    })
    .await;
    assert!(endorsements(&a, s.id_a).await.is_empty());
    let e = bob
        .call(
            Method::DELETE,
            &format!("/api/v1/practices/{}/endorsement", s.id_b),
            None,
        )
        .await
        .expect_err("nothing to withdraw");
    assert_eq!(e.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_like_without_reading_stays_unverified() {
    let (a, b) = (TestInstance::start().await, TestInstance::start().await);
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    let s = shared_practice(&a, "comune-bari", "c_a662", &bob).await;
    // Half the parts: no proof.
    let all = parts(&bob, s.id_b).await;
    let r = open(&bob, s.id_b, &all[..1]).await.expect("open");
    assert_eq!(r["complete"], false);
    let got = endorse(&bob, s.id_b, "positive").await;
    assert_eq!(
        (got["verified"].clone(), got["counted"].clone()),
        (json!(false), json!(false))
    );
    let row = index_where(&a, s.id_a, "A keeps the unverified like", |r| {
        r.unverified == 1
    })
    .await;
    assert_eq!((row.counted, row.verified, row.positive), (0, 0, 1));
    assert_eq!((row.g_peer, row.g_citizen, row.combined), (0.0, 0.0, 0.0));
    assert_eq!(a.count("reads").await, 0, "no Read reached A");

    // Bob reads the rest. The Read reaches A after his like, which A keeps unverified; B
    // gives the endorsement again after the Read (Undo, then a new Like), and A counts that.
    let r = open(&bob, s.id_b, &all[1..]).await.expect("open the rest");
    assert_eq!(r["complete"], true);
    let row = index_where(&a, s.id_a, "A counts the endorsement given again", |r| {
        r.counted == 1
    })
    .await;
    assert_eq!((row.verified, row.unverified, row.positive), (1, 0, 1));
    let e = endorsements(&a, s.id_a).await;
    assert_eq!(e.len(), 1, "one endorsement per person");
    assert!(e[0].verified);
    assert_eq!(a.count("reads").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_version_needs_a_new_reading_and_old_verified_endorsements_keep_counting() {
    let (a, b) = (TestInstance::start().await, TestInstance::start().await);
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    let (_, carol) = b.user("carol", Role::Citizen, None).await;
    let s = shared_practice(&a, "comune-bari", "c_a662", &bob).await;
    read_all(&bob, s.id_b).await;
    endorse(&bob, s.id_b, "positive").await;
    index_where(&a, s.id_a, "bob counted", |r| r.counted == 1).await;
    // Carol read the first version too, but endorses only after the new one.
    read_all(&carol, s.id_b).await;

    let old = index_row(&a, s.id_a).await;
    let before = s
        .manager
        .call(Method::GET, &format!("/api/v1/practices/{}", s.id_a), None)
        .await
        .expect("view")["content_digest"]
        .clone();
    s.manager
        .call(
            Method::PATCH,
            &format!("/api/v1/practices/{}", s.id_a),
            Some(json!({"impact": {"it": "<p>Nuovi risultati misurati nel 2025.</p>"}})),
        )
        .await
        .expect("new version");
    eventually(T, "B holds the new version", || async {
        let v = bob
            .call(Method::GET, &format!("/api/v1/practices/{}", s.id_b), None)
            .await
            .ok()?;
        (v["content_digest"] != before).then_some(())
    })
    .await;
    let r = bob
        .call(
            Method::GET,
            &format!("/api/v1/practices/{}/reading", s.id_b),
            None,
        )
        .await
        .expect("reading");
    assert_eq!(r["complete"], false, "a new version is unread: {r}");
    assert_eq!(r["read"], json!([]));

    // Carol's endorsement of the new version is unverified until she reads it again.
    let got = endorse(&carol, s.id_b, "positive").await;
    assert_eq!(got["verified"], false);
    let row = index_where(&a, s.id_a, "carol unverified on A", |r| r.unverified == 1).await;
    assert_eq!(row.counted, 1, "bob's verified endorsement keeps counting");
    assert_eq!(row.g_citizen, old.g_citizen);
    read_all(&carol, s.id_b).await;
    let row = index_where(&a, s.id_a, "carol verified after reading", |r| {
        r.counted == 2
    })
    .await;
    assert_eq!((row.verified, row.unverified), (2, 0));
    assert!(row.g_citizen > old.g_citizen, "{row:?} vs {old:?}");
    let bobs = endorsements(&a, s.id_a).await;
    assert_eq!(
        bobs.iter()
            .filter(|e| e.version.as_ref() == before.as_str().map(String::from).as_ref())
            .count(),
        1,
        "bob's stays verified on the version he read"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_practice_own_organisation_is_shown_not_counted() {
    let (a, b) = (TestInstance::start().await, TestInstance::start().await);
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    let s = shared_practice(&a, "comune-bari", "c_a662", &bob).await;
    // The manager who wrote it, on A.
    read_all(&s.manager, s.id_a).await;
    let got = endorse(&s.manager, s.id_a, "positive").await;
    assert_eq!(
        (got["verified"].clone(), got["counted"].clone()),
        (json!(true), json!(false))
    );
    // A colleague of the same administration (same IPA code) on B, with B trusted.
    a.admin
        .call(
            Method::POST,
            "/api/v1/admin/trusted-instances",
            Some(json!({"host": b.domain})),
        )
        .await
        .expect("trust B");
    administration(&b, "comune-bari-b", "C_A662").await;
    let (_, colleague) = b
        .user("collega", Role::Manager, Some("comune-bari-b"))
        .await;
    read_all(&colleague, s.id_b).await;
    endorse(&colleague, s.id_b, "positive").await;
    let row = index_where(&a, s.id_a, "both shown on A", |r| r.positive == 2).await;
    assert_eq!((row.verified, row.counted), (2, 0), "{row:?}");
    assert_eq!(row.combined, 0.0);
    let rows = endorsements(&a, s.id_a).await;
    assert!(rows.iter().all(|e| e.own_organisation), "{rows:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_on_an_untrusted_host_counts_as_a_citizen_until_the_host_is_trusted() {
    let (a, b) = (TestInstance::start().await, TestInstance::start().await);
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    let s = shared_practice(&a, "comune-bari", "c_a662", &bob).await;
    administration(&b, "regione-b", "r_b").await;
    let (_, peer) = b
        .user("funzionaria", Role::Manager, Some("regione-b"))
        .await;
    // Her Person document names her organisation.
    let doc = a.get_ap(b.actor_url("funzionaria").as_str()).await;
    assert_eq!(
        doc["organization"],
        b.actor_url("regione-b").as_str(),
        "{doc}"
    );
    read_all(&peer, s.id_b).await;
    endorse(&peer, s.id_b, "positive").await;
    let row = index_where(&a, s.id_a, "counted as a citizen", |r| r.counted == 1).await;
    assert!(row.g_citizen > 0.0 && row.g_peer == 0.0, "{row:?}");

    a.admin
        .call(
            Method::POST,
            "/api/v1/admin/trusted-instances",
            Some(json!({"host": b.domain})),
        )
        .await
        .expect("trust B");
    let row = index_row(&a, s.id_a).await;
    assert!(
        row.g_peer > 0.0 && row.g_citizen == 0.0,
        "a peer now: {row:?}"
    );
    assert_eq!((row.counted, row.verified, row.positive), (1, 1, 1));
    assert_eq!(endorsements(&a, s.id_a).await[0].class, "peer");

    a.admin
        .call(
            Method::DELETE,
            &format!("/api/v1/admin/trusted-instances/{}", b.domain),
            None,
        )
        .await
        .expect("untrust B");
    let row = index_row(&a, s.id_a).await;
    assert!(
        row.g_citizen > 0.0 && row.g_peer == 0.0,
        "a citizen again: {row:?}"
    );
}

/// Anyone can name someone else's organisation: only one on the person's own host counts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_naming_an_organisation_of_another_host_is_no_peer() {
    let (a, b) = (TestInstance::start().await, TestInstance::start().await);
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    let s = shared_practice(&a, "comune-bari", "c_a662", &bob).await;
    a.admin
        .call(
            Method::POST,
            "/api/v1/admin/trusted-instances",
            Some(json!({"host": b.domain})),
        )
        .await
        .expect("trust B");
    // A person of B whose document claims an administration of A (with an IPA code).
    administration(&a, "regione-a", "r_a").await;
    administration(&b, "regione-b", "r_b").await;
    let (u, claimant) = b.user("impostora", Role::Manager, Some("regione-b")).await;
    prassi::db::actors::set_organization(
        &b.store(),
        u.actor_id,
        Some(a.actor_url("regione-a").as_str()),
    )
    .await
    .expect("claim");
    read_all(&claimant, s.id_b).await;
    endorse(&claimant, s.id_b, "positive").await;
    let row = index_where(&a, s.id_a, "counted as a citizen", |r| r.counted == 1).await;
    assert!(row.g_citizen > 0.0 && row.g_peer == 0.0, "{row:?}");
    let e = &endorsements(&a, s.id_a).await[0];
    assert!(!e.administration && !e.own_organisation, "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reading_floor_needs_time_between_the_first_part_and_the_last() {
    let floor = Options {
        tweak: |c| c.reading_min_fraction = 0.25,
        ..Default::default()
    };
    let a = TestInstance::start_with(floor.clone()).await;
    let b = TestInstance::start_with(floor).await;
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    let s = shared_practice(&a, "comune-bari", "c_a662", &bob).await;
    let all = parts(&bob, s.id_b).await;

    // Every key at once proves nothing.
    let r = open(&bob, s.id_b, &all).await.expect("open");
    assert_eq!(r["complete"], false, "{r}");
    assert_eq!(r["read"], json!(all));

    // Later than the floor (the example takes minutes to read), the last part again.
    b.fed
        .to_request_data()
        .clock
        .advance(Duration::from_secs(3600));
    let r = open(&bob, s.id_b, &all[all.len() - 1..])
        .await
        .expect("open");
    assert_eq!(r["complete"], true, "{r}");
    endorse(&bob, s.id_b, "positive").await;
    let row = index_where(&a, s.id_a, "A counts it verified", |r| r.counted == 1).await;
    assert_eq!(row.verified, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endorsement_says_why_with_ones_own_comment_on_the_practice() {
    let a = TestInstance::start().await;
    let m = a.manager_of("comune-di-asti").await;
    let id = m.publish(federation_tests::example(0)).await["id"]
        .as_i64()
        .expect("id");
    let other = m.publish(federation_tests::example(1)).await["id"]
        .as_i64()
        .expect("id");
    let (_, bob) = a.user("bob", Role::Citizen, None).await;
    let (_, carol) = a.user("carol", Role::Citizen, None).await;
    let comment = |client: &federation_tests::ApiClient, on: i64, text: &str| {
        let (client, text) = (client.clone(), text.to_string());
        async move {
            client
                .call(
                    Method::POST,
                    &format!("/api/v1/practices/{on}/comments"),
                    Some(json!({ "content": text, "stance": "positive" })),
                )
                .await
                .expect("comment")
        }
    };
    let mine = comment(&bob, id, "Lo stiamo replicando").await;
    let elsewhere = comment(&bob, other, "Altra pratica").await;
    let hers = comment(&carol, id, "Anche noi").await;
    read_all(&bob, id).await;
    let put = |body: serde_json::Value| {
        let bob = bob.clone();
        async move {
            bob.call(
                Method::PUT,
                &format!("/api/v1/practices/{id}/endorsement"),
                Some(body),
            )
            .await
        }
    };
    for (why, cid) in [
        ("someone else's", hers["id"].clone()),
        ("another practice", elsewhere["id"].clone()),
        ("no such", json!(987_654)),
    ] {
        let e = put(json!({"value": "positive", "comment_id": cid}))
            .await
            .expect_err(why);
        assert_eq!(e.status.as_u16(), 422, "{why}: {}", e.body);
        assert!(e.body["fields"]["comment_id"].is_string(), "{}", e.body);
    }
    assert_eq!(a.count("endorsements").await, 0, "nothing stored");
    // By id or by URL, the endorsement keeps the comment's URL.
    let e = put(json!({"value": "positive", "comment_id": mine["id"]}))
        .await
        .expect("endorse with a reason");
    assert_eq!(e["comment_id"], mine["ap_id"], "{e}");
    let e = put(json!({"value": "negative", "comment_id": mine["ap_id"]}))
        .await
        .expect("by URL");
    assert_eq!(e["comment_id"], mine["ap_id"]);
}
