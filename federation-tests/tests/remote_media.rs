//! No third-party embeds: a local practice takes only this instance's uploads, and a remote
//! practice's media are fetched on first view into a bounded cache (least recently used
//! evicted first) and served from this instance, so its pages never point at another host.

use std::time::Duration;

use federation_tests::{client::TINY_PNG, eventually, ApiClient, Options, TestInstance};
use prassi::domain::{actor::Role, practice_examples};
use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(30);
/// Each picture of this test is a PNG of exactly this many bytes.
const PICTURE_BYTES: usize = 100;

/// A distinct PNG of [`PICTURE_BYTES`] bytes (a tiny image and a tag of trailing bytes).
fn picture(tag: u8) -> Vec<u8> {
    let mut b = TINY_PNG.to_vec();
    b.resize(PICTURE_BYTES, tag);
    b
}

/// Files in B's media cache directory.
fn cached_files(inst: &TestInstance) -> usize {
    std::fs::read_dir(inst.config.data_dir.join("media-cache"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .count()
        })
        .unwrap_or(0)
}

/// Publishes the first example on `m`'s instance with one picture, `bytes`.
async fn publish_with_picture(m: &ApiClient, bytes: Vec<u8>) -> (Value, String) {
    let up = m
        .upload_media(bytes, "p.png", "image/png", None)
        .await
        .expect("upload");
    let url = up["url"].as_str().expect("url").to_string();
    let mut record = serde_json::to_value(&practice_examples::all()[0]).expect("json");
    record["media"] = json!([{"url": url, "kind": "image", "alt": "Una foto di prova"}]);
    (m.publish(record).await, url)
}

