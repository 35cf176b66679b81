//! Test harness: starts real Prassi instances in this process (port 0, `localhost:PORT`, each
//! with its own SQLite file or PostgreSQL database) and drives them through a typed client.
//!
//! The backend comes from `PRASSI_TEST_BACKEND` (`sqlite`, the default, or `postgres`); the
//! PostgreSQL server from `PRASSI_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`).

use std::{future::Future, path::PathBuf, time::Duration};

use prassi::db::actors;
use url::Url;

pub mod browser;
pub mod candidacies;
pub mod client;
pub mod comments;
pub mod db;
pub mod hub;
pub mod instance;
pub mod open_data;
pub mod participation;
pub mod peers;
pub mod receiver;
pub mod search;
pub mod sql;
pub mod web_client;

pub use client::ApiClient;
pub use db::{Backend, TestDb};
pub use instance::{fast_config, Options, SecondProcess, TestInstance};

/// The `n`th realistic practice record (`prassi::domain::practice_examples`), as JSON.
pub fn example(n: usize) -> serde_json::Value {
    serde_json::to_value(&prassi::domain::practice_examples::all()[n]).expect("json")
}

/// The `n`th example with its media uploaded to the instance `manager` works on (the demo's
/// picture and PDF), as a manager publishes them: a browser that shows the practice asks no
/// other host for anything, and opening a document stays on the instance.
pub async fn example_with_local_media(manager: &ApiClient, n: usize) -> serde_json::Value {
    const PICTURE: &[u8] = include_bytes!("../../assets/demo/assemblea.jpg");
    const DOCUMENT: &[u8] = include_bytes!("../../assets/demo/rapporto-2024.pdf");
    let mut record = example(n);
    let Some(media) = record["media"].as_array_mut() else {
        return record;
    };
    for m in media {
        let picture = m["kind"] == "image";
        let (bytes, name, kind) = if picture {
            (PICTURE, "assemblea.jpg", "image/jpeg")
        } else {
            (DOCUMENT, "rapporto-2024.pdf", "application/pdf")
        };
        let up = manager
            .upload_media(bytes.to_vec(), name, kind, None)
            .await
            .expect("upload the example's medium");
        m["url"] = up["url"].clone();
        m["media_type"] = up["media_type"].clone();
    }
    record
}

/// Polls `f` every 50 ms until it yields `Some`, or panics after `timeout` with `what`.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("timed out after {timeout:?} waiting for: {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Signs `body` as the local actor `username` of `from` and POSTs it to `url`; `tamper` may
/// change headers and body after signing.
pub async fn post_signed(
    from: &TestInstance,
    username: &str,
    url: &str,
    body: &[u8],
    tamper: impl FnOnce(&mut Vec<(&'static str, String)>, &mut Vec<u8>),
    when: std::time::SystemTime,
) -> reqwest::StatusCode {
    let actor = actors::local_by_username(&from.store(), username)
        .await
        .expect("db")
        .expect("actor");
    let signer = prassi::crypto::Signer::from_pem(actor.private_key_pem.as_deref().expect("key"))
        .expect("signer");
    let target = Url::parse(url).expect("url");
    let mut headers = prassi::federation::signatures::sign_post(
        &signer,
        &actor.public_key_id,
        &target,
        body,
        when,
    )
    .expect("sign");
    let mut body = body.to_vec();
    tamper(&mut headers, &mut body);
    let mut req = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/activity+json");
    for (k, v) in headers {
        if k != "host" {
            req = req.header(k, v);
        }
    }
    req.body(body).send().await.expect("post").status()
}

/// The `prassi` binary built next to this test (for tests that need a real process to kill).
pub fn prassi_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let bin = dir.join("prassi");
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build -p prassi`",
        bin.display()
    );
    bin
}

/// A loopback port for a server that runs as its own process and must keep its port across
/// restarts (its public URL names it). It is drawn at random from below the kernel's ephemeral
/// range, so no outgoing connection or `bind(0)` of any test can take it between this call
/// and the process binding it; it is checked to be free now, and another test process
/// drawing the same one is a 1-in-thousands chance, not a race every run loses sometimes.
pub fn free_port() -> u16 {
    use std::hash::{BuildHasher, Hasher};
    let low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    let (first, span) = (10_000u16, low.saturating_sub(10_000).max(1));
    for _ in 0..1000 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        let port = first + (h.finish() % u64::from(span)) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free loopback port below {low}")
}

/// Runs `prassi serve` as a real process on `port` with `db`, fast retries and polls, and the
/// extra environment `env` (which may override those). Its log goes to the test's output.
pub fn spawn_prassi(port: u16, db: &TestDb, env: &[(&str, &str)]) -> tokio::process::Child {
    let mut c = tokio::process::Command::new(prassi_binary());
    c.arg("serve")
        .env("PRASSI_PUBLIC_URL", format!("http://localhost:{port}"))
        .env("PRASSI_BIND", format!("127.0.0.1:{port}"))
        .env("PRASSI_DATABASE_URL", &db.url)
        .env("PRASSI_DATA_DIR", db.data_dir())
        .env("PRASSI_ALLOW_PRIVATE_PEERS", "true")
        .env("PRASSI_DELIVERY_RETRY_BASE_MS", "50")
        .env("PRASSI_DELIVERY_RETRY_CAP_SECS", "1")
        .env("PRASSI_DELIVERY_POLL_MS", "50")
        .env("PRASSI_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true);
    for (k, v) in env {
        c.env(k, v);
    }
    c.spawn().expect("spawn prassi")
}
