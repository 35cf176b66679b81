//! Backfill rate: one instance holding N full practices (10,000 by default), a hub that
//! follows it and walks its `/actor/outbox` to the end, in practices per second end to end
//! (from the follow to the walk done: signed GETs of every page, the origin rendering each
//! Article, the hub storing each one through the path every remote practice takes); and the
//! ceiling it is measured against, in the same run: the same pages, fetched once beforehand,
//! parsed and stored by a fresh hub without HTTP.
//!
//! `cargo bench -p federation-tests --bench backfill`. `PRASSI_BENCH_BACKFILL_N` sets N,
//! `PRASSI_BENCH_PAGE` the outbox page size (default 200), `PRASSI_BENCH_SKIP_PG=1` skips
//! PostgreSQL.

use std::time::{Duration, Instant};

use federation_tests::{
    example,
    hub::{copy_practice, follow_instance, follow_of},
    Backend, Options, TestInstance,
};
use serde_json::Value;

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn origin_config(c: &mut prassi::config::Config) {
    c.backfill.outbox_page_size = env_num("PRASSI_BENCH_PAGE", 200) as i64;
    // Quiet: the bench prints its own figures.
    c.delivery.poll_interval = Duration::from_millis(20);
}

/// Publishes a few full practices through the API, then copies their rows until there are
/// `n` (each its own id and URL on the origin: real full Articles when served).
async fn load_origin(origin: &TestInstance, n: usize) {
    let m = origin.manager_of("regione-bench").await;
    let examples = prassi::domain::practice_examples::all().len().min(n);
    let mut seeds = Vec::new();
    for i in 0..examples {
        seeds.push(m.publish(example(i)).await["id"].as_i64().expect("id"));
    }
    let rest = n - seeds.len();
    for (k, seed) in seeds.iter().enumerate() {
        let share = rest / seeds.len() + usize::from(k < rest % seeds.len());
        copy_practice(origin, *seed, share).await;
    }
}

/// Every page of `origin`'s outbox, as served (plain GETs: the outbox is public).
async fn fetch_pages(origin: &TestInstance) -> (Vec<String>, Duration) {
    let client = reqwest::Client::new();
    let get = |url: String| {
        let client = client.clone();
        async move {
            client
                .get(url)
                .header("accept", "application/activity+json")
                .send()
                .await
                .expect("GET")
                .text()
                .await
                .expect("body")
        }
    };
    let t = Instant::now();
    let coll: Value =
        serde_json::from_str(&get(format!("{}actor/outbox", origin.base)).await).expect("json");
    let mut next = coll["first"].as_str().map(String::from);
    let mut pages = Vec::new();
    while let Some(url) = next.take() {
        let text = get(url).await;
        let page: Value = serde_json::from_str(&text).expect("page");
        next = page["next"].as_str().map(String::from);
        pages.push(text);
    }
    (pages, t.elapsed())
}

async fn run(backend: Backend, n: usize) {
    let origin = TestInstance::start_with(Options {
        backend,
        tweak: origin_config,
    })
    .await;
    let t = Instant::now();
    load_origin(&origin, n).await;
    println!(
        "  {n} practices on the origin in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // The ceiling: the pages fetched once, then parsed and stored by a hub without HTTP (only
    // the organisation's actor is fetched, once, as in the walk).
    let (pages, served) = fetch_pages(&origin).await;
    let bytes: usize = pages.iter().map(String::len).sum();
    println!(
        "  outbox: {} pages, {:.1} MB, served in {:.2} s ({:.0} practices/s rendered by the origin)",
        pages.len(),
        bytes as f64 / 1e6,
        served.as_secs_f64(),
        n as f64 / served.as_secs_f64()
    );
    let bare = TestInstance::start_with(Options {
        backend,
        tweak: |_| {},
    })
    .await;
    let ctx = bare.fed.to_request_data();
    let t = Instant::now();
    let (mut items, mut errors) = (0, 0);
    for text in &pages {
        let page: Value = serde_json::from_str(text).expect("page");
        let r = prassi::federation::backfill::store_page(&ctx, 0, &origin.domain, &page).await;
        items += r.items;
        errors += r.errors;
    }
    let ceiling = t.elapsed();
    assert_eq!(
        (items, errors),
        (n as i64, 0),
        "the ceiling stored every practice"
    );
    let ceiling_rate = n as f64 / ceiling.as_secs_f64();
    println!(
        "  ceiling: parsed and stored without HTTP in {:.2} s: {ceiling_rate:.0} practices/s",
        ceiling.as_secs_f64()
    );

    // End to end: the hub follows the origin and walks its outbox.
    let hub = TestInstance::start_with(Options {
        backend,
        tweak: |_| {},
    })
    .await;
    let t = Instant::now();
    follow_instance(&hub.admin, origin.base.as_str())
        .await
        .expect("follow");
    let f = loop {
        let f = follow_of(&hub, &origin.domain).await.expect("follow");
        if f["backfill"]["done"] == true {
            break f;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let e2e = t.elapsed();
    let rate = n as f64 / e2e.as_secs_f64();
    let stored = federation_tests::hub::practices_from(&hub, &origin.domain).await;
    println!(
        "  end to end: {} pages, {} practices ({} errors, {stored} rows) in {:.2} s: {rate:.0} practices/s; \
         achieved/ceiling {:.2}",
        f["backfill"]["pages"],
        f["backfill"]["items"],
        f["backfill"]["errors"],
        e2e.as_secs_f64(),
        rate / ceiling_rate
    );
    if backend == Backend::Sqlite {
        println!(
            "  target ≥ 1000 practices/s on SQLite: {}",
            if rate >= 1000.0 { "met" } else { "NOT met" }
        );
    }
}

#[tokio::main]
async fn main() {
    let n = env_num("PRASSI_BENCH_BACKFILL_N", 10_000);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("Prassi backfill benchmark ({cores} cores), {n} practices\n");
    println!("SQLite");
    run(Backend::Sqlite, n).await;
    if std::env::var("PRASSI_BENCH_SKIP_PG").is_err() {
        println!("\nPostgreSQL");
        run(Backend::Postgres, n).await;
    }
}
