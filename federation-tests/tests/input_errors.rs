//! Bad input is refused in the JSON error shape with every bad field or parameter named at
//! once; a body that is not a JSON object changes nothing; a browser gets a page for a 404.

use federation_tests::{ApiClient, TestInstance};
use prassi::domain::actor::Role;
use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

async fn manager(inst: &TestInstance) -> ApiClient {
    inst.organization("comune-bari", "Comune di Bari").await;
    inst.user("mara", Role::Manager, Some("comune-bari"))
        .await
        .1
}

fn field_names(body: &Value) -> Vec<String> {
    body["fields"]
        .as_object()
        .unwrap_or_else(|| panic!("no fields in {body}"))
        .keys()
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_field_of_a_practice_is_named_at_once() {
    let inst = TestInstance::start().await;
    let m = manager(&inst).await;
    let body =
        json!({"language": "it", "stage": "bogus", "sectors": ["99"], "place": {"country": "ZZ"}});
    let e = m
        .call(Method::POST, "/api/v1/practices", Some(body))
        .await
        .expect_err("invalid");
    assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", e.body);
    assert_eq!(e.body["error"], "invalid");
    assert_eq!(
        field_names(&e.body),
        ["place.country", "sectors[0]", "stage"],
        "{}",
        e.body
    );
    // Vocabulary errors come with the rules' own findings.
    let e = m
        .call(
            Method::POST,
            "/api/v1/practices",
            Some(json!({"stage": "bogus", "summary": {"it": "x".repeat(501)}})),
        )
        .await
        .expect_err("invalid");
    assert_eq!(field_names(&e.body), ["stage", "summary.it"], "{}", e.body);
    // A value of the wrong shape is described, not named by its Rust type.
    let e = m
        .call(
            Method::POST,
            "/api/v1/practices",
            Some(json!({"place": 1, "budget": "lots"})),
        )
        .await
        .expect_err("invalid");
    assert_eq!(field_names(&e.body), ["budget", "place"], "{}", e.body);
    let text = e.body.to_string();
    assert!(
        !text.contains("struct") && !text.contains("Place"),
        "{text}"
    );
    assert!(text.contains("an object"), "{text}");
    assert_eq!(inst.count("practices").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_is_not_an_object_changes_nothing() {
    let inst = TestInstance::start().await;
    let m = manager(&inst).await;
    let draft = m
        .draft(json!({"language": "it", "title": {"it": "Bilancio partecipativo"}, "stage": "implementing"}))
        .await;
    let path = format!("/api/v1/practices/{}", draft["id"]);
    for not_an_object in [
        json!([]),
        json!("x"),
        json!(3),
        json!(null),
        json!([{"stage": "evaluating"}]),
    ] {
        let e = m
            .call(Method::PATCH, &path, Some(not_an_object.clone()))
            .await
            .expect_err("refused");
        assert_eq!(
            e.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{not_an_object}: {}",
            e.body
        );
        assert_eq!(field_names(&e.body), ["record"], "{}", e.body);
        let e = m
            .call(
                Method::POST,
                "/api/v1/practices",
                Some(not_an_object.clone()),
            )
            .await
            .expect_err("refused");
        assert_eq!(
            e.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{not_an_object}: {}",
            e.body
        );
        assert_eq!(field_names(&e.body), ["record"], "{}", e.body);
    }
    let now = m.call(Method::GET, &path, None).await.expect("draft");
    assert_eq!(now["record"], draft["record"]);
    assert_eq!(now["updated_at"], draft["updated_at"]);
    assert_eq!(inst.count("practices").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_query_parameters_are_named_in_json() {
    let inst = TestInstance::start().await;
    let http = reqwest::Client::new();
    for (path, named) in [("/actors/root/followers?page=first", vec!["page"])] {
        let res = http
            .get(inst.base.join(path).expect("url"))
            .send()
            .await
            .expect("GET");
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{path}");
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["error"], "invalid_parameters", "{body}");
        assert_eq!(field_names(&body), named, "{path}: {body}");
    }
    for (query, named) in [
        ("local=maybe&page=x", vec!["local", "page"]),
        ("sector=99&stage=nope", vec!["sector", "stage"]),
        (
            "sector=07&stage=nope&per_page=many",
            vec!["per_page", "stage"],
        ),
        (
            "organization=nobody-here&stage=nope",
            vec!["organization", "stage"],
        ),
    ] {
        let res = http
            .get(
                inst.base
                    .join(&format!("/api/v1/practices?{query}"))
                    .expect("url"),
            )
            .send()
            .await
            .expect("GET");
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{query}");
        assert!(
            res.headers()[header::CONTENT_TYPE]
                .to_str()
                .expect("type")
                .starts_with("application/json"),
            "{query}"
        );
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["error"], "invalid_parameters", "{body}");
        assert_eq!(field_names(&body), named, "{query}: {body}");
    }
    // Good filters still answer.
    let res = http
        .get(
            inst.base
                .join("/api/v1/practices?sector=07&stage=implementing&local=true")
                .expect("url"),
        )
        .send()
        .await
        .expect("GET");
    assert_eq!(res.status(), StatusCode::OK);
    // Other routes' queries too, and a missing required parameter is named.
    let e = inst
        .admin
        .call(Method::GET, "/api/v1/resolve", None)
        .await
        .expect_err("no uri");
    assert_eq!(e.status, StatusCode::BAD_REQUEST, "{}", e.body);
    assert_eq!(field_names(&e.body), ["uri"], "{}", e.body);
    let e = inst
        .admin
        .call(
            Method::POST,
            "/api/v1/admin/federation/drain?timeout_ms=soon",
            None,
        )
        .await
        .expect_err("bad timeout");
    assert_eq!(field_names(&e.body), ["timeout_ms"], "{}", e.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_gets_a_page_for_what_is_not_here() {
    let inst = TestInstance::start().await;
    let http = reqwest::Client::new();
    for path in [
        "/nowhere",
        "/practices/no-such-practice",
        "/practices/999",
        "/actors/nobody",
    ] {
        let res = http
            .get(inst.base.join(path).expect("url"))
            .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
            .send()
            .await
            .expect("GET");
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(
            res.headers()[header::CONTENT_TYPE]
                .to_str()
                .expect("type")
                .starts_with("text/html"),
            "{path}"
        );
        assert!(
            res.headers().contains_key(header::CONTENT_SECURITY_POLICY),
            "{path}"
        );
        let page = res.text().await.expect("body");
        // Italian by default, English for who asks for it.
        assert!(
            page.contains("<h1>Pagina non trovata</h1>"),
            "{path}: {page}"
        );
        let page = http
            .get(inst.base.join(path).expect("url"))
            .header(header::ACCEPT, "text/html")
            .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9")
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("body");
        assert!(page.contains("<h1>Page not found</h1>"), "{path}: {page}");
        // Scripts and peers still get the JSON error shape.
        let res = http
            .get(inst.base.join(path).expect("url"))
            .send()
            .await
            .expect("GET");
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["error"], "not_found", "{path}");
    }
    // The API answers JSON even to a browser.
    let res = http
        .get(inst.base.join("/api/v1/nothing").expect("url"))
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .expect("GET");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["error"], "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_path_parameter_is_named_in_json() {
    let inst = TestInstance::start().await;
    for (method, path) in [
        (Method::GET, "/api/v1/practices/abc"),
        (Method::PATCH, "/api/v1/practices/1x"),
        (Method::POST, "/api/v1/practices/abc/publish"),
        (Method::GET, "/api/v1/media/abc"),
        (Method::DELETE, "/api/v1/follows/abc"),
        (Method::DELETE, "/api/v1/auth/tokens/abc"),
    ] {
        let e = inst
            .admin
            .call(method.clone(), path, Some(json!({})))
            .await
            .expect_err("bad id");
        assert_eq!(
            e.status,
            StatusCode::BAD_REQUEST,
            "{method} {path}: {}",
            e.body
        );
        assert_eq!(e.body["error"], "invalid_parameters", "{path}: {}", e.body);
        assert_eq!(field_names(&e.body), ["id"], "{path}: {}", e.body);
        let message = e.body["fields"]["id"].as_str().expect("message");
        assert!(!message.contains("i64"), "no Rust type names: {message}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_method_the_api_does_not_have_is_refused_in_json() {
    let inst = TestInstance::start().await;
    let res = reqwest::Client::new()
        .put(inst.base.join("/api/v1/practices").expect("url"))
        .send()
        .await
        .expect("PUT");
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = res.headers()[header::ALLOW]
        .to_str()
        .expect("allow")
        .to_string();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["error"], "method_not_allowed", "{body}");
}
