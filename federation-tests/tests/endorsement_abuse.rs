//! What abuse cannot do to endorsements: nobody endorses or reads for another (the actor
//! is the signer), replays under the same id or a new one change nothing, a date in the
//! future is clamped, only the endorser undoes an endorsement, and a flood of votes from one
//! instance is held to that instance's cap.

use std::time::{Duration, SystemTime};

use federation_tests::{
    eventually,
    participation::{endorsements, index_row, index_where, shared_practice},
    post_signed, TestInstance,
};
use prassi::domain::actor::Role;
use reqwest::Method;
use serde_json::json;

const T: Duration = Duration::from_secs(30);

/// `x`'s signature over an activity whose actor is `y`, both of B.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_endorses_for_another() {
    let (a, b) = (TestInstance::start().await, TestInstance::start().await);
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    b.user("mallory", Role::Citizen, None).await;
    let s = shared_practice(&a, "comune-bari", "c_a662", &bob).await;
    let inbox = format!("{}inbox", a.base);
    let before = a.count("inbox_activities").await;
    let like = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}activities/forged-like", b.base),
        "type": "Like",
        "actor": b.actor_url("bob").as_str(),
        "object": s.ap_id,
    });
    let status = post_signed(
        &b,
        "mallory",
        &inbox,
        like.to_string().as_bytes(),
        |_, _| {},
        SystemTime::now(),
    )
    .await;
    assert_eq!(status, 401, "a Like signed by mallory with bob as actor");
    // The same holds for Read and Undo: the door checks actor = signer for every type.
    let read = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}activities/forged-read", b.base),
        "type": "Read",
        "actor": b.actor_url("bob").as_str(),
        "object": s.ap_id,
        "contentDigest": "sha256:00",
    });
    let status = post_signed(
        &b,
        "mallory",
        &inbox,
        read.to_string().as_bytes(),
        |_, _| {},
        SystemTime::now(),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(a.count("inbox_activities").await, before, "nothing stored");
    assert!(endorsements(&a, s.id_a).await.is_empty());
}

/// Replayed `Read`s and `Like`s, under their id or a new one, a date in the future, and an
/// `Undo` by someone else than the endorser.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replays_change_nothing_future_dates_are_clamped_and_only_the_endorser_undoes() {
    let (a, b) = (TestInstance::start().await, TestInstance::start().await);
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    let s = shared_practice(&a, "comune-bari", "c_a662", &bob).await;
    let digest = s
        .manager
        .call(Method::GET, &format!("/api/v1/practices/{}", s.id_a), None)
        .await
        .expect("view")["content_digest"]
        .as_str()
        .expect("digest")
        .to_string();
    let actor = b.actor_url("bob").to_string();
    let read = |n: u32| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}activities/read-{n}", b.base),
            "type": "Read", "actor": actor, "object": s.ap_id, "contentDigest": digest,
        })
    };
    let like = |n: u32| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}activities/like-{n}", b.base),
            "type": "Like", "actor": actor, "object": s.ap_id,
            "published": "2999-01-01T00:00:00Z",
        })
    };
    send(&a, &b, read(1)).await;
    send(&a, &b, like(1)).await;
    let row = index_where(&a, s.id_a, "the Like counted", |r| r.counted == 1).await;
    for body in [read(1), read(2), like(1), like(2), like(3)] {
        send(&a, &b, body).await;
    }
    a.admin.drain().await;
    eventually(T, "every replay applied", || async {
        let n = a
            .count("inbox_activities WHERE state = 'applied' AND kind IN ('Read', 'Like')")
            .await;
        (n == 5).then_some(())
    })
    .await;
    assert_eq!(
        index_row(&a, s.id_a).await.figure(),
        row.figure(),
        "replays moved nothing"
    );
    assert_eq!(a.count("reads").await, 1);
    let e = endorsements(&a, s.id_a).await;
    assert_eq!(e.len(), 1);
    assert!(
        e[0].created_at <= prassi::db::now_ms(),
        "clamped: {}",
        e[0].created_at
    );
    assert_eq!(
        e[0].activity_id,
        like(1)["id"].as_str().unwrap(),
        "the first one is kept"
    );

    // Only the endorser undoes it: mallory's Undo of bob's Like is refused when applied.
    b.user("mallory", Role::Citizen, None).await;
    let undo = |who: &str, n: u32| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}activities/undo-{n}", b.base),
            "type": "Undo", "actor": b.actor_url(who).as_str(),
            "object": like(1)["id"],
        })
    };
    send_as(&a, &b, "mallory", undo("mallory", 1)).await;
    eventually(T, "mallory's Undo is refused", || async {
        let n = a
            .count("inbox_activities WHERE kind = 'Undo' AND state = 'failed'")
            .await;
        (n == 1).then_some(())
    })
    .await;
    assert_eq!(endorsements(&a, s.id_a).await.len(), 1);
    // Bob's, naming the Like by its id alone, withdraws it.
    send(&a, &b, undo("bob", 2)).await;
    index_where(&a, s.id_a, "bob's Undo withdraws it", |r| r.positive == 0).await;
    assert!(endorsements(&a, s.id_a).await.is_empty());
}

