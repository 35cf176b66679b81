//! Federation benchmarks, printed side by side with the ceiling they are bound by:
//! RSA-2048 sign/verify per second (aws-lc-rs in use, the `rsa` crate for comparison), inbox
//! throughput (signed 2 KB `Create`s verified, deduplicated and stored) on SQLite and
//! PostgreSQL, and a fan-out of one activity to 10,000 followers on 1,000 instances.
//!
//! `cargo bench -p federation-tests` (PostgreSQL at PRASSI_TEST_PG_URL, default
//! postgres://postgres@127.0.0.1:5432/postgres; `PRASSI_BENCH_SKIP_PG=1` skips it).

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant, SystemTime},
};

use federation_tests::{Backend, Options, TestInstance};
use futures::StreamExt;
use prassi::{
    crypto::{generate_keypair, Signer, Verifier},
    db::actors,
    domain::{actor::Role, practice_examples},
    federation::signatures::sign_post,
};
use reqwest::Method;
use serde_json::json;

/// A request ready to send: signed headers and body.
type Signed = (Vec<(&'static str, String)>, Vec<u8>);

fn per_sec(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

/// Single-core RSA-2048 rates: (aws-lc sign, aws-lc verify, rsa sign, rsa verify).
fn rsa_ceiling() -> (f64, f64, f64, f64) {
    use rsa::{pkcs8::DecodePrivateKey, Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
    use sha2::{Digest, Sha256};
    let kp = generate_keypair().expect("keys");
    let msg = b"(request-target): post /inbox\nhost: example.org\ndate: Sun, 22 Nov 2026 12:00:00 GMT\ndigest: SHA-256=abc";
    let budget = Duration::from_millis(1500);

    let s = Signer::from_pem(&kp.private_pem).expect("signer");
    let v = Verifier::from_pem(&kp.public_pem).expect("verifier");
    let sig = s.sign_b64(msg).expect("sign");
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        let mut n = 0;
        while start.elapsed() < budget {
            f();
            n += 1;
        }
        per_sec(n, start.elapsed())
    };
    let lc_sign = time(&mut || {
        s.sign_b64(msg).expect("sign");
    });
    let lc_verify = time(&mut || assert!(v.verify_b64(msg, &sig)));

    let key = RsaPrivateKey::from_pkcs8_pem(&kp.private_pem).expect("rsa key");
    let public = RsaPublicKey::from(&key);
    let hashed = Sha256::digest(msg);
    let rsig = key
        .sign(Pkcs1v15Sign::new::<Sha256>(), &hashed)
        .expect("rsa sign");
    let rc_sign = time(&mut || {
        key.sign(Pkcs1v15Sign::new::<Sha256>(), &hashed)
            .expect("rsa sign");
    });
    let rc_verify = time(&mut || {
        public
            .verify(Pkcs1v15Sign::new::<Sha256>(), &hashed, &rsig)
            .expect("rsa verify");
    });
    (lc_sign, lc_verify, rc_sign, rc_verify)
}

/// aws-lc-rs RSA-2048 signatures per second with `threads` threads signing at once: the real
/// ceiling of a fan-out, lower than one core's rate times the cores when they share caches or
/// are hyper-threads of one another.
fn parallel_sign(threads: usize) -> f64 {
    let kp = generate_keypair().expect("keys");
    let s = Arc::new(Signer::from_pem(&kp.private_pem).expect("signer"));
    let budget = Duration::from_millis(1500);
    let start = Instant::now();
    let counts: Vec<usize> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let s = s.clone();
                scope.spawn(move || {
                    let mut n = 0;
                    while start.elapsed() < budget {
                        s.sign_b64(b"(request-target): post /inbox").expect("sign");
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    per_sec(counts.iter().sum(), start.elapsed())
}

/// Posts `n` pre-signed 2 KB `Create` activities to B's shared inbox, 64 at a time.
/// With `apply_too`, B's inbox worker applies the activities while they arrive; without it,
/// the figure is the inbox alone (verified, deduplicated, stored).
async fn inbox_rate(backend: Backend, n: usize, apply_too: bool) -> f64 {
    let opts = Options {
        backend,
        ..Options::default()
    };
    let a = TestInstance::start_with(opts.clone()).await;
    let b = if apply_too {
        TestInstance::start_with(opts).await
    } else {
        TestInstance::start_with(Options {
            backend,
            tweak: |c| c.delivery.run_workers = false,
        })
        .await
    };
    a.user("sender", Role::Citizen, None).await;
    let actor = actors::local_by_username(&a.store(), "sender")
        .await
        .expect("db")
        .expect("actor");
    let signer = Signer::from_pem(actor.private_key_pem.as_deref().expect("key")).expect("signer");
    let inbox = b.base.join("inbox").expect("url");
    let filler = "x".repeat(1700);
    let now = SystemTime::now();
    let requests: Vec<Signed> = (0..n + 1)
        .map(|i| {
            let body = serde_json::to_vec(&json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": format!("{}activities/bench-{i}", a.base),
                "type": "Create",
                "actor": actor.ap_id.as_str(),
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "object": {"id": format!("{}notes/{i}", a.base), "type": "Note", "content": filler},
            }))
            .expect("json");
            let h = sign_post(&signer, &actor.public_key_id, &inbox, &body, now).expect("sign");
            (h, body)
        })
        .collect();
    let client = reqwest::Client::new();
    let send = |(h, body): Signed| {
        let mut req = client
            .post(inbox.clone())
            .header("content-type", "application/activity+json");
        for (k, v) in h {
            if k != "host" {
                req = req.header(k, v);
            }
        }
        async move {
            req.body(body)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }
    };
    let mut it = requests.into_iter();
    // The first request fetches the sender's key; not part of the measurement.
    assert_eq!(send(it.next().expect("first")).await, 202);
    let ok = AtomicUsize::new(0);
    let start = Instant::now();
    futures::stream::iter(it)
        .map(send)
        .buffer_unordered(64)
        .for_each(|s| {
            if s == 202 {
                ok.fetch_add(1, Ordering::Relaxed);
            }
            async {}
        })
        .await;
    let took = start.elapsed();
    let ok = ok.load(Ordering::Relaxed);
    assert_eq!(ok, n, "every activity accepted");
    assert_eq!(
        b.count("inbox_activities").await as usize,
        n + 1,
        "every activity stored once"
    );
    per_sec(n, took)
}

/// A lightweight inbox that counts the POSTs it answers with 202: plain HTTP/1.1 on a socket,
/// keep-alive, one per simulated instance. Its own cost is kept small because it shares the
/// machine's two cores with the sender being measured.
async fn counting_receiver(counter: Arc<AtomicUsize>) -> url::Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(answer_posts(socket, counter.clone()));
        }
    });
    url::Url::parse(&format!("http://localhost:{port}/inbox")).expect("url")
}

