//! Interop of endorsements with real peers nobody here wrote: a bovine-herd user's `Like`
//! and a Fedify actor's `Like` of a practice on Prassi are kept as unverified appreciation
//! (shown, never counted: neither sent a `Read`).

use federation_tests::{
    participation::{administration, endorsements, index_where},
    peers::{BovinePeer, FedifyPeer},
    TestInstance,
};
use prassi::domain::actor::Role;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bovine_and_fedify_likes_are_unverified_appreciation() {
    let p = TestInstance::start().await;
    let org = administration(&p, "comune-bari", "c_a662").await;
    let (_, m) = p
        .user("m-comune-bari", Role::Manager, Some("comune-bari"))
        .await;
    let practice = m.publish(federation_tests::example(0)).await;
    let (id, url) = (
        practice["id"].as_i64().expect("id"),
        practice["ap_id"].as_str().expect("ap_id").to_string(),
    );

    let bovine = BovinePeer::start().await;
    bovine.like(&url, org.as_str()).await;
    let row = index_where(&p, id, "the bovine like is kept", |r| r.unverified == 1).await;
    assert_eq!((row.positive, row.verified, row.counted), (1, 0, 0));

    let fedify = FedifyPeer::start().await;
    fedify.like(&url, org.as_str()).await;
    let row = index_where(&p, id, "the Fedify like is kept", |r| r.unverified == 2).await;
    assert_eq!((row.positive, row.verified, row.counted), (2, 0, 0));
    assert_eq!((row.g_peer, row.g_citizen, row.combined), (0.0, 0.0, 0.0));

    let stored = endorsements(&p, id).await;
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert!(stored
        .iter()
        .all(|e| !e.verified && e.weight == 0 && e.positive));
    let mut hosts: Vec<String> = stored.iter().map(|e| e.instance.clone()).collect();
    hosts.sort();
    let mut expected = vec![
        prassi::config::host_port(&bovine.actor),
        prassi::config::host_port(&fedify.actor),
    ];
    expected.sort();
    assert_eq!(hosts, expected, "one endorsement per peer");
}
