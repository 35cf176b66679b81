//! Node names: each process holds its name exclusively, and a process restarting under its
//! name after `kill -9` takes its predecessor's leases back at once, while a process of
//! another name waits for them to expire.

use std::time::Duration;

use federation_tests::{
    eventually, fast_config, free_port, receiver::Receiver, spawn_prassi, TestDb, TestInstance,
};
use prassi::db::Db;
use tokio::io::AsyncReadExt;

const T: Duration = Duration::from_secs(30);
/// Far longer than the test: a lease that expires cannot be what lets deliveries go on.
const LONG_LEASE_MS: &str = "600000";

/// Destinations whose stream `owner` holds a lease on.
async fn leased_by(db: &Db, owner: &str) -> Vec<String> {
    let rows: Vec<(String,)> = federation_tests::sql!(
        fetch_all,
        db,
        (String,),
        "SELECT domain FROM instances WHERE lease_owner = $1 ORDER BY domain",
        owner
    )
    .expect("query");
    rows.into_iter().map(|r| r.0).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_node_takes_its_leases_back_at_once_and_another_node_waits() {
    let db = TestDb::create(federation_tests::Backend::from_env()).await;
    let port = free_port();
    let url = url::Url::parse(&format!("http://localhost:{port}")).expect("url");
    let node = |name: &'static str| {
        [
            ("PRASSI_NODE_NAME", name),
            ("PRASSI_DELIVERY_LEASE_MS", LONG_LEASE_MS),
        ]
    };

    // Followers on slow receivers, and activities queued for them, prepared in this process.
    let receivers;
    let ids = {
        let cfg = fast_config(url.clone(), &db);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let mut setup = TestInstance::launch_without_workers(cfg, listener, &db).await;
        setup.organization("regione-veneto", "Regione Veneto").await;
        receivers = setup
            .followers_on_receivers("regione-veneto", 6, 2, Duration::from_millis(300))
            .await;
        let ids = setup.broadcast("regione-veneto", 12).await;
        setup.stop().await;
        ids
    };
    // Looks at the queue while the processes come and go.
    let observer = Db::connect(&db.url).await.expect("connect");
    let total = receivers.len() * ids.len();
    let delivered = |rs: &[Receiver]| rs.iter().map(|r| r.counts().len()).sum::<usize>();

    // Node A starts delivering and is killed mid-way, holding its streams' leases.
    let mut a = spawn_prassi(port, &db, &node("node-a"));
    eventually(T, "node A is delivering", || async {
        (delivered(&receivers) >= 1).then_some(())
    })
    .await;
    a.start_kill().expect("kill -9");
    let _ = a.wait().await;
    let held = leased_by(&observer, "node-a").await;
    assert!(
        !held.is_empty() && delivered(&receivers) < total,
        "the kill came too late to prove anything"
    );

    // Node B, another process of the same instance, delivers new work elsewhere but leaves
    // node A's streams alone: their leases have not expired.
    let mut cfg = fast_config(url.clone(), &db);
    cfg.node_name = Some("node-b".into());
    cfg.delivery.lease = Duration::from_secs(600);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let mut b = TestInstance::launch_shared(cfg, listener, &db).await;
    let witness = Receiver::start().await;
    b.organization("comune-di-padova", "Comune di Padova").await;
    b.add_remote_followers("comune-di-padova", &witness.inbox(), 1)
        .await;
    let probe = b.broadcast("comune-di-padova", 1).await;
    eventually(T, "node B delivers to an instance nobody holds", || async {
        witness.counts().contains_key(&probe[0]).then_some(())
    })
    .await;
    assert_eq!(
        leased_by(&observer, "node-a").await,
        held,
        "node B took streams whose leases had not expired"
    );
    b.stop().await;

    // Node A again: it takes its own leases back at once, long before they would expire.
    let mut a = spawn_prassi(port, &db, &node("node-a"));
    for r in &receivers {
        eventually(
            T,
            "every activity reaches every follower instance",
            || async { (r.counts().len() == ids.len()).then_some(()) },
        )
        .await;
    }
    a.start_kill().expect("kill");
    let _ = a.wait().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_process_with_the_same_node_name_refuses_to_start() {
    let db = TestDb::create(federation_tests::Backend::from_env()).await;
    let port = free_port();
    let mut first = spawn_prassi(port, &db, &[("PRASSI_NODE_NAME", "only-one")]);
    let nodeinfo = format!("http://127.0.0.1:{port}/.well-known/nodeinfo");
    eventually(T, "the first process serves", || async {
        reqwest::get(&nodeinfo).await.ok().map(|_| ())
    })
    .await;

    let mut second = tokio::process::Command::new(federation_tests::prassi_binary());
    second
        .arg("serve")
        .env("PRASSI_PUBLIC_URL", format!("http://localhost:{port}"))
        .env("PRASSI_BIND", format!("127.0.0.1:{}", free_port()))
        .env("PRASSI_DATABASE_URL", &db.url)
        .env("PRASSI_DATA_DIR", db.data_dir())
        .env("PRASSI_ALLOW_PRIVATE_PEERS", "true")
        .env("PRASSI_NODE_NAME", "only-one")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let mut child = second.spawn().expect("spawn");
    let status = tokio::time::timeout(T, child.wait())
        .await
        .expect("the second process stops by itself")
        .expect("wait");
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut err).await.expect("stderr");
    }
    assert!(!status.success(), "the second process ran: {err}");
    assert!(
        err.contains("only-one") && err.contains("PRASSI_NODE_NAME"),
        "the refusal names the node and the setting: {err}"
    );
    // The first one is untouched.
    assert!(reqwest::get(&nodeinfo).await.is_ok());
    first.start_kill().expect("kill");
    let _ = first.wait().await;
}
