//! Security headers: pages carry a Content-Security-Policy that allows no inline code and no
//! framing, and load their look from a served stylesheet; every response says `nosniff` and
//! keeps its address from other sites.

use federation_tests::{ApiClient, TestInstance};
use prassi::domain::{actor::Role, practice_examples};
use reqwest::{header, StatusCode};

/// GETs `path` as a browser would; returns the status, headers and body.
async fn browse(inst: &TestInstance, path: &str) -> (StatusCode, header::HeaderMap, String) {
    let res = reqwest::Client::new()
        .get(inst.base.join(path).expect("url"))
        .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .await
        .expect("GET");
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.text().await.expect("body"))
}

fn assert_page_is_locked_down(path: &str, h: &header::HeaderMap, body: &str) {
    assert!(
        h[header::CONTENT_TYPE]
            .to_str()
            .expect("type")
            .starts_with("text/html"),
        "{path}"
    );
    let csp = h
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap_or_else(|| panic!("{path} has no Content-Security-Policy"))
        .to_str()
        .expect("csp");
    for part in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "style-src 'self'",
    ] {
        assert!(csp.contains(part), "{path}: {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
    assert!(h.contains_key(header::REFERRER_POLICY), "{path}");
    // The public URL is http here: no HSTS (browsers ignore it over http anyway).
    assert!(!h.contains_key(header::STRICT_TRANSPORT_SECURITY), "{path}");
    // Nothing the policy would block: no inline style or script in the markup.
    for inline in ["<style", " style=", "<script", " onload=", " onclick="] {
        assert!(!body.contains(inline), "{path} has `{inline}`:\n{body}");
    }
    assert!(
        body.contains("<link rel=\"stylesheet\" href=\"/assets/prassi.css\">"),
        "{path}:\n{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_a_policy_that_their_markup_keeps() {
    let inst = TestInstance::start().await;
    inst.organization("comune-bari", "Comune di Bari").await;
    let (_, m) = inst.user("mara", Role::Manager, Some("comune-bari")).await;
    let record = serde_json::to_value(&practice_examples::all()[0]).expect("json");
    let p = m.publish(record).await;
    let practice_path = url::Url::parse(p["ap_id"].as_str().expect("ap_id"))
        .expect("url")
        .path()
        .to_string();
    // The example has a picture and a document: the media list is on the page.
    for path in ["/", "/actors/comune-bari", "/actor", practice_path.as_str()] {
        let (status, h, body) = browse(&inst, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_page_is_locked_down(path, &h, &body);
    }
    let (_, _, page) = browse(&inst, &practice_path).await;
    assert!(page.contains("<img src="), "{page}");

    // The stylesheet the pages link is served, from here.
    let (status, h, css) = browse(&inst, "/assets/prassi.css").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(css.contains("max-width: 100%"), "{css}");

    // API answers and ActivityPub documents say nosniff too, and load nothing.
    let res = reqwest::Client::new()
        .get(inst.base.join("/api/v1/practices").expect("url"))
        .send()
        .await
        .expect("GET");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let csp = res.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("csp");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let anonymous = ApiClient::new(inst.base.clone(), None);
    anonymous
        .call(reqwest::Method::GET, "/api/openapi.json", None)
        .await
        .expect("openapi");
}
