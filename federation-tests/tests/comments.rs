//! Comments across instances: the practice's instance owns the thread and announces every
//! comment it accepts to its organisation's followers; edits and deletions follow; a late
//! follower backfills the thread from `context` (refusals: `comment_refusals.rs`).

use std::time::Duration;

use federation_tests::{
    comments::{
        comment, comment_id, followed_practice, practice_id, shapes, thread, thread_becomes, Shape,
    },
    eventually, TestInstance,
};
use prassi::domain::actor::Role;
use reqwest::Method;
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(30);
const ORG: &str = "comune-bari";

fn shape(c: &Value, parent: Option<&Value>) -> Shape {
    Shape {
        ap_id: c["ap_id"].as_str().expect("ap_id").to_string(),
        parent: parent.map(|p| p["ap_id"].as_str().expect("ap_id").to_string()),
        stance: c["stance"].as_str().map(String::from),
        content: c["content"].as_str().expect("content").to_string(),
        removed: false,
    }
}

async fn status_of(url: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .get(url)
        .header("accept", "application/activity+json")
        .send()
        .await
        .expect("GET");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_comment_from_b_reaches_a_and_c_holds_the_same_thread() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    let c = TestInstance::start().await;
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    let (_, carla) = c.user("carla", Role::Citizen, None).await;
    let (_, anna) = a.user("anna", Role::Citizen, None).await;
    let (m, ap_id, on_a) = followed_practice(&a, ORG, &[&bob, &carla]).await;
    let on_b = practice_id(&bob, &ap_id, T).await;
    let on_c = practice_id(&carla, &ap_id, T).await;

    // A local comment on A reaches B and C through the organisation's Announce.
    let first = comment(&anna, on_a, "Ottimo lavoro", None, Some("positive")).await;
    assert_eq!(first["origin"], "local");
    let want = vec![shape(&first, None)];
    let seen_on_b = thread_becomes(&bob, on_b, &want, T, "B holds anna's comment").await;

    // bob on B answers it: the Create goes to A, which accepts and announces it to C.
    let parent_on_b = comment_id(&seen_on_b, first["ap_id"].as_str().expect("ap_id"))
        .expect("anna's comment on B");
    let reply = comment(
        &bob,
        on_b,
        "Non sono d'accordo sui costi",
        Some(parent_on_b),
        Some("negative"),
    )
    .await;
    assert!(
        reply["ap_id"]
            .as_str()
            .expect("ap_id")
            .starts_with(b.base.as_str()),
        "{reply}"
    );
    let want = vec![shape(&first, None), shape(&reply, Some(&first))];
    let on_a_thread = thread_becomes(&anna, on_a, &want, T, "A accepts bob's reply").await;
    let on_c_thread = thread_becomes(&carla, on_c, &want, T, "C holds the whole thread").await;
    assert_eq!(shapes(&on_a_thread), shapes(&on_c_thread));
    let bobs = &on_a_thread[0]["replies"][0];
    assert_eq!(bobs["origin"], b.config.domain(), "{bobs}");
    assert_eq!(
        bobs["author"]["handle"],
        format!("bob@{}", b.config.domain())
    );
    // The owner's Announce coming back to B does not duplicate bob's comment there.
    let seen_on_b = thread_becomes(&bob, on_b, &want, T, "B's thread, no duplicate").await;
    assert_eq!(shapes(&seen_on_b).len(), 2, "{seen_on_b}");

    // The Note carries its thread, its stance and its replies; the practice carries its thread.
    let note = a.get_ap(first["ap_id"].as_str().expect("ap_id")).await;
    assert_eq!(note["type"], "Note");
    assert_eq!(note["stance"], "positive");
    assert_eq!(note["context"], format!("{ap_id}/context"));
    assert_eq!(note["replies"]["totalItems"], 1, "{note}");
    assert_eq!(
        note["replies"]["first"]["orderedItems"][0], reply["ap_id"],
        "{note}"
    );
    let article = a.get_ap(&ap_id).await;
    assert_eq!(article["context"], format!("{ap_id}/context"));
    assert_eq!(article["replies"]["totalItems"], 1, "{article}");
    let page = a.get_ap(&format!("{ap_id}/context?page=1")).await;
    assert_eq!(page["totalItems"], 2, "{page}");

    // bob edits his reply: A and C follow.
    let reply_on_b = reply["id"].as_i64().expect("id");
    let edited = bob
        .call(
            Method::PATCH,
            &format!("/api/v1/comments/{reply_on_b}"),
            Some(json!({"content": "Sui costi ho cambiato idea", "stance": "neutral"})),
        )
        .await
        .expect("edit");
    assert!(edited["edited"].is_string(), "{edited}");
    let want = vec![shape(&first, None), shape(&edited, Some(&first))];
    let t = thread_becomes(&anna, on_a, &want, T, "A shows the edit").await;
    assert!(t[0]["replies"][0]["edited"].is_string(), "{t}");
    thread_becomes(&carla, on_c, &want, T, "C shows the edit").await;

    // Someone else may not edit or delete it.
    let (_, eve) = b.user("eve", Role::Citizen, None).await;
    let e = eve
        .call(
            Method::PATCH,
            &format!("/api/v1/comments/{reply_on_b}"),
            Some(json!({"content": "x"})),
        )
        .await
        .expect_err("not the author");
    assert_eq!(e.status, 403, "{}", e.body);
    let e = eve
        .call(
            Method::DELETE,
            &format!("/api/v1/comments/{reply_on_b}"),
            None,
        )
        .await
        .expect_err("not the author");
    assert_eq!(e.status, 403, "{}", e.body);

    // bob deletes it: its URL answers 410 with a Tombstone, and A and C drop it.
    bob.call(
        Method::DELETE,
        &format!("/api/v1/comments/{reply_on_b}"),
        None,
    )
    .await
    .expect("delete");
    let (status, body) = status_of(reply["ap_id"].as_str().expect("ap_id")).await;
    assert_eq!(status, 410, "{body}");
    assert_eq!(body["type"], "Tombstone");
    let want = vec![shape(&first, None)];
    thread_becomes(&anna, on_a, &want, T, "A drops the deleted reply").await;
    thread_becomes(&carla, on_c, &want, T, "C drops the deleted reply").await;

    // anna edits hers: besides the organisation's Announce, her own Update goes to its
    // followers (Mastodon takes an edit only from the author), and C applies it.
    let first_on_a = first["id"].as_i64().expect("id");
    let first = anna
        .call(
            Method::PATCH,
            &format!("/api/v1/comments/{first_on_a}"),
            Some(json!({"content": "Ottimo lavoro, davvero"})),
        )
        .await
        .expect("edit");
    thread_becomes(
        &carla,
        on_c,
        &[shape(&first, None)],
        T,
        "C shows anna's edit",
    )
    .await;
    let anna_actor = a.actor_url("anna").to_string();
    let store = c.store();
    eventually(T, "C received and applied anna's Update", || async {
        let n: (i64,) = federation_tests::sql!(
            fetch_one,
            store.writer(),
            (i64,),
            "SELECT COUNT(*) FROM inbox_activities WHERE kind = 'Update' AND actor = $1 AND state = 'applied'",
            anna_actor.clone()
        )
        .expect("db");
        (n.0 == 1).then_some(())
    })
    .await;

    // The organisation's manager removes a comment of bob's from its thread: it goes on A,
    // on C, and on B too (B's copy of the thread is the owner's).
    let spam = comment(&bob, on_b, "Compra ora", None, None).await;
    let want = vec![shape(&first, None), shape(&spam, None)];
    let t = thread_becomes(&anna, on_a, &want, T, "A accepts the spam").await;
    thread_becomes(&carla, on_c, &want, T, "C holds the spam").await;
    let spam_on_a = comment_id(&t, spam["ap_id"].as_str().expect("ap_id")).expect("on A");
    m.call(
        Method::DELETE,
        &format!("/api/v1/comments/{spam_on_a}"),
        None,
    )
    .await
    .expect("moderate");
    let want = vec![shape(&first, None)];
    thread_becomes(&anna, on_a, &want, T, "A drops the moderated comment").await;
    thread_becomes(&carla, on_c, &want, T, "C drops the moderated comment").await;
    thread_becomes(&bob, on_b, &want, T, "B drops the moderated comment").await;

    // The organisation's manager moderates its thread: anna's comment goes, on A and on C.
    m.call(
        Method::DELETE,
        &format!("/api/v1/comments/{first_on_a}"),
        None,
    )
    .await
    .expect("moderate");
    let (status, body) = status_of(first["ap_id"].as_str().expect("ap_id")).await;
    assert_eq!(status, 410, "{body}");
    thread_becomes(&anna, on_a, &[], T, "A's thread is empty").await;
    thread_becomes(&carla, on_c, &[], T, "C's thread is empty").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_follower_backfills_the_thread_from_context() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    let c = TestInstance::start().await;
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    let (_, anna) = a.user("anna", Role::Citizen, None).await;
    let (_, ap_id, on_a) = followed_practice(&a, ORG, &[&bob]).await;
    let on_b = practice_id(&bob, &ap_id, T).await;

    // A thread of a local comment, a remote reply to it and a local reply to that.
    let first = comment(&anna, on_a, "Prima", None, Some("positive")).await;
    let want = vec![shape(&first, None)];
    let seen = thread_becomes(&bob, on_b, &want, T, "B holds anna's comment").await;
    let parent = comment_id(&seen, first["ap_id"].as_str().expect("ap_id")).expect("on B");
    let reply = comment(&bob, on_b, "Seconda", Some(parent), None).await;
    let want = vec![shape(&first, None), shape(&reply, Some(&first))];
    let t = thread_becomes(&anna, on_a, &want, T, "A accepts bob's reply").await;
    let reply_on_a = comment_id(&t, reply["ap_id"].as_str().expect("ap_id")).expect("on A");
    let third = comment(&anna, on_a, "Terza", Some(reply_on_a), Some("neutral")).await;
    let want = vec![
        shape(&first, None),
        shape(&reply, Some(&first)),
        shape(&third, Some(&reply)),
    ];
    thread_becomes(&anna, on_a, &want, T, "A's thread").await;

    // C arrives after all of it: looking the practice up stores it and reads its thread.
    let (_, carla) = c.user("carla", Role::Citizen, None).await;
    let resolved = carla
        .call(Method::GET, &format!("/api/v1/resolve?uri={ap_id}"), None)
        .await
        .expect("resolve");
    let on_c = resolved["practice"]["id"].as_i64().expect("id");
    let t = thread_becomes(&carla, on_c, &want, T, "C backfilled the thread").await;
    assert_eq!(t[0]["replies"][0]["origin"], b.config.domain(), "{t}");

    // Reading it again stores nothing twice.
    let before = c.count("comments").await;
    let store = c.fed.to_request_data();
    let row = prassi::db::practices::by_id(&store.db, on_c)
        .await
        .expect("db")
        .expect("practice");
    let thread_url = url::Url::parse(&format!("{ap_id}/context")).expect("url");
    prassi::federation::objects::thread::backfill(&store, &row, &thread_url)
        .await
        .expect("backfill again");
    assert_eq!(c.count("comments").await, before);
    assert_eq!(before, 3);

    // Deleting a comment that has replies leaves it as removed, here and on B.
    let first_on_a = first["id"].as_i64().expect("id");
    anna.call(
        Method::DELETE,
        &format!("/api/v1/comments/{first_on_a}"),
        None,
    )
    .await
    .expect("delete");
    let mut removed = shape(&first, None);
    removed.removed = true;
    removed.content = String::new();
    removed.stance = None;
    let want = vec![
        removed,
        shape(&reply, Some(&first)),
        shape(&third, Some(&reply)),
    ];
    thread_becomes(
        &anna,
        on_a,
        &want,
        T,
        "A shows the deleted parent as removed",
    )
    .await;
    thread_becomes(
        &bob,
        on_b,
        &want,
        T,
        "B shows the deleted parent as removed",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follower_that_missed_comments_backfills_when_a_reply_to_one_arrives() {
    let a = TestInstance::start().await;
    let c = TestInstance::start().await;
    let (_, carla) = c.user("carla", Role::Citizen, None).await;
    let (_, anna) = a.user("anna", Role::Citizen, None).await;
    let (_, ap_id, on_a) = followed_practice(&a, ORG, &[&carla]).await;
    let on_c = practice_id(&carla, &ap_id, T).await;
    let first = comment(&anna, on_a, "Prima", None, None).await;
    let other = comment(&anna, on_a, "Altra", None, Some("negative")).await;
    let want = vec![shape(&first, None), shape(&other, None)];
    thread_becomes(&carla, on_c, &want, T, "C holds both comments").await;

    // C loses both (as if their announces never came), then a reply to the first arrives:
    // C reads the thread again and holds all of it, the unrelated comment too.
    let store = c.store();
    for id in [&first["ap_id"], &other["ap_id"]] {
        federation_tests::sql!(
            execute,
            store.writer(),
            "DELETE FROM comments WHERE ap_id = $1",
            id.as_str().expect("ap_id").to_string()
        )
        .expect("delete");
    }
    assert!(thread(&carla, on_c)
        .await
        .as_array()
        .expect("thread")
        .is_empty());
    let reply = comment(&anna, on_a, "Risposta", first["id"].as_i64(), None).await;
    let want = vec![
        shape(&first, None),
        shape(&other, None),
        shape(&reply, Some(&first)),
    ];
    thread_becomes(&carla, on_c, &want, T, "C backfilled what it missed").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_thread_of_remote_comments_is_backfilled_across_pages() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    let c = TestInstance::start().await;
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    let (_, anna) = a.user("anna", Role::Citizen, None).await;
    let (_, ap_id, on_a) = followed_practice(&a, ORG, &[&bob]).await;
    let on_b = practice_id(&bob, &ap_id, T).await;

    // More comments than a page of the thread holds, and than one fetch budget allows, each
    // from B: C must fetch every one from B.
    let mut want = Vec::new();
    for n in 0..25 {
        let c = comment(&bob, on_b, &format!("Commento {n}"), None, None).await;
        want.push(shape(&c, None));
    }
    thread_becomes(&anna, on_a, &want, T, "A accepts all of bob's comments").await;
    let page = a.get_ap(&format!("{ap_id}/context")).await;
    assert_eq!(page["totalItems"], 25, "{page}");

    let (_, carla) = c.user("carla", Role::Citizen, None).await;
    let resolved = carla
        .call(Method::GET, &format!("/api/v1/resolve?uri={ap_id}"), None)
        .await
        .expect("resolve");
    let on_c = resolved["practice"]["id"].as_i64().expect("id");
    thread_becomes(&carla, on_c, &want, T, "C backfilled both pages").await;
}
