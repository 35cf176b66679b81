//! Delivery that loses nothing: instances down and back, crashes mid fan-out, final refusals,
//! poison activities, and several processes on one database.

use std::{
    collections::HashMap,
    time::{Duration, SystemTime},
};

use federation_tests::{
    eventually, fast_config, post_signed, receiver::Receiver, Options, TestDb, TestInstance,
};
use prassi::{db::inbox, domain::actor::Role};
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(30);

/// Activity ids B stored, in arrival order, of the given type.
async fn stored_ids(b: &TestInstance, kind: &str) -> Vec<String> {
    let rows: Vec<(String,)> = federation_tests::sql!(
        fetch_all,
        &b.store(),
        (String,),
        "SELECT ap_id FROM inbox_activities WHERE kind = $1 ORDER BY id",
        kind
    )
    .expect("query");
    rows.into_iter().map(|r| r.0).collect()
}

/// What `a` reports about the instance `domain` (admin federation view).
async fn instance(a: &TestInstance, domain: &str) -> Option<Value> {
    let s = a.admin.federation().await;
    s["instances"]
        .as_array()?
        .iter()
        .find(|i| i["domain"] == domain)
        .cloned()
}

/// A count (or any integer) the query `sql` gives on `a`'s database.
async fn scalar(a: &TestInstance, sql: &str) -> i64 {
    let (n,): (i64,) = federation_tests::sql!(fetch_one, &a.store(), (i64,), sql).expect("query");
    n
}

