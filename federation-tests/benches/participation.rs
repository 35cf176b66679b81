//! Participation, on SQLite and PostgreSQL:
//! - `Like`/`Dislike` activities applied per second by the inbox worker: each one's endorser
//!   looked up, its verification (a `Read` of the current version) checked, the endorsement
//!   stored and the practice's good index brought up to date, one transaction each, as the
//!   worker applies what the inbox stored (the inbox's own rate, signatures included, is in
//!   the `federation` bench);
//! - what one endorsement costs the good index as a practice gathers more of them (it must
//!   stay flat: the index is recomputed from per-instance totals, never from the
//!   endorsements).
//!
//! `cargo bench -p federation-tests --bench participation`. `PRASSI_BENCH_SKIP_PG=1` skips
//! PostgreSQL; `PRASSI_BENCH_MAX_ENDORSEMENTS` caps the largest practice (default 100,000).

use std::time::{Duration, Instant};

use federation_tests::{example, instance::remote_person, Backend, Options, TestInstance};
use prassi::{
    db::{
        good_index::{self, Counted},
        inbox::{self, NewInbox},
        participation,
    },
    domain::good_index::{weight, Class},
};
use serde_json::json;

/// Endorsements spread over this many instances, as they would be on a busy hub.
const INSTANCES: usize = 50;
/// Index updates timed at each size.
const SAMPLES: usize = 400;

fn vote(i: usize) -> Counted {
    let class = if i.is_multiple_of(3) {
        Class::Citizen
    } else {
        Class::Peer
    };
    Counted {
        instance: format!("i{}.example", i % INSTANCES),
        class,
        weight: weight(class, true, false),
        positive: !i.is_multiple_of(4),
        verified: true,
    }
}

/// Adds `n` endorsements to practice `id`, a thousand per transaction.
async fn load(inst: &TestInstance, id: i64, from: usize, n: usize) {
    let db = inst.store();
    let mut i = from;
    while i < from + n {
        let mut tx = db.begin().await.expect("begin");
        for j in i..(i + 1000).min(from + n) {
            good_index::endorsement_changed(&mut tx, id, true, None, Some(&vote(j)), 0)
                .await
                .expect("load");
        }
        tx.commit().await.expect("commit");
        i += 1000;
    }
}