/// Reads requests on one connection (head parsed by httparse, body by Content-Length) and
/// answers each signed POST to /inbox with 202, anything else with 404 (not counted).
async fn answer_posts(mut socket: tokio::net::TcpStream, counter: Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = Vec::with_capacity(8192);
    loop {
        let (head_len, body_len, is_inbox_post) = loop {
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut req = httparse::Request::new(&mut headers);
            match req.parse(&buf) {
                Ok(httparse::Status::Complete(n)) => {
                    let len = req
                        .headers
                        .iter()
                        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                        .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse().ok())
                        .unwrap_or(0usize);
                    // Only a signed delivery counts: a Signature over a Digest of the body.
                    let has = |name: &str, part: &[u8]| {
                        req.headers.iter().any(|h| {
                            h.name.eq_ignore_ascii_case(name)
                                && h.value.windows(part.len()).any(|w| w == part)
                        })
                    };
                    let signed = has("signature", b"signature=\"") && has("digest", b"SHA-256=");
                    break (
                        n,
                        len,
                        req.method == Some("POST") && req.path == Some("/inbox") && signed,
                    );
                }
                Ok(httparse::Status::Partial) => {}
                Err(_) => return,
            }
            if socket.read_buf(&mut buf).await.unwrap_or(0) == 0 {
                return;
            }
        };
        while buf.len() < head_len + body_len {
            if socket.read_buf(&mut buf).await.unwrap_or(0) == 0 {
                return;
            }
        }
        buf.drain(..head_len + body_len);
        let answer: &[u8] = if is_inbox_post {
            counter.fetch_add(1, Ordering::Relaxed);
            b"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n"
        } else {
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"
        };
        if socket.write_all(answer).await.is_err() {
            return;
        }
    }
}

