//! What the inbox refuses and what it tells the sender: a key on another host than the
//! activity's actor is never fetched, a key whose owner could not be fetched is not fetched
//! again at once, a refusal quotes nothing it fetched, and a body must be UTF-8.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::SystemTime,
};

use axum::{http::header, routing::get, Router};
use federation_tests::{post_signed, TestInstance};
use prassi::{
    crypto::{generate_keypair, Signer},
    domain::actor::Role,
    federation::signatures::sign_post,
};
use serde_json::{json, Value};
use url::Url;

/// What the stand-in server answers to every GET: something that is not an actor, with a
/// value a refusal must never repeat.
const SECRET: &str = "internal-document-4711";

/// A server on loopback that answers every GET with a JSON document (not an actor) and
/// counts the GETs.
async fn document_server() -> (Url, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = Router::new().route(
        "/{*path}",
        get(move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                (
                    [(header::CONTENT_TYPE, "application/activity+json")],
                    json!({"id": "nothing", "type": "Note", "secret": SECRET}).to_string(),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (
        Url::parse(&format!("http://localhost:{port}/")).expect("url"),
        hits,
    )
}

/// POSTs `activity` to `inbox`, signed with a fresh key named `key_id`; status and body.
async fn post_with_key(inbox: &Url, key_id: &str, activity: &Value) -> (u16, String) {
    let keys = generate_keypair().expect("keys");
    let signer = Signer::from_pem(&keys.private_pem).expect("signer");
    let body = serde_json::to_vec(activity).expect("json");
    let headers = sign_post(&signer, key_id, inbox, &body, SystemTime::now()).expect("sign");
    let mut req = reqwest::Client::new()
        .post(inbox.clone())
        .header("content-type", "application/activity+json");
    for (k, v) in headers {
        if k != "host" {
            req = req.header(k, v);
        }
    }
    let resp = req.body(body).send().await.expect("post");
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap_or_default())
}

fn create_by(actor: &Url, n: u32) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": actor.join(&format!("/activities/{n}")).expect("url").as_str(),
        "type": "Create",
        "actor": actor.as_str(),
        "object": {"id": actor.join(&format!("/notes/{n}")).expect("url").as_str(), "type": "Note"},
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_fetched_only_from_the_actors_host_once_and_refusals_quote_nothing() {
    let b = TestInstance::start().await;
    let inbox = b.base.join("inbox").expect("url");
    let (elsewhere, hits) = document_server().await;
    let before = b.count("inbox_activities").await;

    // The key names another host than the activity's actor: neither host is asked.
    let (actor_host, actor_hits) = document_server().await;
    let actor = actor_host.join("/actors/someone").expect("url");
    let key = elsewhere.join("/internal/secret#main-key").expect("url");
    let (status, body) = post_with_key(&inbox, key.as_str(), &create_by(&actor, 1)).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the key's host was not asked"
    );
    assert_eq!(
        actor_hits.load(Ordering::SeqCst),
        0,
        "the actor's host was not asked"
    );

    // Key and actor on the same host: the actor is fetched once, is not an actor, and the
    // refusal is generic.
    let actor = elsewhere.join("/internal/secret").expect("url");
    let (status, body) = post_with_key(&inbox, key.as_str(), &create_by(&actor, 2)).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(hits.load(Ordering::SeqCst), 1, "fetched once");
    let e: Value = serde_json::from_str(&body).expect("a JSON error");
    assert_eq!(e["error"], "unauthorized", "{e}");
    let message = e["message"].as_str().expect("message");
    for leak in [SECRET, "content", "parse", elsewhere.as_str(), "internal"] {
        assert!(!message.contains(leak), "{leak:?} in {message:?}");
    }

    // The same key again, at once: refused without another fetch.
    let (status, _) = post_with_key(&inbox, key.as_str(), &create_by(&actor, 3)).await;
    assert_eq!(status, 401);
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "a failing key is not fetched again at once"
    );
    // Nor with other key ids for the same actor: what would be fetched is what counts.
    for fragment in ["#other-key", "#k2", ""] {
        let key = format!("{actor}{fragment}");
        let (status, _) = post_with_key(&inbox, &key, &create_by(&actor, 4)).await;
        assert_eq!(status, 401);
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "varying the key id does not make us fetch again"
    );
    assert_eq!(b.count("inbox_activities").await, before, "nothing stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_body_that_is_not_utf8_is_refused_and_not_stored() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    a.user("sender", Role::Citizen, None).await;
    let actor = a.actor_url("sender");
    let inbox = format!("{}inbox", b.base);
    // Valid JSON around a Latin-1 byte in a field nobody reads at the door.
    let mut body = serde_json::to_vec(&create_by(&actor, 1)).expect("json");
    body.truncate(body.len() - 1);
    body.extend_from_slice(b",\"summary\":\"caf\xe9\"}");
    let before = b.count("inbox_activities").await;
    let s = post_signed(&a, "sender", &inbox, &body, |_, _| {}, SystemTime::now()).await;
    assert_eq!(s, 400);
    assert_eq!(b.count("inbox_activities").await, before, "nothing stored");

    // The same activity in UTF-8 is accepted.
    let body = serde_json::to_vec(&create_by(&actor, 2)).expect("json");
    let s = post_signed(&a, "sender", &inbox, &body, |_, _| {}, SystemTime::now()).await;
    assert_eq!(s, 202);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_cannot_make_us_fetch_what_it_shares_or_names() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    a.user("stranger", Role::Citizen, None).await;
    let actor = a.actor_url("stranger");
    let (elsewhere, hits) = document_server().await;
    let inbox = format!("{}inbox", b.base);
    let object = elsewhere.join("/internal/admin").expect("url");
    for (n, kind) in [(1, "Announce"), (2, "Create")] {
        let activity = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": actor.join(&format!("/activities/share-{n}")).expect("url").as_str(),
            "type": kind,
            "actor": actor.as_str(),
            "object": object.as_str(),
        });
        let body = serde_json::to_vec(&activity).expect("json");
        let status = post_signed(&a, "stranger", &inbox, &body, |_, _| {}, SystemTime::now()).await;
        assert_eq!(status.as_u16(), 202, "{kind}");
    }
    let store = b.store();
    let fates = federation_tests::eventually(
        std::time::Duration::from_secs(10),
        "both activities refused",
        || async {
            let rows: Vec<(String, Option<String>)> = federation_tests::sql!(
                fetch_all,
                store.writer(),
                (String, Option<String>),
                "SELECT state, last_error FROM inbox_activities WHERE kind IN ('Announce', 'Create') ORDER BY id"
            )
            .expect("db");
            (rows.len() == 2 && rows.iter().all(|(s, _)| s == "failed")).then_some(rows)
        },
    )
    .await;
    for (_, error) in fates {
        let error = error.unwrap_or_default();
        assert!(error.contains("was not fetched"), "{error}");
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing was fetched");
}
