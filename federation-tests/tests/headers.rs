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
    // Every stylesheet, script, font, image and icon comes from this instance (links to
    // other sites are fine: following them is the reader's choice).
    let loaded = body
        .match_indices(" src=\"")
        .map(|(i, m)| i + m.len())
        .chain(body.match_indices("<link ").filter_map(|(i, _)| {
            let tag = &body[i..i + body[i..].find('>').expect("closed tag")];
            tag.find(" href=\"").map(|h| i + h + " href=\"".len())
        }));
    for start in loaded {
        let url = &body[start..start + body[start..].find('"').expect("closed attribute")];
        assert!(
            !url.starts_with("//") && (!url.contains("://") || url.starts_with("http://localhost")),
            "{path} loads {url} from another host"
        );
    }
    assert!(
        stylesheets(body).len() >= 2,
        "{path} links the design system and Prassi's stylesheet:\n{body}"
    );
}

/// The `href` of each `<link rel="stylesheet">` of a page.
fn stylesheets(body: &str) -> Vec<String> {
    body.match_indices("<link rel=\"stylesheet\" href=\"")
        .map(|(i, m)| {
            let rest = &body[i + m.len()..];
            rest[..rest.find('"').expect("closed")].to_string()
        })
        .collect()
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
    assert!(page.contains("<img ") && page.contains("/media/"), "{page}");
    // Every page, wherever its route lives, and the ActivityPub document at the same address,
    // gzipped for a client that takes it.
    for (path, accept) in [
        ("/", "text/html"),
        (practice_path.as_str(), "text/html"),
        ("/actors/comune-bari", "text/html"),
        ("/search", "text/html"),
        (practice_path.as_str(), "application/activity+json"),
    ] {
        let res = reqwest::Client::new()
            .get(inst.base.join(path).expect("url"))
            .header(header::ACCEPT, accept)
            .header(header::ACCEPT_ENCODING, "gzip")
            .send()
            .await
            .expect("GET");
        assert_eq!(res.status(), StatusCode::OK, "{path} {accept}");
        assert_eq!(
            res.headers()
                .get(header::CONTENT_ENCODING)
                .map(|v| v.as_bytes()),
            Some(&b"gzip"[..]),
            "{path} {accept}"
        );
    }

    // The stylesheets the pages link are served, from here, cached for a year.
    let (_, _, home) = browse(&inst, "/").await;
    let sheets = stylesheets(&home);
    for sheet in &sheets {
        let (status, h, css) = browse(&inst, sheet).await;
        assert_eq!(status, StatusCode::OK, "{sheet}");
        assert_eq!(
            h[header::CONTENT_TYPE],
            "text/css; charset=utf-8",
            "{sheet}"
        );
        assert_eq!(
            h[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable",
            "{sheet}"
        );
        assert!(css.len() > 1000, "{sheet}: {css}");
    }
    assert!(
        sheets
            .iter()
            .any(|s| s.ends_with("bootstrap-italia.min.css")),
        "{sheets:?}"
    );
    // Compressed for a browser that takes it, and much smaller so.
    let big = sheets
        .iter()
        .find(|s| s.ends_with("bootstrap-italia.min.css"))
        .expect("design system");
    let gz = reqwest::Client::new()
        .get(inst.base.join(big).expect("url"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .expect("GET");
    assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
    let gz_len = gz.bytes().await.expect("body").len();
    let (_, _, plain) = browse(&inst, big).await;
    assert!(gz_len * 4 < plain.len(), "{gz_len} of {}", plain.len());
    // An unknown file is a 404, not a page.
    let (status, _, _) = browse(&inst, "/static/0/web/nothing.css").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

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
