//! Actor and practice documents as peers fetch them: rendered once per version, answered with
//! an `ETag` and `Vary: Accept`, 304 to `If-None-Match`, and never stale, not even when another
//! process on the same database changed the practice.

use federation_tests::{ApiClient, TestInstance};
use prassi::domain::{actor::Role, practice_examples};
use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

const AP: &str = "application/activity+json";

/// GET `url` as a peer does, with `If-None-Match` when given: (status, ETag, Vary, body).
async fn fetch(url: &str, if_none_match: Option<&str>) -> (StatusCode, String, String, String) {
    let mut req = reqwest::Client::new().get(url).header(header::ACCEPT, AP);
    if let Some(tag) = if_none_match {
        req = req.header(header::IF_NONE_MATCH, tag);
    }
    let resp = req.send().await.expect("GET");
    let h = |n: header::HeaderName| {
        resp.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (status, etag, vary) = (resp.status(), h(header::ETAG), h(header::VARY));
    (status, etag, vary, resp.text().await.expect("body"))
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_actor_document_has_an_etag_and_answers_304() {
    let a = TestInstance::start().await;
    let url = a.organization("comune-bari", "Comune di Bari").await;
    let (status, etag, vary, body) = fetch(url.as_str(), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(etag.starts_with('"') && etag.len() > 10, "ETag: {etag}");
    assert_eq!(vary, "Accept");
    assert_eq!(json_of(&body)["id"], url.as_str());

    let (status, again, _, body) = fetch(url.as_str(), Some(&etag)).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(again, etag);
    assert!(body.is_empty());
    // A tag of something else gets the document.
    let (status, _, _, body) = fetch(url.as_str(), Some("\"other\"")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json_of(&body)["id"], url.as_str());
    // The page at the same URL is not the document.
    let page = reqwest::Client::new()
        .get(url.as_str())
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .expect("GET");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.expect("page").contains("Comune di Bari"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_practice_document_follows_its_versions_across_processes() {
    let a = TestInstance::start().await;
    a.organization("comune-bari", "Comune di Bari").await;
    let (_, m) = a.user("m-bari", Role::Manager, Some("comune-bari")).await;
    let record = serde_json::to_value(&practice_examples::all()[0]).expect("json");
    let p = m.publish(record).await;
    let id = p["id"].as_i64().expect("id");
    let url = p["ap_id"].as_str().expect("ap_id").to_string();

    let (status, v1, _, body) = fetch(&url, None).await;
    assert_eq!(status, StatusCode::OK);
    let first = json_of(&body);
    assert_eq!(first["type"], "Article");
    assert_eq!(fetch(&url, Some(&v1)).await.0, StatusCode::NOT_MODIFIED);

    // Another process of the instance edits it; this one serves the new version at once.
    let second = a.second_process().await;
    let token = m.token().expect("token").to_string();
    let m2 = ApiClient::new(second.base.clone(), Some(token));
    m2.call(
        Method::PATCH,
        &format!("/api/v1/practices/{id}"),
        Some(json!({"title": {"it": "Titolo cambiato altrove"}})),
    )
    .await
    .expect("patch");
    let (status, v2, _, body) = fetch(&url, Some(&v1)).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the old tag is not the current version"
    );
    assert_ne!(v2, v1);
    assert_eq!(json_of(&body)["name"], "Titolo cambiato altrove");
    assert_eq!(fetch(&url, Some(&v2)).await.0, StatusCode::NOT_MODIFIED);

    // Deleted: a tombstone with 410, never 304 to the tag of the live version.
    m.call(Method::DELETE, &format!("/api/v1/practices/{id}"), None)
        .await
        .expect("delete");
    let (status, _, _, body) = fetch(&url, Some(&v2)).await;
    assert_eq!(status, StatusCode::GONE);
    let t = json_of(&body);
    assert_eq!(t["type"], "Tombstone");
    assert_eq!(t["formerType"], "Article");
    assert!(t["deleted"].is_string());
}
