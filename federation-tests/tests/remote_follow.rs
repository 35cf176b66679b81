//! "Follow from your server" over HTTP: Prassi's WebFinger answers the OStatus subscribe
//! template; the follow box of one instance sends a visitor to their own server's template
//! (found through WebFinger) and says, in both languages, why it cannot when the account does
//! not exist, the server is dead or has no template; `/authorize_interaction` sends an
//! anonymous visitor to the log-in first.

use axum::{routing::get, Json, Router};
use federation_tests::{free_port, TestInstance};
use prassi::domain::actor::Role;
use reqwest::{header, redirect::Policy, StatusCode};
use serde_json::{json, Value};

const ORG: &str = "comune-bari";
const SUBSCRIBE: &str = "http://ostatus.org/schema/1.0/subscribe";

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("client")
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The box's answer on `at` for the organisation `org_uri` and `account`, in `lang`.
async fn box_answer(
    at: &TestInstance,
    org_uri: &str,
    account: &str,
    lang: &str,
) -> (StatusCode, String) {
    let url = format!(
        "{}follow?uri={}&account={}",
        at.base,
        enc(org_uri),
        enc(account)
    );
    let r = browser()
        .get(url)
        .header(header::ACCEPT, "text/html")
        .header(header::ACCEPT_LANGUAGE, lang)
        .send()
        .await
        .expect("follow page");
    let status = r.status();
    (status, r.text().await.expect("body"))
}

/// Unescapes what askama escapes in attribute values and text.
fn unescape(s: &str) -> String {
    s.replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&#61;", "=")
        .replace("&#x3D;", "=")
        .replace("&#x2F;", "/")
        .replace("&#47;", "/")
}

#[tokio::test]
async fn webfinger_answers_the_subscribe_template() {
    let a = TestInstance::start().await;
    a.organization(ORG, "Comune di Bari").await;
    let r = browser()
        .get(format!(
            "{}.well-known/webfinger?resource=acct:{ORG}@{}",
            a.base, a.domain
        ))
        .send()
        .await
        .expect("webfinger");
    assert_eq!(r.status(), StatusCode::OK);
    let jrd: Value = r.json().await.expect("jrd");
    let template = jrd["links"]
        .as_array()
        .expect("links")
        .iter()
        .find(|l| l["rel"] == SUBSCRIBE)
        .and_then(|l| l["template"].as_str())
        .unwrap_or_else(|| panic!("no subscribe template in {jrd}"));
    assert_eq!(
        template,
        format!("{}authorize_interaction?uri={{uri}}", a.base)
    );
}

#[tokio::test]
async fn the_box_sends_a_visitor_to_their_own_servers_template() {
    let a = TestInstance::start().await;
    let org = a.organization(ORG, "Comune di Bari").await;
    let b = TestInstance::start().await;
    b.user("bea", Role::Citizen, None).await;
    let (status, body) = box_answer(&a, org.as_str(), &format!("bea@{}", b.domain), "it").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let want = format!("{}authorize_interaction?uri={}", b.base, enc(org.as_str()));
    assert!(
        unescape(&body).contains(&format!("href=\"{want}\"")),
        "no link to {want} in:\n{body}"
    );
    assert!(body.contains("Vai su"), "Italian: {body}");
    // The same with a leading @, and in English.
    let (status, body) = box_answer(&a, org.as_str(), &format!("@bea@{}", b.domain), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&format!("Go to {}", b.domain)), "{body}");
    // The page links the organisation's ActivityPub document.
    assert!(
        body.contains(&format!(
            "<link rel=\"alternate\" type=\"application/activity+json\" href=\"{org}\">"
        )),
        "{body}"
    );
}

#[tokio::test]
async fn the_box_says_why_it_cannot_in_both_languages() {
    let a = TestInstance::start().await;
    let org = a.organization(ORG, "Comune di Bari").await;
    let b = TestInstance::start().await;
    let before = a.count("actors").await;

    // No such account on B.
    let nobody = format!("nobody@{}", b.domain);
    let (status, it) = box_answer(&a, org.as_str(), &nobody, "it").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(it.contains("non ha nessun account"), "{it}");
    let (_, en) = box_answer(&a, org.as_str(), &nobody, "en").await;
    assert!(
        en.contains(&format!("The server {} has no account", b.domain)),
        "{en}"
    );
    assert!(
        en.contains("value=\"nobody@"),
        "the field keeps what was typed: {en}"
    );

    // A dead server: nothing listens there.
    let dead = format!("x@localhost:{}", free_port());
    let (status, it) = box_answer(&a, org.as_str(), &dead, "it").await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert!(it.contains("non risponde"), "{it}");
    let (_, en) = box_answer(&a, org.as_str(), &dead, "en").await;
    assert!(en.contains("does not answer"), "{en}");

    // A server that has the account but no subscribe template.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let jrd = json!({"subject": format!("acct:zed@localhost:{port}"), "links": [
        {"rel": "self", "type": "application/activity+json", "href": format!("http://localhost:{port}/zed")}
    ]});
    let app = Router::new().route(
        "/.well-known/webfinger",
        get(move || {
            let jrd = jrd.clone();
            async move { Json(jrd) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let zed = format!("zed@localhost:{port}");
    let (status, it) = box_answer(&a, org.as_str(), &zed, "it").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(it.contains("non permette di seguire"), "{it}");
    assert!(
        it.contains(&format!("@{ORG}@{}", a.domain)),
        "the handle to search: {it}"
    );
    let (_, en) = box_answer(&a, org.as_str(), &zed, "en").await;
    assert!(en.contains("does not allow following"), "{en}");

    // Not an account at all.
    let (status, en) = box_answer(&a, org.as_str(), "just-a-name", "en").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(en.contains("Enter your account as name@server"), "{en}");

    // Something that is not an actor of A.
    let (status, _) = box_answer(&a, "http://elsewhere.example/actors/x", &nobody, "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(a.count("actors").await, before, "nothing stored");
}

#[tokio::test]
async fn authorize_interaction_sends_an_anonymous_visitor_to_the_log_in() {
    let a = TestInstance::start().await;
    let org = a.organization(ORG, "Comune di Bari").await;
    let path = format!("/authorize_interaction?uri={}", enc(org.as_str()));
    let r = browser()
        .get(format!("{}{}", a.base.as_str().trim_end_matches('/'), path))
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .expect("authorize");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()[header::LOCATION].to_str().expect("location"),
        format!("/login?next={}", enc(&path))
    );
    let r = browser()
        .post(format!("{}authorize_interaction", a.base))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("uri={}&csrf=whatever", enc(org.as_str())))
        .send()
        .await
        .expect("authorize post");
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "no follow without a session"
    );
    assert!(a.followers_of(org.as_str()).await.is_empty());
}