async fn outcomes(a: &TestInstance, destination: &str) -> Vec<(String, i64)> {
    federation_tests::sql!(
        fetch_all,
        &a.store(),
        (String, i64),
        "SELECT outcome, attempts FROM delivery_log WHERE destination = $1 ORDER BY id",
        destination
    )
    .expect("query")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activities_queued_while_b_is_down_arrive_once_and_in_order() {
    // A window of one request in flight keeps the stream strictly ordered.
    let a = TestInstance::start_with(Options {
        tweak: |c| c.delivery.per_destination_concurrency = 1,
        ..Options::default()
    })
    .await;
    let mut b = TestInstance::start().await;
    a.organization("regione-lazio", "Regione Lazio").await;
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    bob.follow_accepted(a.actor_url("regione-lazio").as_str())
        .await;

    b.stop().await;
    let ids = a.broadcast("regione-lazio", 50).await;
    let state = eventually(T, "A notices B is down and backs off", || async {
        let i = instance(&a, &b.domain).await?;
        (i["consecutive_failures"].as_i64()? >= 1).then_some(i)
    })
    .await;
    assert_eq!(state["lagging_by"], 50, "{state}");
    assert!(state["last_error"].is_string());

    b.restart().await;
    eventually(T, "all 50 reach B", || async {
        (stored_ids(&b, "Create").await.len() >= 50).then_some(())
    })
    .await;
    a.admin.drain().await;
    assert_eq!(stored_ids(&b, "Create").await, ids, "each once, in order");
    let sent: Vec<(String,)> = federation_tests::sql!(fetch_all, &a.store(),
        (String,),
        "SELECT activity_ap_id FROM delivery_log WHERE destination = $1 AND outcome = 'delivered' ORDER BY id",
        b.domain.clone()
    )
    .expect("query");
    let sent: Vec<String> = sent
        .into_iter()
        .map(|r| r.0)
        .filter(|id| ids.contains(id))
        .collect();
    assert_eq!(sent, ids, "each delivered once, in order");
    let i = instance(&a, &b.domain).await.expect("B");
    assert_eq!(i["state"], "up");
    assert_eq!(i["lagging_by"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_answered_410_is_not_retried_and_500_is() {
    let a = TestInstance::start().await;
    a.organization("comune-roma", "Comune di Roma").await;
    let gone = Receiver::start().await;
    gone.answer(410);
    let flaky = Receiver::start().await;
    flaky.fail_first(2);
    a.add_remote_followers("comune-roma", &gone.inbox(), 3)
        .await;
    a.add_remote_followers("comune-roma", &flaky.inbox(), 2)
        .await;
    let ids = a.broadcast("comune-roma", 1).await;

    eventually(
        T,
        "the flaky instance gets it after two failures",
        || async { (flaky.received().len() >= 3).then_some(()) },
    )
    .await;
    let drained = a.admin.drain().await;
    assert_eq!(drained["drained"], true, "{drained}");
    assert_eq!(drained["pending_deliveries"], 0, "nothing left to retry");
    // One request to the shared inbox, refused for good, never retried.
    assert_eq!(gone.received(), ids);
    let gone_domain = prassi::config::host_port(&gone.base);
    assert_eq!(
        outcomes(&a, &gone_domain).await,
        vec![("refused".to_string(), 1)]
    );
    let flaky_domain = prassi::config::host_port(&flaky.base);
    assert_eq!(
        outcomes(&a, &flaky_domain).await,
        vec![("delivered".to_string(), 3)]
    );
    assert_eq!(flaky.received(), vec![ids[0].clone(); 3]);
    let metrics = a.metrics_text().await;
    assert!(
        metrics.contains("prassi_deliveries_finished_total{outcome=\"refused\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("prassi_delivery_sends_total{outcome=\"failed\"} 2"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_activity_is_kept_with_its_error_and_the_next_ones_are_applied() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    let org = b.organization("comune-napoli", "Comune di Napoli").await;
    a.user("carla", Role::Citizen, None).await;
    let carla = a.actor_url("carla").to_string();
    let inbox = format!("{}inbox", b.base);
    let now = SystemTime::now();
    // Signed and well-formed, but it accepts a follow nobody sent: it can never apply.
    let poison = json!({
        "id": format!("{}activities/poison", a.base), "type": "Accept", "actor": carla,
        "object": format!("{}activities/never-sent", b.base),
    });
    let follow = json!({
        "id": format!("{}activities/f1", a.base), "type": "Follow", "actor": carla, "object": org.as_str(),
    });
    for body in [&poison, &follow] {
        let s = post_signed(
            &a,
            "carla",
            &inbox,
            &serde_json::to_vec(body).expect("json"),
            |_, _| {},
            now,
        )
        .await;
        assert_eq!(s, 202);
    }
    eventually(T, "the follow after the poison is applied", || async {
        let page: Value = b.get_ap(&format!("{org}/followers?page=1")).await;
        (page["orderedItems"] == json!([carla])).then_some(())
    })
    .await;
    let failed = b
        .admin
        .call(reqwest::Method::GET, "/api/v1/admin/inbox/failed", None)
        .await
        .expect("failed list");
    let failed = failed.as_array().expect("array");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["ap_id"], poison["id"]);
    assert!(failed[0]["last_error"]
        .as_str()
        .expect("error")
        .contains("no follow of ours"));
    assert_eq!(b.admin.federation().await["failed_inbox"], 1);
    let rows = inbox::state_counts(&b.store()).await.expect("counts");
    assert!(rows.contains(&("applied".to_string(), 1)), "{rows:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_database_deliver_each_activity_once() {
    let a = TestInstance::start().await;
    let mut a2 = a.second_process().await;
    a.organization("regione-sicilia", "Regione Sicilia").await;
    let mut receivers = Vec::new();
    for _ in 0..8 {
        let r = Receiver::start().await;
        // Slow answers widen the window in which both processes look for work.
        r.delay(Duration::from_millis(5));
        a.add_remote_followers("regione-sicilia", &r.inbox(), 2)
            .await;
        receivers.push(r);
    }
    let ids = a.broadcast("regione-sicilia", 30).await;
    a2.fed.to_request_data().delivery_wake.notify_one();
    for r in &receivers {
        eventually(T, "every receiver gets all 30", || async {
            (r.received().len() >= 30).then_some(())
        })
        .await;
    }
    a.admin.drain().await;
    for r in &receivers {
        let counts = r.counts();
        assert_eq!(counts.len(), 30);
        assert!(ids.iter().all(|id| counts.contains_key(id)));
        assert!(
            counts.values().all(|n| *n == 1),
            "a delivery was sent twice: {counts:?}"
        );
        // Several requests are in flight per destination, so order holds only within that window.
    }
    a2.stop().await;
}

/// Runs `prassi serve` as a real process on `port` with `db`.
fn spawn_prassi(port: u16, db: &TestDb) -> tokio::process::Child {
    federation_tests::spawn_prassi(port, db, &[("PRASSI_DELIVERY_LEASE_MS", "12000")])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_in_the_middle_of_a_fan_out_loses_nothing() {
    let backend = Options::default().backend;
    let db = TestDb::create(backend).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let url = url::Url::parse(&format!("http://localhost:{port}")).expect("url");

    // Prepare the instance's data in this process, then let the real process deliver it.
    let receivers;
    let ids = {
        let mut cfg = fast_config(url.clone(), &db);
        cfg.allow_private_peers = true;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let mut setup = TestInstance::launch_without_workers(cfg, listener, &db).await;
        setup.organization("regione-veneto", "Regione Veneto").await;
        receivers = setup
            .followers_on_receivers("regione-veneto", 12, 3, Duration::from_millis(15))
            .await;
        let ids = setup.broadcast("regione-veneto", 25).await;
        setup.stop().await;
        ids
    };
    let total = receivers.len() * ids.len();

    let mut child = spawn_prassi(port, &db);
    eventually(T, "the fan-out is under way", || async {
        let got: usize = receivers.iter().map(|r| r.received().len()).sum();
        (got >= total / 10).then_some(())
    })
    .await;
    child.start_kill().expect("kill -9");
    let _ = child.wait().await;
    let got: usize = receivers.iter().map(|r| r.received().len()).sum();
    assert!(
        got < total,
        "the kill came too late to prove anything ({got}/{total})"
    );

    let mut child = spawn_prassi(port, &db);
    for r in &receivers {
        eventually(T, "every follower instance gets every activity", || async {
            (r.counts().len() == ids.len()).then_some(())
        })
        .await;
    }
    child.start_kill().expect("kill");
    let _ = child.wait().await;
    let mut dups = 0;
    for r in &receivers {
        let counts: HashMap<String, usize> = r.counts();
        assert!(ids.iter().all(|id| counts.contains_key(id)));
        dups += counts.values().map(|n| n - 1).sum::<usize>();
    }
    // At-least-once: a delivery in flight at the kill may be sent again; receivers dedupe by id.
    assert!(dups <= receivers.len() * 4, "too many duplicates: {dups}");
    eprintln!("kill -9 mid fan-out: {got}/{total} delivered before the kill, {dups} re-sent after restart");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_instance_is_probed_rarely_and_revives_when_it_writes_to_us() {
    let a = TestInstance::start_with(Options {
        tweak: |c| {
            c.delivery.dead_after = Duration::from_millis(300);
            c.delivery.dead_probe_interval = Duration::from_secs(3600);
        },
        ..Options::default()
    })
    .await;
    let mut b = TestInstance::start().await;
    a.organization("regione-umbria", "Regione Umbria").await;
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    bob.follow_accepted(a.actor_url("regione-umbria").as_str())
        .await;

    b.stop().await;
    let ids = a.broadcast("regione-umbria", 3).await;
    let dead = eventually(T, "A marks B dead after failing long enough", || async {
        let i = instance(&a, &b.domain).await?;
        (i["state"] == "dead").then_some(i)
    })
    .await;
    // Dead: the next probe is an hour away, so nothing is sent meanwhile.
    let until = dead["backoff_until"].as_i64().expect("backoff_until");
    assert!(until - prassi::db::now_ms() > 3_000_000, "{dead}");

    b.restart().await;
    assert!(stored_ids(&b, "Create").await.is_empty());
    // B writes to A (a new follow from another user): A revives it and sends at once.
    let (_, carol) = b.user("carol", Role::Citizen, None).await;
    carol
        .follow(a.actor_url("regione-umbria").as_str())
        .await
        .expect("follow");
    let mut want = ids.clone();
    want.sort();
    let revived = tokio::time::timeout(T, async {
        // Default window of 4 in flight: all three go at once, in any order.
        while {
            let mut got = stored_ids(&b, "Create").await;
            got.sort();
            got != want
        } {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(
        revived.is_ok(),
        "the backlog did not reach B after it revived; A: {}; B got {:?}",
        a.admin.federation().await,
        stored_ids(&b, "Create").await
    );
    let i = instance(&a, &b.domain).await.expect("B");
    assert_eq!(i["state"], "up", "{i}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fan_out_wider_than_one_claim_round_reaches_every_instance_once() {
    // More destinations than the worker leases in one round (256), so the streams are claimed
    // in several rounds while the first ones are already sending.
    let a = TestInstance::start().await;
    a.organization("regione-lazio", "Regione Lazio").await;
    let mut receivers = Vec::new();
    for _ in 0..300 {
        let r = Receiver::start().await;
        a.add_remote_followers("regione-lazio", &r.inbox(), 2).await;
        receivers.push(r);
    }
    let ids = a.broadcast("regione-lazio", 2).await;
    for r in &receivers {
        eventually(T, "every instance gets both activities", || async {
            (r.counts().len() == ids.len()).then_some(())
        })
        .await;
    }
    assert_eq!(a.admin.drain().await["drained"], true);
    for r in &receivers {
        let counts = r.counts();
        assert!(
            ids.iter().all(|id| counts.get(id) == Some(&1)),
            "{counts:?}"
        );
    }
    assert_eq!(a.count("deliveries").await, 0, "the queue is empty");
    let delivered = scalar(
        &a,
        "SELECT COUNT(*) FROM delivery_log WHERE outcome = 'delivered'",
    )
    .await;
    assert_eq!(delivered, 600, "one log line per delivery");
    let held = scalar(
        &a,
        "SELECT COUNT(*) FROM instances WHERE lease_owner IS NOT NULL",
    )
    .await;
    assert_eq!(held, 0, "every stream is released");
    let up = scalar(
        &a,
        "SELECT COUNT(*) FROM instances WHERE state = 'up' AND last_success_at IS NOT NULL",
    )
    .await;
    assert_eq!(up, 300, "every instance is up with its last success");
}
