//! The practice page a reader who is not signed in gets is kept with what it was made from,
//! and answered again while a read made for the request finds all of that unchanged. Every
//! kind of change the page shows makes it again on the next request, whoever made the
//! change: this process's API, the worker of the good index, or anything else that writes
//! to the database (here: SQL straight into the tables, as a second process, a hub's
//! decision or a remote actor's `Update` would). `/metrics` counts the pages made and the
//! kept ones answered.

use std::time::Duration;

use federation_tests::{
    comments::comment,
    eventually, example_with_local_media,
    participation::{administration, endorse, index_where, read_all},
    sql,
    web_client::{self, Browser},
    TestInstance,
};
use prassi::domain::actor::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

const T: Duration = Duration::from_secs(15);

/// The page as a browser with nobody signed in gets it (in `lang`, by `Accept-Language`).
async fn page(inst: &TestInstance, path: &str, lang: Option<&str>) -> String {
    let (status, html) = web_client::page(inst, path, lang).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    html
}

/// (made, kept and answered again) so far, from `/metrics`.
async fn counts(inst: &TestInstance) -> (u64, u64) {
    let text = inst.metrics_text().await;
    let of = |event: &str| {
        let line = format!("prassi_practice_pages_total{{event=\"{event}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(&line))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {line} in {text}"))
    };
    (of("made"), of("reused"))
}

/// Asks for the page until it shows `wanted` (the good index is computed by a worker);
/// then the page was made again (at least once: a worker may also touch what it reads),
/// and the next request, with nothing changed, is answered the kept page.
async fn shows(inst: &TestInstance, path: &str, wanted: &str, change: &str) -> String {
    let (made, _) = counts(inst).await;
    let html = eventually(T, change, || async {
        let html = page(inst, path, None).await;
        html.contains(wanted).then_some(html)
    })
    .await;
    let (made_now, reused) = counts(inst).await;
    assert!(made_now > made, "{change}: the page was made again");
    assert_eq!(
        page(inst, path, None).await,
        html,
        "{change}: nothing changed since"
    );
    assert_eq!(
        counts(inst).await,
        (made_now, reused + 1),
        "{change}: the unchanged page is the kept one"
    );
    html
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_page_is_answered_until_anything_it_shows_changes() {
    let a = TestInstance::start().await;
    let manager = a.manager_of("comune-bari").await;
    let view = manager
        .publish(example_with_local_media(&manager, 0).await)
        .await;
    let id = view["id"].as_i64().expect("id");
    let path = url::Url::parse(view["ap_id"].as_str().expect("ap_id"))
        .expect("url")
        .path()
        .to_string();

    // Quiet: the first request makes the page, the next ones are answered the kept one.
    let (made, reused) = counts(&a).await;
    let first = page(&a, &path, None).await;
    for _ in 0..3 {
        assert_eq!(page(&a, &path, None).await, first);
    }
    assert_eq!(counts(&a).await, (made + 1, reused + 3));
    // Each language is its own page.
    let en = page(&a, &path, Some("en")).await;
    assert!(en.contains("<html lang=\"en\">"));
    assert_eq!(counts(&a).await, (made + 2, reused + 3));

    // A comment, posted through the API; edited; removed.
    let (_, citizen) = a.user("giulia", Role::Citizen, None).await;
    let c = comment(&citizen, id, "Prima versione del commento.", None, None).await;
    let cid = c["id"].as_i64().expect("comment id");
    shows(&a, &path, "Prima versione del commento.", "a new comment").await;
    citizen
        .call(
            Method::PATCH,
            &format!("/api/v1/comments/{cid}"),
            Some(json!({ "content": "Seconda versione, corretta." })),
        )
        .await
        .expect("edit");
    let html = shows(&a, &path, "Seconda versione, corretta.", "an edit").await;
    assert!(!html.contains("Prima versione del commento."));
    let reply = comment(&manager, id, "Risposta che resterà.", Some(cid), None).await;
    assert!(reply["id"].is_i64());
    shows(&a, &path, "Risposta che resterà.", "a reply").await;
    citizen
        .call(Method::DELETE, &format!("/api/v1/comments/{cid}"), None)
        .await
        .expect("delete");
    let html = eventually(T, "the removed comment is gone", || async {
        let html = page(&a, &path, None).await;
        (!html.contains("Seconda versione, corretta.")).then_some(html)
    })
    .await;
    assert!(html.contains("Risposta che resterà."), "the reply stays");

    // The commenter's name, and the organisation's, changed in the database by another
    // writer than this process's API.
    sql!(
        execute,
        a.store().writer(),
        "UPDATE actors SET name = 'Manager Rinominato' WHERE username = 'm-comune-bari'"
    )
    .expect("rename the commenter");
    shows(&a, &path, "Manager Rinominato", "the commenter's name").await;
    sql!(
        execute,
        a.store().writer(),
        "UPDATE actors SET name = 'Ufficio Innovazione di Bari' WHERE username = 'comune-bari'"
    )
    .expect("rename the organisation");
    shows(
        &a,
        &path,
        "Ufficio Innovazione di Bari",
        "the organisation's name",
    )
    .await;

    // The record: a new title through the API.
    manager
        .call(
            Method::PATCH,
            &format!("/api/v1/practices/{id}"),
            Some(json!({ "title": {
                "it": "Titolo rivisto della pratica",
                "en": "Revised title of the practice"
            } })),
        )
        .await
        .expect("patch");
    shows(&a, &path, "Titolo rivisto della pratica", "a new version").await;
    // The English page too.
    let en = page(&a, &path, Some("en")).await;
    assert!(en.contains("Revised title of the practice"), "{en}");

    // A recognition, as a hub's Accept writes it.
    sql!(
        execute,
        a.store().writer(),
        "INSERT INTO recognitions (offer_id, practice_id, call_ap_id, call_title, local, \
           reasons, scores, recognised_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        "http://hub.invalid/offers/1",
        id,
        "http://hub.invalid/calls/1",
        "Premio nazionale per l'innovazione",
        false,
        "Replicabile e misurata.",
        "{}",
        chrono::Utc::now()
    )
    .expect("recognise");
    shows(&a, &path, "Replicabile e misurata.", "a recognition").await;

    // A document's size, as its upload row says.
    sql!(
        execute,
        a.store().writer(),
        "UPDATE media SET size = 3 * 1048576 WHERE media_type = 'application/pdf'"
    )
    .expect("resize");
    shows(&a, &path, "(PDF, 3,0 MB)", "a document's size").await;

    // The good index, which a worker computes after a peer's endorsement.
    administration(&a, "regione-er", "r_emiro").await;
    let (_, peer) = a.user("peer", Role::Manager, Some("regione-er")).await;
    read_all(&peer, id).await;
    endorse(&peer, id, "positive").await;
    // The worker also notes when it announced the new figure, in the row the page reads:
    // one more page made, the same as the one before.
    index_where(&a, id, "the new index announced", |r| {
        r.positive == 1 && r.pending_since.is_none()
    })
    .await;
    shows(
        &a,
        &path,
        "Giudizi positivi: 1, negativi: 0",
        "an endorsement",
    )
    .await;

    // A signed-in reader's page is made for them: neither kept nor counted.
    let b = Browser::new(&a.base);
    let logged = b.log_in("peer", "a-long-password", &path).await;
    assert_eq!(logged.location(), path, "{}", logged.body);
    let counted = counts(&a).await;
    let own = b.get(&path).await;
    assert_eq!(own.status, 200);
    assert!(own.body.contains("/logout"), "the page is the peer's own");
    assert_eq!(counts(&a).await, counted);
}
