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

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{NaiveDate, Utc};
use federation_tests::{Backend, TestDb};
use prassi::{
    db::{search::Indexable, Db},
    domain::{
        actor::LevelOfGovernment,
        practice::{PracticeRecord, PracticeState, Translations},
        practice_examples,
        sanitize::strip_tags,
        vocab::{
            InnovationType, IstatRegion, Language, Participation, RegionCode, Sdg, Sector, Stage,
        },
    },
    search::{document, facets::FacetName, Engine, SearchRequest},
};

/// Words put in at known frequencies, beside the records' own vocabulary.
const RARE: &str = "teleriscaldamento"; // 1 in 10,000
const MEDIUM: &str = "biblioteca"; // 1 in 100
const COMMON: &str = "servizi"; // 1 in 2

const MUNICIPALITIES: &[&str] = &[
    "Bari",
    "Lecce",
    "Taranto",
    "Foggia",
    "Bologna",
    "Modena",
    "Parma",
    "Reggio Emilia",
    "Milano",
    "Bergamo",
    "Brescia",
    "Torino",
    "Cuneo",
    "Genova",
    "Firenze",
    "Prato",
    "Pisa",
    "Roma",
    "Latina",
    "Napoli",
    "Salerno",
    "Palermo",
    "Catania",
    "Cagliari",
    "Trento",
    "Bolzano",
    "Venezia",
    "Padova",
    "Verona",
    "Udine",
    "Trieste",
    "Ancona",
    "Perugia",
    "Pescara",
    "Potenza",
    "Catanzaro",
    "Aosta",
    "Campobasso",
];

/// A small deterministic generator (no dependency, same documents every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
    fn chance(&mut self, one_in: u64) -> bool {
        self.next().is_multiple_of(one_in)
    }
}

/// Sentences of the demo records, per language.
struct Pool {
    titles: [Vec<String>; 2],
    sentences: [Vec<String>; 2],
}

fn pool() -> Pool {
    let mut titles = [Vec::new(), Vec::new()];
    let mut sentences = [Vec::new(), Vec::new()];
    for r in practice_examples::all() {
        for (k, lang) in [Language::It, Language::En].into_iter().enumerate() {
            if let Some(t) = r.title.get(&lang) {
                titles[k].push(t.clone());
            }
            let fields: [&Translations; 7] = [
                &r.summary,
                &r.description,
                &r.impact,
                &r.lessons_learned,
                &r.challenges,
                &r.replication,
                &r.title,
            ];
            for f in fields {
                if let Some(t) = f.get(&lang) {
                    for s in strip_tags(t).split(". ") {
                        if s.split_whitespace().count() >= 4 {
                            sentences[k].push(s.trim_end_matches('.').to_string());
                        }
                    }
                }
            }
            for s in Sector::ALL {
                sentences[k].push(format!("Settore: {}", s.label(lang)));
            }
            for i in InnovationType::ALL {
                sentences[k].push(i.label(lang).to_string());
            }
            for s in Sdg::ALL {
                sentences[k].push(s.label(lang).to_string());
            }
        }
    }
    Pool { titles, sentences }
}

fn text(rng: &mut Rng, pool: &Pool, k: usize, n: usize) -> String {
    let mut out: Vec<String> = (0..n)
        .map(|_| rng.pick(&pool.sentences[k]).clone())
        .collect();
    if k == 0 && rng.chance(2) {
        out.push(format!("Nuovi {COMMON} per i cittadini"));
    }
    if k == 1 && rng.chance(2) {
        out.push(format!("New {COMMON} for residents"));
    }
    if rng.chance(100) {
        out.push(format!("Una {MEDIUM} digitale di quartiere"));
    }
    if rng.chance(10_000) {
        out.push(format!("Una rete di {RARE} comunale"));
    }
    out.join(". ") + "."
}