/// One practice published to `followers` followers spread over `instances` instances: a
/// manager's draft (a full example record) is published through the API, and the clock runs
/// from that call to the last delivery received. Returns (wall time, deliveries).
async fn fan_out(instances: usize, followers: usize, cores: f64) -> (Duration, usize) {
    let a = TestInstance::start_with(Options {
        backend: Backend::Sqlite,
        ..Options::default()
    })
    .await;
    a.organization("regione-bench", "Regione Bench").await;
    let (_, manager) = a
        .user("manager-bench", Role::Manager, Some("regione-bench"))
        .await;
    let record = serde_json::to_value(&practice_examples::all()[0]).expect("json");
    let record = manager.own_media(record).await;
    let draft = manager
        .call(Method::POST, "/api/v1/practices", Some(record))
        .await
        .expect("draft");
    let draft_id = draft["id"].as_i64().expect("id");
    let counter = Arc::new(AtomicUsize::new(0));
    let mut inboxes = Vec::with_capacity(instances);
    for _ in 0..instances {
        inboxes.push(counting_receiver(counter.clone()).await);
    }
    let db = a.store();
    let org = actors::local_by_username(&db, "regione-bench")
        .await
        .expect("db")
        .expect("org");
    let keys = generate_keypair().expect("keys");
    let mut tx = db.begin().await.expect("tx");
    for i in 0..followers {
        let inbox = &inboxes[i % instances];
        let id = format!("{}/users/u{i}", inbox.as_str().trim_end_matches("/inbox"));
        let (aid,): (i64,) = federation_tests::sql!(fetch_one, &mut tx,
            (i64,),
            "INSERT INTO actors (ap_id, kind, username, domain, local, inbox, shared_inbox, public_key_id, \
             public_key_pem, published, last_refreshed_at) VALUES ($1, 'Person', $2, $3, FALSE, $4, $5, $6, $7, $8, $8) RETURNING id",
            id.clone(),
            format!("u{i}"),
            prassi::config::host_port(inbox),
            format!("{id}/inbox"),
            inbox.to_string(),
            format!("{id}#main-key"),
            keys.public_pem.clone(),
            prassi::db::now()
        )
        .expect("actor");
        prassi::db::follows::upsert(&mut tx, aid, org.id, &format!("{id}/follow"), true)
            .await
            .expect("follow");
    }
    tx.commit().await.expect("commit");
    let cpu_before = cpu_seconds();
    let start = Instant::now();
    manager
        .call(
            Method::POST,
            &format!("/api/v1/practices/{draft_id}/publish"),
            None,
        )
        .await
        .expect("publish");
    let published = start.elapsed();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut first = None;
    while counter.load(Ordering::Relaxed) < instances && Instant::now() < deadline {
        if first.is_none() && counter.load(Ordering::Relaxed) > 0 {
            first = Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let took = start.elapsed();
    let cpu = cpu_seconds() - cpu_before;
    let (size,): (i64,) = federation_tests::sql!(
        fetch_one,
        db.writer(),
        (i64,),
        "SELECT LENGTH(body) FROM activities WHERE kind = 'Create' ORDER BY id DESC LIMIT 1"
    )
    .expect("activity");
    println!(
        "  (Create(Article) of {size} bytes; the publish call, queueing included, took {:.3} s; first \
         delivery arrived after {:.3} s; CPU used {cpu:.2} s of {:.2} available)",
        published.as_secs_f64(),
        first.unwrap_or(took).as_secs_f64(),
        took.as_secs_f64() * cores
    );
    (took, counter.load(Ordering::Relaxed))
}

/// User + system CPU time of this process so far, from /proc (0 where there is none).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) are space-separated; utime and
    // stime are the 14th and 15th fields, in clock ticks (100 per second on Linux).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1) as f64;
    println!("Prassi federation benchmarks ({cores} cores)\n");

    let (lc_sign, lc_verify, rc_sign, rc_verify) = rsa_ceiling();
    println!("ceiling: RSA-2048 per core      aws-lc-rs (in use)   rsa crate");
    println!("  sign/s                        {lc_sign:>10.0}        {rc_sign:>10.0}");
    println!("  verify/s                      {lc_verify:>10.0}        {rc_verify:>10.0}");
    println!(
        "  ratio aws-lc/rsa:             sign ×{:.1}, verify ×{:.1}",
        lc_sign / rc_sign,
        lc_verify / rc_verify
    );

    let sign_ceiling = parallel_sign(cores as usize);
    println!(
        "  aws-lc-rs sign/s with {cores} threads at once: {sign_ceiling:.0} ({:.2} × one core)\n",
        sign_ceiling / lc_sign
    );

    let only_fan_out = std::env::var("PRASSI_BENCH_ONLY").is_ok_and(|v| v == "fan-out");
    let n = 8000;
    let verify_ceiling = lc_verify * cores;
    if !only_fan_out {
        println!(
            "inbox: {n} signed 2 KB Create over HTTP, 64 in flight; ceiling (verify on {cores} cores) \
             {verify_ceiling:.0}/s"
        );
        let sqlite = inbox_rate(Backend::Sqlite, n, false).await;
        println!(
            "  SQLite: {sqlite:.0}/s verified, deduplicated, stored; target ≥ 4000/s: {}; achieved/ceiling {:.2}",
            if sqlite >= 4000.0 { "met" } else { "NOT met" },
            sqlite / verify_ceiling
        );
        let busy = inbox_rate(Backend::Sqlite, n, true).await;
        println!(
            "  SQLite, while the inbox worker applies them at the same time: {busy:.0}/s; achieved/ceiling {:.2}",
            busy / verify_ceiling
        );
        if std::env::var("PRASSI_BENCH_SKIP_PG").is_err() {
            let pg = inbox_rate(Backend::Postgres, n, false).await;
            println!(
                "  PostgreSQL: {pg:.0}/s verified, deduplicated, stored; achieved/ceiling {:.2}",
                pg / verify_ceiling
            );
        }
        println!();
    }
    if std::env::var("PRASSI_BENCH_ONLY").is_ok_and(|v| v == "inbox") {
        return;
    }

    let (instances, followers) = (1000, 10_000);
    // The machine is shared and noisy: three runs, each on a fresh instance, and their median.
    let runs: usize = std::env::var("PRASSI_BENCH_FAN_OUT_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let mut results = Vec::with_capacity(runs);
    for run in 1..=runs.max(1) {
        let (took, delivered) = fan_out(instances, followers, cores).await;
        assert_eq!(delivered, instances, "every instance got the activity");
        println!(
            "fan-out run {run}: 1 practice to {followers} followers on {instances} instances (shared inboxes): \
             {delivered} signed deliveries in {:.3} s = {:.0}/s",
            took.as_secs_f64(),
            per_sec(delivered, took)
        );
        results.push(took);
    }
    results.sort();
    let took = results[results.len() / 2];
    let rate = per_sec(instances, took);
    println!(
        "fan-out, median of {}: {instances} signed deliveries in {:.3} s = {rate:.0}/s",
        results.len(),
        took.as_secs_f64()
    );
    println!(
        "  rate: target ≥ 2500/s {}; ceiling (sign on {cores} threads at once) {sign_ceiling:.0}/s, achieved/ceiling {:.2}",
        if rate >= 2500.0 { "met" } else { "NOT met" },
        rate / sign_ceiling
    );
    let floor = instances as f64 / sign_ceiling;
    println!(
        "  wall time: target ≤ 0.6 s {}; floor (the {instances} signatures alone on {cores} threads) {floor:.3} s, floor/achieved {:.2}",
        if took.as_secs_f64() <= 0.6 { "met" } else { "NOT met" },
        floor / took.as_secs_f64()
    );
}
