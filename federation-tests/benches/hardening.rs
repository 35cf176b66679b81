//! What hostile clients cost a real `prassi serve` process (the release binary: build it
//! first with `cargo build --release -p prassi`), in one run:
//!
//! 1. Requests served while 10,000 idle connections are held open against it (default
//!    `PRASSI_MAX_CONNECTIONS` of 4096: the longest-idle are closed to make room).
//! 2. The server's resident memory before and after 1,000 failed log-ins sent 16 at a time,
//!    and the latency of a plain request while they run, beside the same request at rest.
//! 3. The share of 429 answers among 200 wrong passwords sent for one account in a burst,
//!    with the default thresholds.
//!
//! Figures are printed; nothing is asserted (the machine is shared).

use std::time::{Duration, Instant};

use federation_tests::{free_port, spawn_prassi, Backend, TestDb};
use reqwest::StatusCode;
use serde_json::json;

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// Latencies of `n` plain GETs, each on a new connection: (answered, p50, p99, max).
async fn plain_requests(base: &str, n: usize) -> (usize, Duration, Duration, Duration) {
    let mut times = Vec::with_capacity(n);
    let mut ok = 0;
    for _ in 0..n {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .pool_max_idle_per_host(0)
            .build()
            .expect("client");
        let t = Instant::now();
        if let Ok(r) = client.get(format!("{base}/nodeinfo/2.1")).send().await {
            if r.status() == StatusCode::OK {
                ok += 1;
            }
        }
        times.push(t.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    (ok, at(0.5), at(0.99), times[times.len() - 1])
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn wait_up(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("{base}/nodeinfo/2.1")).await.is_err() {
        assert!(Instant::now() < deadline, "the instance did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn login(client: &reqwest::Client, base: &str, user: &str) -> StatusCode {
    let Ok(r) = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": user, "password": "not-the-password"}))
        .send()
        .await
    else {
        return StatusCode::REQUEST_TIMEOUT;
    };
    let status = r.status();
    if status == StatusCode::TOO_MANY_REQUESTS
        && std::env::var_os("PRASSI_BENCH_SHOW_429").is_some()
    {
        println!("  429 for {user}: {}", r.text().await.unwrap_or_default());
    }
    status
}

const METRICS_TOKEN: &str = "bench-metrics-token-0123456789";

/// Open connections as the server counts them.
async fn server_connections(base: &str) -> String {
    let text = reqwest::Client::new()
        .get(format!("{base}/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .ok();
    let Some(r) = text else {
        return "?".into();
    };
    r.text()
        .await
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("prassi_http_connections ")
                .map(str::to_string)
        })
        .unwrap_or_else(|| "?".into())
}

async fn idle_connections(files: u64, per_client: Option<&str>) {
    let db = TestDb::create(Backend::Sqlite).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut env = vec![
        ("PRASSI_LOG", "error"),
        ("PRASSI_METRICS_TOKEN", METRICS_TOKEN),
    ];
    if let Some(n) = per_client {
        env.push(("PRASSI_MAX_CONNECTIONS_PER_CLIENT", n));
    }
    let mut server = spawn_prassi(port, &db, &env);
    wait_up(&base).await;
    let pid = server.id().expect("pid");
    println!(
        "\nPRASSI_MAX_CONNECTIONS_PER_CLIENT {}:",
        per_client.unwrap_or("default (1024)")
    );
    let (ok, p50, p99, max) = plain_requests(&base, 200).await;
    println!(
        "  at rest: {ok}/200 plain requests answered, p50 {}, p99 {}, max {}; server RSS {} MiB",
        ms(p50),
        ms(p99),
        ms(max),
        rss_kib(pid) / 1024
    );
    let held = files.saturating_sub(2000).min(10_000) as usize;
    let mut idle = Vec::with_capacity(held);
    let t = Instant::now();
    for _ in 0..held {
        match tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
            Ok(s) => idle.push(s),
            Err(e) => {
                println!("  connect failed after {} connections: {e}", idle.len());
                break;
            }
        }
    }
    println!(
        "  opened {} idle connections in {:.1} s; the server holds {} of them",
        idle.len(),
        t.elapsed().as_secs_f64(),
        server_connections(&base).await
    );
    let (ok, p50, p99, max) = plain_requests(&base, 200).await;
    println!(
        "  meanwhile: {ok}/200 plain requests answered, p50 {}, p99 {}, max {}; server RSS {} MiB",
        ms(p50),
        ms(p99),
        ms(max),
        rss_kib(pid) / 1024
    );
    drop(idle);
    let _ = server.kill().await;
}

#[tokio::main]
async fn main() {
    let files = prassi::app::server::raise_fd_limit().unwrap_or(0);
    println!("open-files limit of this process: {files}");

    // 1. Idle connections: with the defaults (one client holds at most 1,024), then with no
    //    per-client cap (the global cap of 4,096 decides).
    for per_client in [None, Some("0")] {
        idle_connections(files, per_client).await;
    }

    // 2. Memory and latency under 1,000 failed log-ins (address throttling lifted so that
    //    every one is checked).
    let db = TestDb::create(Backend::Sqlite).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = spawn_prassi(
        port,
        &db,
        &[
            ("PRASSI_LOG", "error"),
            ("PRASSI_LOGIN_ADDRESS_FREE_FAILURES", "100000"),
            ("PRASSI_LOGIN_ADDRESS_LOCKOUT_FAILURES", "100000"),
        ],
    );
    wait_up(&base).await;
    let pid = server.id().expect("pid");
    let before = rss_kib(pid);
    let client = reqwest::Client::new();
    let t = Instant::now();
    let flood = {
        let base = base.clone();
        let client = client.clone();
        tokio::spawn(async move {
            let mut codes = std::collections::BTreeMap::new();
            let mut i = 0;
            for _ in 0..(1000 / 16) + 1 {
                let batch: Vec<_> = (0..16)
                    .map(|_| {
                        i += 1;
                        let (client, base) = (client.clone(), base.clone());
                        async move { login(&client, &base, &format!("user{i}")).await }
                    })
                    .collect();
                for c in futures::future::join_all(batch).await {
                    *codes.entry(c.as_u16()).or_insert(0) += 1;
                }
                if i >= 1000 {
                    break;
                }
            }
            codes
        })
    };
    let (ok, p50, p99, max) = plain_requests(&base, 100).await;
    let during = rss_kib(pid);
    let codes = flood.await.expect("flood");
    let took = t.elapsed();
    let after = rss_kib(pid);
    println!(
        "\n1,000 failed log-ins, 16 at a time: answers {codes:?} in {:.1} s",
        took.as_secs_f64()
    );
    println!(
        "  plain requests meanwhile: {ok}/100 answered, p50 {}, p99 {}, max {}",
        ms(p50),
        ms(p99),
        ms(max)
    );
    println!(
        "  server RSS: {} MiB before, {} MiB during, {} MiB after",
        before / 1024,
        during / 1024,
        after / 1024
    );
    let _ = server.kill().await;

    // 3. The 429 rate for one account with the default thresholds.
    let db = TestDb::create(Backend::Sqlite).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = spawn_prassi(port, &db, &[("PRASSI_LOG", "error")]);
    wait_up(&base).await;
    let mut codes = std::collections::BTreeMap::new();
    let t = Instant::now();
    for _ in 0..200 {
        *codes
            .entry(login(&client, &base, "mario").await.as_u16())
            .or_insert(0) += 1;
    }
    let throttled = codes.get(&429).copied().unwrap_or(0);
    println!(
        "\n200 wrong passwords for one account in {:.2} s: answers {codes:?}, {:.1} % answered 429",
        t.elapsed().as_secs_f64(),
        throttled as f64 / 2.0
    );
    let _ = server.kill().await;
}
