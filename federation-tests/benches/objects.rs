//! GET of actor and practice documents as ActivityPub JSON, the way peers fetch them, at 4 and
//! 32 concurrent keep-alive clients, beside the ceiling measured in the same run: a plain axum
//! server returning the same bytes and headers from memory, driven by the same clients. The
//! instance runs on the backend of `PRASSI_TEST_BACKEND` (SQLite by default). The instance
//! actor, which needs no database read, is measured too, as a reference.
//!
//! `cargo bench -p federation-tests --bench objects`; `PRASSI_BENCH_SECS` sets the seconds of
//! each measurement (default 3).

use std::time::{Duration, Instant};

use axum::{http::header, routing::get, Router};
use federation_tests::TestInstance;
use prassi::domain::{actor::Role, practice_examples};

const AP: &str = "application/activity+json";

/// Requests per second and latency percentiles of one measurement.
struct Figures {
    rps: f64,
    p50_us: u64,
    p99_us: u64,
}

/// `clients` keep-alive connections GET `url` in a loop for `secs` seconds (after a short
/// warm-up); every answer must be 200 with a body.
async fn load(url: &str, clients: usize, secs: f64) -> Figures {
    let run = |warm: bool| {
        let url = url.to_string();
        async move {
            let until = Instant::now() + Duration::from_secs_f64(if warm { 0.5 } else { secs });
            let tasks: Vec<_> = (0..clients)
                .map(|_| {
                    let url = url.clone();
                    tokio::spawn(async move {
                        let client = reqwest::Client::builder()
                            .pool_max_idle_per_host(1)
                            .build()
                            .expect("client");
                        let mut lat = Vec::with_capacity(100_000);
                        while Instant::now() < until {
                            let t = Instant::now();
                            let r = client
                                .get(&url)
                                .header(header::ACCEPT, AP)
                                .send()
                                .await
                                .expect("GET");
                            assert_eq!(r.status(), 200);
                            let body = r.bytes().await.expect("body");
                            assert!(!body.is_empty());
                            lat.push(t.elapsed().as_micros() as u64);
                        }
                        lat
                    })
                })
                .collect();
            let start = Instant::now();
            let mut all = Vec::new();
            for t in tasks {
                all.extend(t.await.expect("client task"));
            }
            (all, start.elapsed())
        }
    };
    run(true).await;
    let (mut lat, took) = run(false).await;
    lat.sort_unstable();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    Figures {
        rps: lat.len() as f64 / took.as_secs_f64(),
        p50_us: pct(0.50),
        p99_us: pct(0.99),
    }
}

/// Serves `body` with the headers the instance sent, from memory: the ceiling.
async fn ceiling(body: bytes::Bytes, etag: String) -> String {
    let etag = header::HeaderValue::from_str(&etag).expect("etag");
    let app = Router::new().route(
        "/doc",
        get(move || {
            let (body, etag) = (body.clone(), etag.clone());
            async move {
                (
                    [
                        (
                            header::CONTENT_TYPE,
                            header::HeaderValue::from_static(
                                "application/activity+json; charset=utf-8",
                            ),
                        ),
                        (header::VARY, header::HeaderValue::from_static("Accept")),
                        (header::ETAG, etag),
                    ],
                    body,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/doc")
}

/// The document at `url` as the instance serves it: (body, ETag).
async fn document(url: &str) -> (bytes::Bytes, String) {
    let r = reqwest::Client::new()
        .get(url)
        .header(header::ACCEPT, AP)
        .send()
        .await
        .expect("GET");
    assert_eq!(r.status(), 200);
    let etag = r
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (r.bytes().await.expect("body"), etag)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let secs: f64 = std::env::var("PRASSI_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let a = TestInstance::start().await;
    let actor = a.organization("comune-bari", "Comune di Bari").await;
    let (_, m) = a.user("m-bari", Role::Manager, Some("comune-bari")).await;
    let record = serde_json::to_value(&practice_examples::all()[0]).expect("json");
    let p = m.publish(record).await;
    let practice = p["ap_id"].as_str().expect("ap_id").to_string();

    println!(
        "GET of ActivityPub documents ({} backend, {secs} s per figure), beside the same bytes \
         served from memory by a plain axum server (the ceiling), same clients, same run:",
        a.store().backend()
    );
    println!(
        "  {:<10} {:>7} {:>9} {:>8} {:>8} | {:>9} {:>8} {:>8} | {:>6}",
        "document",
        "clients",
        "req/s",
        "p50 µs",
        "p99 µs",
        "ceiling/s",
        "p50 µs",
        "p99 µs",
        "ratio"
    );
    // The instance actor is held in memory: its line shows the cost of the server without the
    // read of the version stamp that the other two make.
    let instance = format!("{}actor", a.base);
    for (name, url) in [
        ("actor", actor.to_string()),
        ("practice", practice),
        ("instance", instance),
    ] {
        let (body, etag) = document(&url).await;
        let size = body.len();
        let mem = ceiling(body, etag).await;
        for clients in [4, 32] {
            let f = load(&url, clients, secs).await;
            let c = load(&mem, clients, secs).await;
            println!(
                "  {:<10} {:>7} {:>9.0} {:>8} {:>8} | {:>9.0} {:>8} {:>8} | {:>6.2}",
                name,
                clients,
                f.rps,
                f.p50_us,
                f.p99_us,
                c.rps,
                c.p50_us,
                c.p99_us,
                f.rps / c.rps
            );
        }
        println!("  ({name} document: {size} bytes)");
    }
}