/// The `i`th generated practice.
fn generate(rng: &mut Rng, pool: &Pool, base: &[PracticeRecord], i: usize) -> Indexable {
    let mut r = base[i % base.len()].clone();
    // Most are Italian; a third carry an English translation; some are English only.
    let langs: Vec<(usize, Language)> = match i % 6 {
        0 | 1 => vec![(0, Language::It), (1, Language::En)],
        2 => vec![(1, Language::En)],
        _ => vec![(0, Language::It)],
    };
    r.language = Some(langs[0].1);
    let place = *rng.pick(MUNICIPALITIES);
    for t in [
        &mut r.title,
        &mut r.summary,
        &mut r.description,
        &mut r.impact,
        &mut r.lessons_learned,
        &mut r.challenges,
    ] {
        t.clear();
    }
    for (k, lang) in &langs {
        let title = format!("{} ({place})", rng.pick(&pool.titles[*k]));
        r.title.insert(*lang, title);
        r.summary.insert(*lang, text(rng, pool, *k, 2));
        r.description
            .insert(*lang, format!("<p>{}</p>", text(rng, pool, *k, 6)));
        r.impact
            .insert(*lang, format!("<p>{}</p>", text(rng, pool, *k, 2)));
        r.lessons_learned
            .insert(*lang, format!("<p>{}</p>", text(rng, pool, *k, 2)));
        r.challenges
            .insert(*lang, format!("<p>{}</p>", text(rng, pool, *k, 1)));
    }
    r.sectors = vec![*rng.pick(Sector::ALL)];
    if rng.chance(3) {
        let s = *rng.pick(Sector::ALL);
        if !r.sectors.contains(&s) {
            r.sectors.push(s);
        }
    }
    r.place.region = Some(RegionCode::Istat(*rng.pick(IstatRegion::ALL)));
    r.place.municipality = Some(place.into());
    r.level_of_government = Some(*rng.pick(&LevelOfGovernment::ALL));
    r.stage = Some(*rng.pick(Stage::ALL));
    r.period.start =
        NaiveDate::from_ymd_opt(2015 + rng.below(11) as i32, 1 + rng.below(12) as u32, 1);
    r.participation = Some(*rng.pick(Participation::ALL));
    r.innovation_types = vec![*rng.pick(InnovationType::ALL)];
    r.sdgs = vec![*rng.pick(&Sdg::ALL)];
    let org = i % 400;
    let host = format!("regione{}.example", org % 20);
    Indexable {
        id: i as i64 + 1,
        ap_id: format!("https://{host}/practices/{i}"),
        state: PracticeState::Published,
        local: org.is_multiple_of(20),
        origin: host.clone(),
        record: serde_json::to_string(&r).expect("json"),
        created_at: Utc::now(),
        updated_at: Utc::now(),
        published_at: Some(Utc::now() - chrono::Duration::seconds(i as i64)),
        org_username: Some(format!("ente{org}")),
        org_domain: Some(host),
        org_name: Some(format!("Comune di {place}")),
        combined: (i % 97) as f64 / 97.0,
        owner_figure: None,
    }
}

/// What SQL engines get of a practice: its text (every language) and two facet columns.
struct Row {
    id: i64,
    body: String,
    sectors: String,
    region: String,
}

fn row_of(p: &Indexable) -> Row {
    let r: PracticeRecord = serde_json::from_str(&p.record).expect("record");
    let mut body = Vec::new();
    for t in [
        &r.title,
        &r.summary,
        &r.description,
        &r.impact,
        &r.lessons_learned,
        &r.challenges,
    ] {
        for v in t.values() {
            body.push(strip_tags(v));
        }
    }
    let sectors: Vec<&str> = r.sectors.iter().map(|s| s.as_str()).collect();
    Row {
        id: p.id,
        body: body.join(" "),
        sectors: format!(",{},", sectors.join(",")),
        region: r
            .place
            .region
            .map(|r| r.as_str().to_string())
            .unwrap_or_default(),
    }
}

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

async fn sql_times(db: &Db, c: &Class, samples: usize) -> (Duration, Duration, i64) {
    let mut times = Vec::with_capacity(samples);
    let mut total = 0;
    let sector = c
        .filters
        .iter()
        .find(|f| f.0 == FacetName::Sector)
        .map(|f| format!("%,{},%", f.1));
    let region = c
        .filters
        .iter()
        .find(|f| f.0 == FacetName::Region)
        .map(|f| f.1.to_string());
    for _ in 0..samples {
        let t = Instant::now();
        total = match db {
            Db::Sqlite { read, .. } => {
                let q = fts5_query(c.q);
                let (top, count) = if c.q.is_empty() {
                    (
                        "SELECT id, 0.0 FROM docs WHERE ($1 IS NULL OR sectors LIKE $1) AND ($2 IS NULL OR region = $2) ORDER BY id DESC LIMIT 20".to_string(),
                        "SELECT COUNT(*) FROM docs WHERE ($1 IS NULL OR sectors LIKE $1) AND ($2 IS NULL OR region = $2)".to_string(),
                    )
                } else {
                    (
                        "SELECT d.id, bm25(docs_fts) AS s FROM docs_fts JOIN docs d ON d.id = docs_fts.rowid WHERE docs_fts MATCH $3 AND ($1 IS NULL OR d.sectors LIKE $1) AND ($2 IS NULL OR d.region = $2) ORDER BY s LIMIT 20".to_string(),
                        "SELECT COUNT(*) FROM docs_fts JOIN docs d ON d.id = docs_fts.rowid WHERE docs_fts MATCH $3 AND ($1 IS NULL OR d.sectors LIKE $1) AND ($2 IS NULL OR d.region = $2)".to_string(),
                    )
                };
                let _: Vec<(i64, f64)> = sqlx::query_as(&top)
                    .bind(sector.clone())
                    .bind(region.clone())
                    .bind(q.clone())
                    .fetch_all(read)
                    .await
                    .expect("fts5 top");
                let (n,): (i64,) = sqlx::query_as(&count)
                    .bind(sector.clone())
                    .bind(region.clone())
                    .bind(q)
                    .fetch_one(read)
                    .await
                    .expect("fts5 count");
                n
            }
            Db::Postgres(pool) => {
                let (tsq, top, count) = if c.q.is_empty() {
                    (
                        String::new(),
                        "SELECT id, 0.0::real FROM docs WHERE ($1::text IS NULL OR sectors LIKE $1) AND ($2::text IS NULL OR region = $2) AND $3::text = '' ORDER BY id DESC LIMIT 20",
                        "SELECT COUNT(*) FROM docs WHERE ($1::text IS NULL OR sectors LIKE $1) AND ($2::text IS NULL OR region = $2) AND $3::text = ''",
                    )
                } else {
                    let phrase = c.q.starts_with('"');
                    let func = if phrase {
                        "phraseto_tsquery"
                    } else {
                        "plainto_tsquery"
                    };
                    (func.to_string(), "", "")
                };
                let (top, count) = if c.q.is_empty() {
                    (top.to_string(), count.to_string())
                } else {
                    (
                        format!("SELECT id, ts_rank(tsv, q) AS r FROM docs, {tsq}('italian', $3) q WHERE tsv @@ q AND ($1::text IS NULL OR sectors LIKE $1) AND ($2::text IS NULL OR region = $2) ORDER BY r DESC LIMIT 20"),
                        format!("SELECT COUNT(*) FROM docs, {tsq}('italian', $3) q WHERE tsv @@ q AND ($1::text IS NULL OR sectors LIKE $1) AND ($2::text IS NULL OR region = $2)"),
                    )
                };
                let words = c.q.trim_matches('"').to_string();
                let _: Vec<(i64, f32)> = sqlx::query_as(&top)
                    .bind(sector.clone())
                    .bind(region.clone())
                    .bind(words.clone())
                    .fetch_all(pool)
                    .await
                    .expect("pg top");
                let (n,): (i64,) = sqlx::query_as(&count)
                    .bind(sector.clone())
                    .bind(region.clone())
                    .bind(words)
                    .fetch_one(pool)
                    .await
                    .expect("pg count");
                n
            }
        };
        times.push(t.elapsed());
    }
    let (p50, p99) = stats(times);
    (p50, p99, total)
}

