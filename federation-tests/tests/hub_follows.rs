//! Following a whole instance from the hub's admin API: bad input refused with nothing stored,
//! an instance down at the start followed once it is up (and unfollowed), and a rejected
//! follow ending the wait with an error.

use std::time::Duration;

use federation_tests::{
    eventually,
    hub::{
        self, follow_becomes, follow_instance, follow_of, instance_follows, practices_from,
        publish_many, start_configured,
    },
    Backend, Options, TestInstance,
};
use reqwest::Method;
use serde_json::json;

const T: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_to_the_admin_api_is_refused_and_stores_nothing() {
    let a = TestInstance::start().await;
    let hub = TestInstance::start().await;
    let org = a.organization("comune-x", "Comune X").await;
    let (_, manager) = hub
        .user("m", prassi::domain::actor::Role::Citizen, None)
        .await;
    let e = follow_instance(&hub.admin, "not a url")
        .await
        .expect_err("not a URL");
    assert_eq!(e.status, 422, "{:?}", e.body);
    assert!(e.body["fields"]["target"].is_string());
    let e = follow_instance(&hub.admin, "ftp://example.org/")
        .await
        .expect_err("not http");
    assert_eq!(e.status, 422);
    let e = follow_instance(&hub.admin, hub.base.as_str())
        .await
        .expect_err("self");
    assert_eq!(e.status, 400);
    assert_eq!(e.body["error"], "self_follow");
    let nobody = format!("http://localhost:{}/", federation_tests::free_port());
    let e = follow_instance(&hub.admin, &nobody)
        .await
        .expect_err("unreachable");
    assert_eq!(e.status, 502, "{:?}", e.body);
    assert!(
        e.body["message"]
            .as_str()
            .expect("message")
            .contains("cannot reach"),
        "{:?}",
        e.body
    );
    let e = follow_instance(&hub.admin, org.as_str())
        .await
        .expect_err("an organisation");
    assert_eq!(e.status, 422, "{:?}", e.body);
    let why = e.body["fields"]["target"].as_str().expect("why");
    assert!(
        why.contains("not an instance actor") && why.contains("Organization"),
        "{why}"
    );
    let e = follow_instance(&hub.admin, &format!("{}actors/nobody", a.base))
        .await
        .expect_err("nothing there");
    assert_eq!(e.status, 422, "{:?}", e.body);
    let e = follow_instance(&manager, a.base.as_str())
        .await
        .expect_err("not an admin");
    assert_eq!(e.status, 403);
    let e = follow_instance(&hub.admin, &json!({"x": 1}).to_string())
        .await
        .expect_err("garbage");
    assert_eq!(e.status, 422);
    assert_eq!(hub.count("instance_follows").await, 0);
    assert_eq!(hub.count("follows").await, 0);
    assert_eq!(hub.count("deliveries").await, 0);
    let e = hub
        .admin
        .call(Method::DELETE, "/api/v1/admin/instance-follows/99", None)
        .await
        .expect_err("no such follow");
    assert_eq!(e.status, 404);
    assert!(follow_of(&hub, &a.domain).await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_down_at_start_is_followed_once_it_is_up_and_unfollowed() {
    let backend = Backend::from_env();
    let port = federation_tests::free_port();
    let url = format!("http://localhost:{port}");
    // The hub starts first, configured to follow a region where nothing listens yet.
    let (hub, _hub_db) = start_configured(backend, None, |c| {
        c.follow_instances =
            vec![url::Url::parse(&format!("http://localhost:{port}")).expect("url")]
    })
    .await;
    assert!(follow_of(&hub, &format!("localhost:{port}"))
        .await
        .is_none());
    let (a, _a_db) = start_configured(backend, Some(port), hub::small_pages).await;
    let m = a.manager_of("regione-c").await;
    publish_many(&m, 3).await;
    let f = follow_becomes(&hub, &a.domain, "followed once up, and walked", |f| {
        f["state"] == "accepted" && f["backfill"]["done"] == true
    })
    .await;
    assert_eq!(f["target"], format!("{url}/actor"));
    // Published before the follow was accepted (walked) or after (relayed): each stored once.
    eventually(T, "all three on the hub", || async {
        (practices_from(&hub, &a.domain).await == 3).then_some(())
    })
    .await;
    hub.admin.drain().await;
    assert_eq!(practices_from(&hub, &a.domain).await, 3);
    assert_eq!(
        a.followers_of(&format!("{url}/actor")).await,
        vec![format!("{}actor", hub.base)]
    );

    let id = f["id"].as_i64().expect("id");
    hub.admin
        .call(
            Method::DELETE,
            &format!("/api/v1/admin/instance-follows/{id}"),
            None,
        )
        .await
        .expect("unfollow");
    assert!(instance_follows(&hub).await.is_empty());
    eventually(T, "A forgets the follower", || async {
        a.followers_of(&format!("{url}/actor"))
            .await
            .is_empty()
            .then_some(())
    })
    .await;
    assert_eq!(
        practices_from(&hub, &a.domain).await,
        3,
        "what was stored stays"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_instance_wait_stops_with_an_error_when_the_follow_is_rejected() {
    let a = TestInstance::start().await;
    // A hub whose server delivers nothing: the follow stays pending until it is rejected.
    let hub = TestInstance::start_with(Options {
        backend: Backend::from_env(),
        tweak: |c| c.delivery.run_workers = false,
    })
    .await;
    let mut cli = tokio::process::Command::new(federation_tests::prassi_binary());
    cli.args(["admin", "follow-instance", a.base.as_str(), "--wait"])
        .env("PRASSI_PUBLIC_URL", hub.base.as_str())
        .env("PRASSI_DATABASE_URL", &hub.db.url)
        .env("PRASSI_DATA_DIR", hub.db.data_dir())
        .env("PRASSI_ALLOW_PRIVATE_PEERS", "true")
        .env("PRASSI_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let child = cli.spawn().expect("spawn prassi");
    let f = follow_becomes(&hub, &a.domain, "the follow is pending", |f| {
        f["state"] == "pending"
    })
    .await;
    // A's Reject, as the hub's inbox applies it: the follow is forgotten.
    federation_tests::sql!(
        execute,
        hub.store().writer(),
        "DELETE FROM follows WHERE target_id = (SELECT id FROM actors WHERE ap_id = $1)",
        f["target"].as_str().expect("target").to_string()
    )
    .expect("reject");
    let out = tokio::time::timeout(T, child.wait_with_output())
        .await
        .expect("--wait stops once the follow is rejected")
        .expect("output");
    assert!(!out.status.success(), "a non-zero exit");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rejected the follow"), "{err}");
}
