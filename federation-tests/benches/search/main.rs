//! Search at scale: N practices (default 100,000; `PRASSI_BENCH_SEARCH_N`) with Italian and
//! English text drawn from the demo records and the vocabularies, indexed by Prassi's engine
//! (the documents the index worker makes, facets and all), and the same documents in SQLite
//! FTS5 (bm25) and PostgreSQL (`to_tsvector('italian')`, `ts_rank`, GIN).
//!
//! Printed, not asserted: the index build rate and size, then per class of query the median
//! and p99 latency with one client on each engine side by side, and Prassi's throughput with
//! 8 clients. Prassi's figure is a whole API search (20 hits with snippets, the total and the
//! counts of all twelve facets); the SQL ones are only the 20 best rows and the total.
//!
//! `cargo bench -p federation-tests --bench search`. `PRASSI_BENCH_SKIP_PG=1` skips
//! PostgreSQL; `PRASSI_BENCH_SAMPLES` sets the queries timed per class (default 200).

mod corpus;
mod sql;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use federation_tests::Backend;
use prassi::{
    db::search::Indexable,
    domain::practice_examples,
    search::{document, facets::FacetName, Engine, SearchRequest},
};

use corpus::{generate, pool, Rng, COMMON, MEDIUM, RARE};
use sql::{load_sql, row_of, sql_times, Row};

