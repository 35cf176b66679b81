//! Names of remote actors: a `preferredUsername` that is not a WebFinger name is refused, and
//! bidirectional controls are taken out of display names before anything shows them.

use std::collections::HashMap;

use axum::{extract::Path, http::header, routing::get, Router};
use federation_tests::TestInstance;
use prassi::{crypto::generate_keypair, domain::actor::Role};
use reqwest::Method;
use serde_json::{json, Value};
use url::Url;

/// A server on loopback that answers `GET /actors/{name}` with an Organization whose
/// `preferredUsername` and `name` are given by `names` (name → (preferredUsername, name)).
async fn actor_server(names: &[(&str, &str, &str)]) -> Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let base = Url::parse(&format!("http://localhost:{port}/")).expect("url");
    let pem = generate_keypair().expect("keys").public_pem;
    let docs: HashMap<String, String> = names
        .iter()
        .map(|(path, preferred, name)| {
            let id = base.join(&format!("actors/{path}")).expect("url");
            let doc = json!({
                "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
                "id": id.as_str(), "type": "Organization",
                "preferredUsername": preferred, "name": name,
                "inbox": format!("{id}/inbox"),
                "publicKey": {"id": format!("{id}#main-key"), "owner": id.as_str(), "publicKeyPem": pem},
            });
            (path.to_string(), doc.to_string())
        })
        .collect();
    let app = Router::new().route(
        "/actors/{name}",
        get(move |Path(name): Path<String>| {
            let doc = docs.get(&name).cloned();
            async move {
                match doc {
                    Some(d) => Ok(([(header::CONTENT_TYPE, "application/activity+json")], d)),
                    None => Err(axum::http::StatusCode::NOT_FOUND),
                }
            }
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    base
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_names_are_webfinger_names_without_bidi_controls() {
    let b = TestInstance::start().await;
    let (_, carol) = b.user("carol", Role::Citizen, None).await;
    let peer = actor_server(&[
        ("at", "comune-bari@regione.example", "Comune di Bari"),
        ("space", "comune di bari", "Comune di Bari"),
        ("override", "bari\u{202E}elpmaxe", "Comune di Bari"),
        (
            "fine",
            "comune-bari",
            "Comune\u{202E} di\u{2066} Bari\u{200F}",
        ),
    ])
    .await;
    let before = b.count("actors").await;
    for bad in ["at", "space", "override"] {
        let url = peer.join(&format!("actors/{bad}")).expect("url");
        let e = carol
            .call(Method::GET, &format!("/api/v1/resolve?uri={url}"), None)
            .await
            .expect_err("refused");
        assert!(e.status.is_client_error(), "{bad}: {} {}", e.status, e.body);
    }
    assert_eq!(b.count("actors").await, before, "no bad name stored");

    let url = peer.join("actors/fine").expect("url");
    let r: Value = carol
        .call(Method::GET, &format!("/api/v1/resolve?uri={url}"), None)
        .await
        .expect("resolved");
    assert_eq!(r["actor"]["name"], "Comune di Bari", "{r}");
    assert_eq!(
        r["actor"]["handle"],
        format!("comune-bari@{}", prassi::config::host_port(&peer))
    );
}