/// Posts `body` to A's shared inbox signed by bob of B; A takes it (202).
async fn send(a: &TestInstance, b: &TestInstance, body: serde_json::Value) {
    send_as(a, b, "bob", body).await
}

/// Posts `body` to A's shared inbox signed by `who` of B; A takes it (202).
async fn send_as(a: &TestInstance, b: &TestInstance, who: &str, body: serde_json::Value) {
    let inbox = format!("{}inbox", a.base);
    let status = post_signed(
        b,
        who,
        &inbox,
        body.to_string().as_bytes(),
        |_, _| {},
        SystemTime::now(),
    )
    .await;
    assert!(status == 202, "{status}: {body}");
}

/// 50 verified votes from one instance and a few from others: the flood weighs no more than
/// the instance cap lets it (0.4 of the class's total), however many accounts it made up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_one_instance_is_held_to_its_cap() {
    use prassi::{
        db::good_index::{compute, endorsement_changed, Counted},
        domain::good_index::{good_index, Class, Totals},
    };
    let a = TestInstance::start().await;
    let m = a.manager_of("comune-bari").await;
    let id = m.publish(federation_tests::example(0)).await["id"]
        .as_i64()
        .expect("id");
    let db = a.store();
    let vote = |instance: &str, positive: bool| Counted {
        instance: instance.into(),
        class: Class::Citizen,
        weight: 0.5,
        positive,
        verified: true,
    };
    let mut tx = db.begin().await.expect("tx");
    for _ in 0..50 {
        endorsement_changed(
            &mut tx,
            id,
            true,
            None,
            Some(&vote("flood.example", true)),
            1,
        )
        .await
        .expect("vote");
    }
    for i in 1..=3 {
        endorsement_changed(
            &mut tx,
            id,
            true,
            None,
            Some(&vote(&format!("x{i}.example"), false)),
            1,
        )
        .await
        .expect("vote");
    }
    tx.commit().await.expect("commit");

    let g = compute(&db, id).await.expect("index");
    // W = 25 + 1.5; the flood's 25 is scaled to 0.4 · 26.5 = 10.6, the others stay 0.5 each.
    let capped = 0.4 * 26.5;
    assert!((g.citizen.weight - (capped + 1.5)).abs() < 1e-9, "{g:?}");
    assert!(
        (g.citizen.p_hat - capped / (capped + 1.5)).abs() < 1e-9,
        "{g:?}"
    );
    let mut flood = Totals::default();
    for _ in 0..50 {
        flood.add(0.5, true);
    }
    let others: Vec<Totals> = (0..3)
        .map(|_| {
            let mut t = Totals::default();
            t.add(0.5, false);
            t
        })
        .collect();
    let by_hand = good_index(&[], &[flood, others[0], others[1], others[2]]);
    let row = index_row(&a, id).await;
    assert!(
        (row.g_citizen - by_hand.citizen.g).abs() < 1e-12,
        "{row:?} vs {by_hand:?}"
    );
    assert_eq!((row.counted, row.positive, row.negative), (53, 50, 3));
    // Uncapped, the 50 would have pushed the share positive to 25 / 26.5.
    assert!(g.citizen.p_hat < 25.0 / 26.5 - 0.05);
}

/// Deliveries to one instance run in parallel, so a `Like` given after a `Read` may arrive
/// first: it counts once the older `Read` arrives. A `Like` given before the reading ended
/// stays unverified whatever arrives later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_like_that_overtook_its_read_counts_one_given_before_reading_does_not() {
    let (a, b) = (TestInstance::start().await, TestInstance::start().await);
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    b.user("carol", Role::Citizen, None).await;
    let s = shared_practice(&a, "comune-bari", "c_a662", &bob).await;
    let digest = s
        .manager
        .call(Method::GET, &format!("/api/v1/practices/{}", s.id_a), None)
        .await
        .expect("view")["content_digest"]
        .as_str()
        .expect("digest")
        .to_string();
    let body = |who: &str, kind: &str, at: &str| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}activities/{who}-{kind}", b.base),
            "type": kind, "actor": b.actor_url(who).as_str(), "object": s.ap_id,
            "contentDigest": digest, "published": at,
        })
    };
    // Bob read at 10:00 and liked at 10:05; the Like arrives first.
    send_as(&a, &b, "bob", body("bob", "Like", "2026-01-01T10:05:00Z")).await;
    // Carol liked at 10:00, before her reading ended at 10:05.
    send_as(
        &a,
        &b,
        "carol",
        body("carol", "Like", "2026-01-01T10:00:00Z"),
    )
    .await;
    index_where(&a, s.id_a, "both likes kept, unverified", |r| {
        r.unverified == 2
    })
    .await;
    send_as(&a, &b, "bob", body("bob", "Read", "2026-01-01T10:00:00Z")).await;
    send_as(
        &a,
        &b,
        "carol",
        body("carol", "Read", "2026-01-01T10:05:00Z"),
    )
    .await;
    eventually(T, "both Reads applied", || async {
        (a.count("reads").await == 2).then_some(())
    })
    .await;
    let row = index_row(&a, s.id_a).await;
    assert_eq!(
        (row.verified, row.unverified, row.counted),
        (1, 1, 1),
        "carol's like, given before her reading, stays unverified"
    );
}