/// FTS5's syntax: words as written (quoted, so none is read as an operator), phrases kept.
fn fts5_query(q: &str) -> String {
    if q.starts_with('"') {
        return q.to_string();
    }
    q.split_whitespace()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

async fn load_sql(backend: Backend, rows: &[Row]) -> (TestDb, Db, Duration) {
    let tdb = TestDb::create(backend).await;
    let db = Db::connect(&tdb.url).await.expect("connect");
    let t = Instant::now();
    match &db {
        Db::Sqlite { write, .. } => {
            for ddl in [
                "CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT NOT NULL, sectors TEXT NOT NULL, region TEXT NOT NULL)",
                "CREATE INDEX docs_region ON docs (region)",
                "CREATE VIRTUAL TABLE docs_fts USING fts5(body, content='docs', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
            ] {
                sqlx::query(ddl).execute(write).await.expect("ddl");
            }
            for chunk in rows.chunks(5000) {
                let mut tx = write.begin().await.expect("tx");
                for r in chunk {
                    sqlx::query(
                        "INSERT INTO docs (id, body, sectors, region) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(r.id)
                    .bind(&r.body)
                    .bind(&r.sectors)
                    .bind(&r.region)
                    .execute(&mut *tx)
                    .await
                    .expect("insert");
                }
                tx.commit().await.expect("commit");
            }
            sqlx::query("INSERT INTO docs_fts (docs_fts) VALUES ('rebuild')")
                .execute(write)
                .await
                .expect("fts rebuild");
        }
        Db::Postgres(pool) => {
            for ddl in [
                "CREATE TABLE docs (id BIGINT PRIMARY KEY, body TEXT NOT NULL, sectors TEXT NOT NULL, region TEXT NOT NULL, tsv tsvector GENERATED ALWAYS AS (to_tsvector('italian', body)) STORED)",
                "CREATE INDEX docs_region ON docs (region)",
            ] {
                sqlx::query(ddl).execute(pool).await.expect("ddl");
            }
            for chunk in rows.chunks(1000) {
                let ids: Vec<i64> = chunk.iter().map(|r| r.id).collect();
                let bodies: Vec<&str> = chunk.iter().map(|r| r.body.as_str()).collect();
                let sectors: Vec<&str> = chunk.iter().map(|r| r.sectors.as_str()).collect();
                let regions: Vec<&str> = chunk.iter().map(|r| r.region.as_str()).collect();
                sqlx::query("INSERT INTO docs (id, body, sectors, region) SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[])")
                    .bind(ids)
                    .bind(bodies)
                    .bind(sectors)
                    .bind(regions)
                    .execute(pool)
                    .await
                    .expect("insert");
            }
            sqlx::query("CREATE INDEX docs_tsv ON docs USING GIN (tsv)")
                .execute(pool)
                .await
                .expect("gin");
            sqlx::query("ANALYZE docs")
                .execute(pool)
                .await
                .expect("analyze");
        }
    }
    (tdb, db, t.elapsed())
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
