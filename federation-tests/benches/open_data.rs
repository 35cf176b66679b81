//! The open-data exports at catalogue sizes that grow tenfold: bytes, time to the first byte,
//! total time and throughput of each download, and how much the process's resident memory
//! grew while it ran. The exports are streamed page by page, so that growth must stay flat
//! while the body grows with the catalogue (an export built in memory would grow by at least
//! the body's size).
//!
//! `cargo bench -p federation-tests --bench open_data`; `PRASSI_BENCH_OPEN_DATA_SIZES`
//! (default `1000,10000`) sets the catalogue sizes, `PRASSI_TEST_BACKEND` the backend.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use federation_tests::{participation::administration, Options, TestInstance};
use prassi::{
    db::{
        actors,
        practices::{self, NewPractice, Summary},
    },
    domain::{practice::PracticeState, practice_examples},
};

/// Resident memory of this process, in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

/// Stores `n` published practices of `org`, the demo records in turn with a numbered title,
/// a thousand per transaction.
async fn load(inst: &TestInstance, n: usize) {
    let db = inst.store();
    let org = actors::local_by_username(&db, "regione-puglia")
        .await
        .expect("db")
        .expect("organisation");
    let examples = practice_examples::all();
    let base = inst.config.base();
    let now = prassi::db::now();
    let mut i = 0;
    while i < n {
        let mut tx = db.begin().await.expect("begin");
        for j in i..(i + 1000).min(n) {
            let mut record = examples[j % examples.len()].clone();
            for t in record.title.values_mut() {
                *t = format!("{t} ({j})");
            }
            let ap_id = format!("{base}/practices/bench-{j}");
            practices::insert(
                &mut tx,
                NewPractice {
                    ap_id: ap_id.clone(),
                    organization_id: org.id,
                    author_id: None,
                    local: true,
                    origin: inst.config.domain(),
                    state: PracticeState::Published,
                    record: serde_json::to_string(&record).expect("json"),
                    summary: Summary::of(&record),
                    content_digest: None,
                    url: Some(ap_id),
                    published_at: Some(now),
                    updated_at: now,
                },
            )
            .await
            .expect("insert");
        }
        tx.commit().await.expect("commit");
        i += 1000;
    }
}

struct Download {
    bytes: u64,
    first_byte: Duration,
    total: Duration,
    rss_growth_kib: u64,
}

/// Downloads `path` as a harvester does, dropping each chunk once counted, while a sampler
/// records the highest resident memory seen.
async fn download(inst: &TestInstance, path: &str) -> Download {
    let baseline = rss_kib();
    let peak = Arc::new(AtomicU64::new(baseline));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
    };
    let start = Instant::now();
    let mut resp = reqwest::Client::new()
        .get(inst.base.join(path).expect("url"))
        .send()
        .await
        .expect("download");
    assert!(resp.status().is_success(), "{}", resp.status());
    let mut bytes = 0u64;
    let mut first_byte = None;
    while let Some(chunk) = resp.chunk().await.expect("chunk") {
        first_byte.get_or_insert_with(|| start.elapsed());
        bytes += chunk.len() as u64;
    }
    let total = start.elapsed();
    done.store(true, Ordering::Relaxed);
    sampler.await.expect("sampler");
    Download {
        bytes,
        first_byte: first_byte.unwrap_or(total),
        total,
        rss_growth_kib: peak.load(Ordering::Relaxed).saturating_sub(baseline),
    }
}

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::var("PRASSI_BENCH_OPEN_DATA_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    let opts = Options::default();
    println!(
        "Open-data exports on {:?}, streamed {} practices a page; resident memory growth is the \
         highest RSS seen during the download minus RSS before it (server and client are this \
         one process)",
        opts.backend,
        prassi::service::export::PAGE
    );
    println!(
        "{:>8}  {:<14} {:>10} {:>10} {:>10} {:>9} {:>12}",
        "practices", "export", "MiB", "1st byte", "total", "MiB/s", "RSS growth"
    );
    for n in sizes {
        let inst = TestInstance::start_with(Options::default()).await;
        administration(&inst, "regione-puglia", "r_puglia").await;
        load(&inst, n).await;
        let ctx = inst.fed.to_request_data();
        prassi::service::export::stamp(&ctx).await.expect("stamp");
        let start = Instant::now();
        for _ in 0..10 {
            prassi::service::export::stamp(&ctx).await.expect("stamp");
        }
        println!(
            "{n:>8}  the catalogue's version (ETag, Last-Modified): {:.2}ms",
            start.elapsed().as_secs_f64() * 1e3 / 10.0
        );
        for (name, path) in [
            ("catalog.jsonld", "/api/v1/export/catalog.jsonld"),
            ("practices.csv", "/api/v1/export/practices.csv"),
        ] {
            // Once to warm the caches and the allocator, then measured.
            download(&inst, path).await;
            let d = download(&inst, path).await;
            let mib = d.bytes as f64 / (1024.0 * 1024.0);
            println!(
                "{n:>8}  {name:<14} {mib:>10.1} {:>8.1}ms {:>8.0}ms {:>9.1} {:>9.1}MiB",
                d.first_byte.as_secs_f64() * 1e3,
                d.total.as_secs_f64() * 1e3,
                mib / d.total.as_secs_f64(),
                d.rss_growth_kib as f64 / 1024.0,
            );
        }
    }
}
