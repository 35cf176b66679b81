//! Comments refused: remote HTML is sanitised and replies to things not held here are
//! refused with why; the API refuses bad input with nothing stored.

use std::time::{Duration, SystemTime};

use federation_tests::{
    comments::{comment, followed_practice, org_inbox, refusals, thread},
    eventually, example, post_signed, ApiClient, TestInstance,
};
use prassi::domain::actor::Role;
use reqwest::Method;
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(30);
const ORG: &str = "comune-bari";

/// A `Create(Note)` by `b`'s `bob`, signed, to A's organisation inbox.
async fn send_note(b: &TestInstance, a: &TestInstance, n: u32, in_reply_to: &str, content: &str) {
    let actor = b.actor_url("bob");
    let note_id = format!("{}/notes/{n}", b.base.as_str().trim_end_matches('/'));
    let activity = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{note_id}/activity"),
        "type": "Create",
        "actor": actor.as_str(),
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [a.actor_url(ORG).as_str()],
        "object": {
            "id": note_id,
            "type": "Note",
            "attributedTo": actor.as_str(),
            "inReplyTo": in_reply_to,
            "content": content,
            "published": "2025-03-01T10:00:00Z",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [a.actor_url(ORG).as_str()],
            "tag": [{"type": "Mention", "href": a.actor_url(ORG).as_str(), "name": format!("@{ORG}@{}", a.config.domain())}],
        }
    });
    let body = serde_json::to_vec(&activity).expect("json");
    let status = post_signed(
        b,
        "bob",
        &org_inbox(a, ORG),
        &body,
        |_, _| {},
        SystemTime::now(),
    )
    .await;
    assert_eq!(status.as_u16(), 202);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_html_is_sanitised_and_replies_to_unknown_things_are_refused() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    let (_, anna) = a.user("anna", Role::Citizen, None).await;
    let (_, ap_id, on_a) = followed_practice(&a, ORG, &[&bob]).await;

    send_note(
        &b,
        &a,
        1,
        &ap_id,
        "<p onclick=\"steal()\">Bella <strong>idea</strong></p><script>alert(1)</script>",
    )
    .await;
    let t = eventually(T, "A stores the remote reply", || async {
        let t = thread(&anna, on_a).await;
        (t.as_array()?.len() == 1).then_some(t)
    })
    .await;
    let content = t[0]["content"].as_str().expect("content");
    assert_eq!(content, "<p>Bella <strong>idea</strong></p>", "{t}");

    // A reply to something A does not hold, and a reply to nothing, are refused with why.
    send_note(&b, &a, 2, "https://nowhere.invalid/notes/1", "<p>?</p>").await;
    let missing = format!("{ap_id}-missing");
    send_note(&b, &a, 3, &missing, "<p>?</p>").await;
    let errors = eventually(T, "both refusals logged", || async {
        let e = refusals(&a, "Create").await;
        (e.len() == 2).then_some(e)
    })
    .await;
    for e in &errors {
        assert!(e.contains("neither a practice held here"), "{e}");
    }
    assert_eq!(a.count("comments").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_refuses_bad_comments_and_stores_nothing() {
    let a = TestInstance::start().await;
    let (_, anna) = a.user("anna", Role::Citizen, None).await;
    let (_, other, on_a) = followed_practice(&a, ORG, &[]).await;
    let _ = other;
    let m = a.user("m2", Role::Manager, Some(ORG)).await.1;
    let second = m.publish(example(1)).await["id"].as_i64().expect("id");
    let elsewhere = comment(&anna, second, "Su un'altra pratica", None, None).await;
    let before = a.count("comments").await;

    let post = |body: Value, id: i64| {
        let anna = &anna;
        async move {
            anna.call(
                Method::POST,
                &format!("/api/v1/practices/{id}/comments"),
                Some(body),
            )
            .await
            .expect_err("refused")
        }
    };
    let e = post(json!({"content": "<p> </p>"}), on_a).await;
    assert_eq!(e.status, 400, "{}", e.body);
    assert!(
        e.body["message"]
            .as_str()
            .expect("message")
            .contains("text"),
        "{}",
        e.body
    );
    let e = post(json!({"content": "x".repeat(10_001)}), on_a).await;
    assert_eq!(e.status, 400, "{}", e.body);
    assert!(
        e.body["message"]
            .as_str()
            .expect("message")
            .contains("10000"),
        "{}",
        e.body
    );
    let e = post(json!({"content": "ok", "stance": "maybe"}), on_a).await;
    assert_eq!(e.status, 400, "{}", e.body);
    assert!(
        e.body["message"]
            .as_str()
            .expect("message")
            .contains("stance"),
        "{}",
        e.body
    );
    let e = post(
        json!({"content": "ok", "in_reply_to": elsewhere["id"]}),
        on_a,
    )
    .await;
    assert_eq!(e.status, 400, "{}", e.body);
    assert!(
        e.body["message"]
            .as_str()
            .expect("message")
            .contains("in_reply_to"),
        "{}",
        e.body
    );
    let e = post(json!({"content": "ok", "colour": "red"}), on_a).await;
    assert_eq!(e.status, 400, "{}", e.body);
    let e = post(json!({"content": "ok"}), 999_999).await;
    assert_eq!(e.status, 404, "{}", e.body);
    let e = anna
        .call(
            Method::PATCH,
            "/api/v1/comments/999999",
            Some(json!({"content": "x"})),
        )
        .await
        .expect_err("unknown");
    assert_eq!(e.status, 404, "{}", e.body);
    let e = ApiClient::new(a.base.clone(), None)
        .call(
            Method::POST,
            &format!("/api/v1/practices/{on_a}/comments"),
            Some(json!({"content": "anonimo"})),
        )
        .await
        .expect_err("no token");
    assert_eq!(e.status, 401, "{}", e.body);
    assert_eq!(a.count("comments").await, before, "nothing stored");

    // A manager of another organisation may not moderate this thread; an edit needs a change.
    let (_, citizen) = a.user("cittadino", Role::Citizen, None).await;
    let mine = comment(&citizen, on_a, "Mio", None, None).await;
    let mine_id = mine["id"].as_i64().expect("id");
    let outsider = a.manager_of("comune-lecce").await;
    let e = outsider
        .call(Method::DELETE, &format!("/api/v1/comments/{mine_id}"), None)
        .await
        .expect_err("other organisation");
    assert_eq!(e.status, 403, "{}", e.body);
    let e = citizen
        .call(
            Method::PATCH,
            &format!("/api/v1/comments/{mine_id}"),
            Some(json!({})),
        )
        .await
        .expect_err("nothing to change");
    assert_eq!(e.status, 400, "{}", e.body);
    // Plain text becomes paragraphs; HTML typed in is sanitised.
    let t = thread(&anna, on_a).await;
    assert_eq!(t[0]["content"], "<p>Mio</p>", "{t}");
}
