//! Participation: what one endorsement costs the good index as a practice gathers more of
//! them (it must stay flat: the index is recomputed from per-instance totals, never from the
//! endorsements), on SQLite and PostgreSQL.
//!
//! `cargo bench -p federation-tests --bench participation`. `PRASSI_BENCH_SKIP_PG=1` skips
//! PostgreSQL; `PRASSI_BENCH_MAX_ENDORSEMENTS` caps the largest practice (default 100,000).

use std::time::{Duration, Instant};

use federation_tests::{example, Backend, Options, TestInstance};
use prassi::{
    db::good_index::{self, Counted},
    domain::good_index::{weight, Class},
};

/// Endorsements spread over this many instances, as they would be on a busy hub.
const INSTANCES: usize = 50;
/// Index updates timed at each size.
const SAMPLES: usize = 400;

fn vote(i: usize) -> Counted {
    let class = if i % 3 == 0 {
        Class::Citizen
    } else {
        Class::Peer
    };
    Counted {
        instance: format!("i{}.example", i % INSTANCES),
        class,
        weight: weight(class, true, false),
        positive: i % 4 != 0,
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

#[tokio::main]
async fn main() {
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