/// A class of query: Prassi's request and the same question for the SQL engines.
struct Class {
    name: &'static str,
    q: &'static str,
    filters: Vec<(FacetName, &'static str)>,
}

fn classes() -> Vec<Class> {
    let c = |name, q, filters| Class { name, q, filters };
    vec![
        c("rare term", RARE, vec![]),
        c("medium term", MEDIUM, vec![]),
        c("common term", COMMON, vec![]),
        c("two terms", "biblioteca digitale", vec![]),
        c("phrase", "\"bilancio partecipativo\"", vec![]),
        c("misspelt term", "bibliotecca", vec![]),
        c(
            "facets only",
            "",
            vec![(FacetName::Sector, "07"), (FacetName::Region, "16")],
        ),
        c(
            "term + two facets",
            COMMON,
            vec![(FacetName::Sector, "07"), (FacetName::Region, "16")],
        ),
    ]
}

fn request(c: &Class, page: usize) -> SearchRequest {
    let mut req = SearchRequest {
        q: c.q.to_string(),
        page,
        per_page: 20,
        facets: true,
        ..Default::default()
    };
    for (f, v) in &c.filters {
        req.filters.entry(*f).or_default().push(v.to_string());
    }
    req
}

fn stats(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    (at(0.5), at(0.99))
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let n: usize = std::env::var("PRASSI_BENCH_SEARCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let samples: usize = std::env::var("PRASSI_BENCH_SAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let skip_pg = std::env::var("PRASSI_BENCH_SKIP_PG").is_ok();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");

    // The documents.
    let pool = pool();
    let base = practice_examples::all();
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let t = Instant::now();
    let practices: Vec<Indexable> = (0..n)
        .map(|i| generate(&mut rng, &pool, &base, i))
        .collect();
    println!(
        "generated {n} practices in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // Prassi's index, on disk as the worker keeps it.
    let dir = tempfile::tempdir().expect("tempdir");
    let engine = Arc::new(Engine::create(&dir.path().join("index")).expect("index"));
    let t = Instant::now();
    for p in &practices {
        let doc = document::of(&engine.fields, p, &[]).expect("doc");
        engine.add(doc).expect("add");
    }
    engine
        .commit(&prassi::search::Meta {
            schema: prassi::search::schema::SCHEMA_VERSION,
            database: "bench".into(),
            seq: 0,
        })
        .expect("commit");
    let build = t.elapsed();
    let t = Instant::now();
    engine.merge_segments().expect("merge");
    println!(
        "merged into one segment in {:.1} s (as a rebuild does)",
        t.elapsed().as_secs_f64()
    );
    let size = dir_size(dir.path());
    println!(
        "{} segments searched (merges still running in the background are not waited for)",
        engine.reader.searcher().segment_readers().len()
    );
    println!(
        "Prassi index: {n} practices in {:.1} s ({:.0} practices/s), {:.1} MiB on disk",
        build.as_secs_f64(),
        n as f64 / build.as_secs_f64(),
        size as f64 / 1048576.0
    );

    let rows: Vec<Row> = practices.iter().map(row_of).collect();
    drop(practices);
    let (_sdb, sqlite, t_sqlite) = rt.block_on(load_sql(Backend::Sqlite, &rows));
    println!(
        "SQLite FTS5: loaded and indexed in {:.1} s",
        t_sqlite.as_secs_f64()
    );
    let pg = if skip_pg {
        None
    } else {
        let (pdb, pg, t_pg) = rt.block_on(load_sql(Backend::Postgres, &rows));
        println!(
            "PostgreSQL GIN: loaded and indexed in {:.1} s",
            t_pg.as_secs_f64()
        );
        Some((pdb, pg))
    };
    drop(rows);

    println!();
    println!(
        "{:<18} {:>8} | {:>9} {:>9} | {:>9} {:>9} {:>8} | {:>9} {:>9} {:>8}",
        format!("query (N={n})"),
        "hits",
        "Prassi p50",
        "p99",
        "FTS5 p50",
        "p99",
        "hits",
        "PG p50",
        "p99",
        "hits"
    );
    println!("{}", "-".repeat(112));
    for c in classes() {
        // Warm-up, then timed; pages vary a little, as real readers' do.
        let mut times = Vec::with_capacity(samples);
        let mut total = 0;
        for k in 0..samples + 10 {
            let req = request(&c, 1 + k % 3);
            let t = Instant::now();
            let r = engine.search(&req).expect("search");
            if k >= 10 {
                times.push(t.elapsed());
            }
            total = r.total;
        }
        let (p50, p99) = stats(times);
        let (f50, f99, fhits) = rt.block_on(sql_times(&sqlite, &c, samples));
        let pg_cols = match &pg {
            Some((_, db)) => {
                let (g50, g99, ghits) = rt.block_on(sql_times(db, &c, samples.min(100)));
                format!("{:>9} {:>9} {:>8}", ms(g50), ms(g99), ghits)
            }
            None => format!("{:>9} {:>9} {:>8}", "-", "-", "-"),
        };
        println!(
            "{:<18} {:>8} | {:>9} {:>9} | {:>9} {:>9} {:>8} | {}",
            c.name,
            total,
            ms(p50),
            ms(p99),
            ms(f50),
            ms(f99),
            fhits,
            pg_cols
        );
    }
    println!("(milliseconds; Prassi: 20 hits with snippets, total and all twelve facet counts; SQL: 20 ranked rows and the total)");

    // Throughput: 8 clients, every class in turn, for a few seconds.
    let classes = Arc::new(classes());
    let run_for = Duration::from_secs(5);
    let started = Instant::now();
    let handles: Vec<_> = (0..8)
        .map(|w| {
            let engine = engine.clone();
            let classes = classes.clone();
            std::thread::spawn(move || {
                let mut done = 0u64;
                let mut k = w;
                while started.elapsed() < run_for {
                    let c = &classes[k % classes.len()];
                    engine.search(&request(c, 1)).expect("search");
                    done += 1;
                    k += 1;
                }
                done
            })
        })
        .collect();
    let total: u64 = handles.into_iter().map(|h| h.join().expect("client")).sum();
    println!(
        "throughput, 8 clients over every class: {:.0} searches/s ({} in {:.1} s, {} cores)",
        total as f64 / started.elapsed().as_secs_f64(),
        total,
        started.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
}

fn dir_size(path: &std::path::Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(path) {
        for e in entries.flatten() {
            let p = e.path();
            total += if p.is_dir() {
                dir_size(&p)
            } else {
                e.metadata().map_or(0, |m| m.len())
            };
        }
    }
    total
}