/// Mean and p99 of one index update (a vote added, or taken back), each in its own
/// transaction as the inbox worker does it.
async fn update_cost(inst: &TestInstance, id: i64, at: usize) -> (Duration, Duration) {
    let db = inst.store();
    let mut times = Vec::with_capacity(SAMPLES);
    for k in 0..SAMPLES {
        let v = vote(at + k);
        let (before, after) = if k % 2 == 0 {
            (None, Some(&v))
        } else {
            (Some(&v), None)
        };
        let t = Instant::now();
        let mut tx = db.begin().await.expect("begin");
        good_index::endorsement_changed(&mut tx, id, true, before, after, 0)
            .await
            .expect("update");
        tx.commit().await.expect("commit");
        times.push(t.elapsed());
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    (mean, times[times.len() * 99 / 100])
}

async fn index_cost(backend: Backend, max: usize) {
    let inst = TestInstance::start_with(Options {
        backend,
        ..Options::default()
    })
    .await;
    let m = inst.manager_of("comune-di-bench").await;
    let id = m.publish(example(0)).await["id"].as_i64().expect("id");
    println!("  {:>9}  {:>10}  {:>10}", "counted", "mean µs", "p99 µs");
    let mut loaded = 0;
    let mut first = None;
    for size in [10, 100, 1_000, 10_000, 100_000] {
        if size > max {
            break;
        }
        load(&inst, id, loaded, size - loaded).await;
        loaded = size;
        let (mean, p99) = update_cost(&inst, id, 1_000_000).await;
        let base = *first.get_or_insert(mean);
        println!(
            "  {size:>9}  {:>10}  {:>10}   ×{:.2} of the cost at 10",
            mean.as_micros(),
            p99.as_micros(),
            mean.as_secs_f64() / base.as_secs_f64()
        );
    }
}

/// Remote persons, on `HOSTS` instances, who endorse every one of `PRACTICES` practices.
const HOSTS: usize = 20;
const PERSONS: usize = 200;
const PRACTICES: usize = 50;

/// Applies `PERSONS × PRACTICES` stored `Like`/`Dislike` activities (half the persons read
/// every practice first, so their endorsements are verified and counted) and returns the
/// rate, checking that every one was applied and counted as it should.
async fn votes_rate(backend: Backend) -> f64 {
    let inst = TestInstance::start_with(Options {
        backend,
        tweak: |c| c.delivery.run_workers = false,
    })
    .await;
    let db = inst.store();
    let m = inst.manager_of("comune-di-voti").await;
    let mut practices = Vec::new();
    for i in 0..PRACTICES {
        let p = m.publish(example(i % 3)).await;
        let id = p["id"].as_i64().expect("id");
        let row = prassi::db::practices::by_id(&db, id)
            .await
            .expect("db")
            .expect("practice");
        practices.push(row);
    }
    let keys = prassi::crypto::generate_keypair().expect("keys");
    let mut persons = Vec::new();
    for i in 0..PERSONS {
        let host = format!("voters{}.example", i % HOSTS);
        let ap_id = format!("http://{host}/users/u{i}");
        let inbox = url::Url::parse(&format!("http://{host}/inbox")).expect("url");
        let a = remote_person(&db, &ap_id, &inbox, &keys.public_pem).await;
        persons.push(a);
    }
    let mut tx = db.begin().await.expect("begin");
    for a in persons.iter().step_by(2) {
        for p in &practices {
            let v = p.content_digest.as_deref().expect("digest");
            participation::insert_read(&mut tx, p.id, a.id, v, None, prassi::db::now_ms())
                .await
                .expect("read");
        }
    }
    tx.commit().await.expect("commit");
    let now = prassi::db::now_ms();
    let mut rows = Vec::with_capacity(PERSONS * PRACTICES);
    for (i, a) in persons.iter().enumerate() {
        for (j, p) in practices.iter().enumerate() {
            let kind = if (i + j) % 5 == 0 { "Dislike" } else { "Like" };
            let id = format!("http://{}/activities/{i}-{j}", a.domain);
            let body = json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": id, "type": kind, "actor": a.ap_id.as_str(), "object": p.ap_id,
            });
            rows.push(NewInbox {
                ap_id: id,
                actor: a.ap_id.to_string(),
                kind: kind.into(),
                body: body.to_string(),
                received_at: now,
            });
        }
    }
    let n = rows.len();
    inbox::insert_batch(&db, rows).await.expect("store");
    let start = Instant::now();
    let mut applied = 0;
    loop {
        let did = prassi::federation::apply::apply_batch(&inst.fed, 64)
            .await
            .expect("apply");
        if did == 0 {
            break;
        }
        applied += did;
    }
    let took = start.elapsed();
    assert_eq!(applied, n, "every activity taken");
    assert_eq!(
        inst.count("inbox_activities WHERE state = 'applied'").await as usize,
        n,
        "every activity applied"
    );
    assert_eq!(inst.count("endorsements").await as usize, n);
    let verified = PERSONS.div_ceil(2) * PRACTICES;
    let counted: i64 = {
        let mut c = 0;
        for p in &practices {
            c += good_index::of(&db, p.id)
                .await
                .expect("db")
                .expect("row")
                .counted;
        }
        c
    };
    assert_eq!(counted as usize, verified, "the verified ones counted");
    n as f64 / took.as_secs_f64()
}

#[tokio::main]
async fn main() {
    println!(
        "Like/Dislike applied by the inbox worker: {PERSONS} remote persons on {HOSTS} \
         instances × {PRACTICES} practices, half of them verified by an earlier Read"
    );
    let sqlite = votes_rate(Backend::Sqlite).await;
    println!(
        "  SQLite: {sqlite:.0}/s endorsements applied with the index kept current; target \
         ≥ 5000/s: {}",
        if sqlite >= 5000.0 { "met" } else { "NOT met" }
    );
    if std::env::var("PRASSI_BENCH_SKIP_PG").is_err() {
        let pg = votes_rate(Backend::Postgres).await;
        println!("  PostgreSQL: {pg:.0}/s");
    }
    println!();
    let max: usize = std::env::var("PRASSI_BENCH_MAX_ENDORSEMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    println!(
        "Good index: one endorsement applied (totals, index recomputed, counts) in its own \
         transaction, as the practice's counted endorsements grow ({INSTANCES} instances, \
         {SAMPLES} samples each)"
    );
    println!("SQLite:");
    index_cost(Backend::Sqlite, max).await;
    if std::env::var("PRASSI_BENCH_SKIP_PG").is_err() {
        println!("PostgreSQL:");
        index_cost(Backend::Postgres, max).await;
    }
}