async fn get(url: &str, accept: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(url)
        .header(header::ACCEPT, accept)
        .send()
        .await
        .expect("GET")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_practice_takes_only_this_instances_uploads() {
    let a = TestInstance::start().await;
    a.organization("comune-bari", "Comune di Bari").await;
    let (_, m) = a.user("mara", Role::Manager, Some("comune-bari")).await;
    let unknown = format!(
        "{}/media/{}.png",
        a.base.as_str().trim_end_matches('/'),
        uuid::Uuid::new_v4()
    );
    let up = m
        .upload_media(picture(1), "p.png", "image/png", None)
        .await
        .expect("upload");
    let e = m
        .call(
            Method::POST,
            "/api/v1/practices",
            Some(json!({"media": [
                {"url": "https://elsewhere.example/foto.jpg", "kind": "image", "alt": "x"},
                {"url": up["url"], "kind": "image", "alt": "ours", "media_type": "image/jpeg"},
                {"url": unknown, "kind": "image", "alt": "not uploaded"},
            ], "stage": "bogus"})),
        )
        .await
        .expect_err("refused");
    assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", e.body);
    let fields: Vec<&String> = e.body["fields"]
        .as_object()
        .expect("fields")
        .keys()
        .collect();
    assert_eq!(
        fields,
        ["media[0].url", "media[2].url", "stage"],
        "{}",
        e.body
    );
    assert_eq!(a.count("practices").await, 0);

    // An upload is taken, with the type read from its bytes rather than the one claimed.
    let d = m
        .call(
            Method::POST,
            "/api/v1/practices",
            Some(json!({"media": [{"url": up["url"], "kind": "image", "alt": "ours", "media_type": "image/jpeg"}]})),
        )
        .await
        .expect("draft");
    assert_eq!(d["record"]["media"][0]["media_type"], "image/png");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_media_are_fetched_on_first_view_and_served_from_here() {
    let a = TestInstance::start().await;
    // Room for two of this test's pictures, not three.
    let b = TestInstance::start_with(Options {
        tweak: |c| c.media_cache_max_bytes = (PICTURE_BYTES * 5 / 2) as u64,
        ..Default::default()
    })
    .await;
    a.organization("comune-bari", "Comune di Bari").await;
    let (_, m) = a.user("mara", Role::Manager, Some("comune-bari")).await;
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    bob.follow_accepted(a.actor_url("comune-bari").as_str())
        .await;

    let mut published = Vec::new();
    for tag in 1..=3u8 {
        published.push(publish_with_picture(&m, picture(tag)).await);
    }
    // B's ids of the three practices, in the order published.
    let ids: Vec<i64> = eventually(T, "B stores the three practices", || async {
        let l = bob
            .call(Method::GET, "/api/v1/practices?local=false", None)
            .await
            .ok()?;
        published
            .iter()
            .map(|(p, _)| {
                l.as_array()?
                    .iter()
                    .find(|x| x["ap_id"] == p["ap_id"])
                    .and_then(|x| x["id"].as_i64())
            })
            .collect()
    })
    .await;
    // Receiving fetched nothing: the cache fills only when someone looks.
    assert_eq!(b.count("media_cache").await, 0);
    assert_eq!(cached_files(&b), 0);

    // The page shows the picture from B, and names no address on A.
    let mut local_urls = Vec::new();
    for id in &ids {
        let res = get(
            b.base
                .join(&format!("/practices/{id}"))
                .expect("url")
                .as_str(),
            "text/html",
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = res.text().await.expect("page");
        let src = page
            .split("<img class=\"figure-img img-fluid\" src=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no picture on the page:\n{page}"))
            .to_string();
        assert!(src.starts_with(&format!("/media/remote/{id}/")), "{src}");
        // Nothing the browser loads comes from A (links to A's pages are fine: the
        // organisation is shown with its domain).
        for attr in ["src=\"", "href=\""] {
            for value in page.split(attr).skip(1) {
                let value = value.split('"').next().unwrap_or_default();
                let loads = attr == "src=\"" || value.ends_with(".css");
                assert!(
                    !(loads && value.contains(&a.domain)),
                    "the page loads {value} from A"
                );
            }
        }
        let here = b.base.join(&src).expect("url").to_string();
        // The API gives clients the same address on B, and where it came from.
        let view = b
            .admin
            .call(
                reqwest::Method::GET,
                &format!("/api/v1/practices/{id}"),
                None,
            )
            .await
            .expect("practice view");
        let medium = &view["record"]["media"][0];
        assert_eq!(medium["url"], here.as_str(), "{view}");
        assert!(
            medium["source_url"]
                .as_str()
                .is_some_and(|u| u.contains(&a.domain)),
            "{view}"
        );
        local_urls.push(here);
    }
    assert_eq!(
        b.count("media_cache").await,
        0,
        "a page view fetches nothing itself"
    );

    let fetch = |i: usize| {
        let url = local_urls[i].clone();
        async move {
            let res = get(&url, "image/*").await;
            assert_eq!(res.status(), StatusCode::OK, "{url}");
            assert_eq!(res.headers()[header::CONTENT_TYPE], "image/png");
            assert_eq!(res.headers()[header::CONTENT_SECURITY_POLICY], "sandbox");
            res.bytes().await.expect("bytes").to_vec()
        }
    };
    assert_eq!(fetch(0).await, picture(1));
    assert_eq!(b.count("media_cache").await, 1);
    assert_eq!(cached_files(&b), 1);
    assert_eq!(fetch(1).await, picture(2));
    // Recency is kept to the minute (one write a minute per file, not one per view): as if
    // both were last used two minutes ago, the first is used again, so the second is now
    // the least recently used.
    let db = b.store();
    let earlier = chrono::Utc::now() - chrono::Duration::minutes(2);
    federation_tests::sql!(
        execute,
        db.writer(),
        "UPDATE media_cache SET last_used_at = $1",
        earlier
    )
    .expect("age the cache");
    assert_eq!(fetch(0).await, picture(1));
    assert_eq!(b.count("media_cache").await, 2);
    assert_eq!(fetch(2).await, picture(3));
    assert_eq!(
        b.count("media_cache").await,
        2,
        "the cache stays within its size"
    );
    assert_eq!(cached_files(&b), 2);
    let store = b.store();
    let cached = |i: usize| {
        let url = published[i].1.clone();
        let store = store.clone();
        async move {
            prassi::db::media_cache::by_url(&store, &url)
                .await
                .expect("db")
                .is_some()
        }
    };
    assert!(cached(0).await && cached(2).await);
    assert!(!cached(1).await, "the least recently used was evicted");
    // An evicted medium is fetched again when asked for.
    assert_eq!(fetch(1).await, picture(2));

    // Only the media a practice lists are served: no fetching of addresses of one's choosing.
    let res = get(
        b.base
            .join(&format!("/media/remote/{}/{}", ids[0], "0".repeat(32)))
            .expect("url")
            .as_str(),
        "image/*",
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// A stand-in for another instance's file server: `/fake.png` is text, `/big.png` a picture
/// larger than B takes; every request is counted.
async fn file_host() -> (url::Url, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::{atomic::AtomicUsize, Arc};
    let hits = Arc::new(AtomicUsize::new(0));
    let count = |hits: Arc<AtomicUsize>, body: Vec<u8>| {
        move || {
            let (hits, body) = (hits.clone(), body.clone());
            async move {
                hits.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                body
            }
        }
    };
    let mut big = TINY_PNG.to_vec();
    big.resize(5000, 0);
    let app = axum::Router::new()
        .route(
            "/fake.png",
            axum::routing::get(count(hits.clone(), b"<script>alert(1)</script>".to_vec())),
        )
        .route("/big.png", axum::routing::get(count(hits.clone(), big)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (
        url::Url::parse(&format!("http://localhost:{port}")).expect("url"),
        hits,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_media_are_checked_from_their_bytes_and_failures_remembered() {
    use prassi::db::{actors, practices};
    let (host, hits) = file_host().await;
    let b = TestInstance::start_with(Options {
        tweak: |c| c.media_max_bytes = 1000,
        ..Default::default()
    })
    .await;
    let db = b.store();
    let keys = prassi::crypto::generate_keypair().expect("keys");
    let org_id = host.join("actors/ente").expect("url").to_string();
    let org = actors::upsert(
        &db,
        actors::NewActor {
            ap_id: org_id.clone(),
            kind: prassi::domain::actor::ActorKind::Organization,
            username: "ente".into(),
            domain: prassi::config::host_port(&host),
            local: false,
            name: Some("Ente remoto".into()),
            summary: None,
            url: None,
            icon_url: None,
            inbox: format!("{org_id}/inbox"),
            shared_inbox: None,
            outbox: None,
            followers_url: None,
            following_url: None,
            public_key_id: format!("{org_id}#main-key"),
            public_key_pem: keys.public_pem.clone(),
            private_key_pem: None,
            ipa_code: None,
            level: None,
            region: None,
            website: None,
            manually_approves: false,
            published: prassi::db::now(),
        },
    )
    .await
    .expect("remote organisation");
    let record = prassi::domain::practice::from_json(json!({
        "language": "it",
        "title": {"it": "Pratica remota"},
        "media": [
            {"url": host.join("fake.png").expect("url"), "kind": "image", "alt": "finta"},
            {"url": host.join("big.png").expect("url"), "kind": "image", "alt": "grande"},
        ],
    }))
    .expect("record");
    let mut tx = db.begin().await.expect("tx");
    let now = prassi::db::now();
    let p = practices::insert(
        &mut tx,
        practices::NewPractice {
            ap_id: host.join("practices/1").expect("url").to_string(),
            organization_id: org.id,
            author_id: None,
            local: false,
            origin: prassi::config::host_port(&host),
            state: prassi::domain::practice::PracticeState::Published,
            summary: practices::Summary::of(&record),
            record: serde_json::to_string(&record).expect("json"),
            content_digest: None,
            url: None,
            published_at: Some(now),
            updated_at: now,
        },
    )
    .await
    .expect("practice");
    tx.commit().await.expect("commit");

    for (n, m) in record.media.iter().enumerate() {
        let path = prassi::service::media::cache::local_path(p.id, m.url.as_str());
        let url = b.base.join(&path).expect("url");
        for attempt in 0..2 {
            let res = get(url.as_str(), "image/*").await;
            assert_eq!(res.status(), StatusCode::BAD_GATEWAY, "{path}");
            let body = res.text().await.expect("body");
            // Nothing of the remote answer or its address reaches the reader.
            assert!(
                !body.contains("script") && !body.contains(&host.to_string()),
                "{body}"
            );
            let v: Value = serde_json::from_str(&body).expect("json");
            assert_eq!(v["error"], "upstream");
            // The second request is answered from the failure kept: no new fetch.
            assert_eq!(
                hits.load(std::sync::atomic::Ordering::SeqCst),
                n + 1,
                "attempt {attempt} of {path}"
            );
        }
    }
    assert_eq!(cached_files(&b), 0);
    for m in &record.media {
        let row = prassi::db::media_cache::by_url(&db, m.url.as_str())
            .await
            .expect("db")
            .expect("the failure is kept");
        assert!(row.file_name.is_none() && row.error.is_some(), "{row:?}");
    }
    // Failures old enough to be tried again are forgotten at the next fetch: no pile of rows.
    let long_ago = chrono::Utc::now() - chrono::Duration::hours(1);
    federation_tests::sql!(
        execute,
        db.writer(),
        "UPDATE media_cache SET fetched_at = $1",
        long_ago
    )
    .expect("age the failures");
    let second = prassi::service::media::cache::local_path(p.id, record.media[1].url.as_str());
    let _ = get(b.base.join(&second).expect("url").as_str(), "image/*").await;
    let first = &record.media[0].url;
    let row = prassi::db::media_cache::by_url(&db, first.as_str())
        .await
        .expect("db");
    assert!(row.is_none(), "an old failure is still kept: {row:?}");
    let again = prassi::db::media_cache::by_url(&db, record.media[1].url.as_str())
        .await
        .expect("db")
        .expect("the one tried again is kept with its new failure");
    assert!(again.fetched_at > long_ago);
}
