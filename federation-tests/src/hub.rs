//! Helpers for hub scenarios: regions that publish, a hub that follows whole instances and
//! backfills them, and counts of what the hub holds from each origin.

use std::time::Duration;

use prassi::config::Config;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use url::Url;

use crate::{client::ApiError, ApiClient, Backend, TestDb, TestInstance};

/// Publishes `n` full practices (the examples, in turn) as `manager`; their views (`id`,
/// `ap_id`…) in publication order.
pub async fn publish_many(manager: &ApiClient, n: usize) -> Vec<Value> {
    let examples = prassi::domain::practice_examples::all().len();
    let mut views = Vec::with_capacity(n);
    for i in 0..n {
        views.push(manager.publish(crate::example(i % examples)).await);
    }
    views
}

/// The ActivityPub id of a practice's view.
pub fn ap_id(view: &Value) -> String {
    view["ap_id"].as_str().expect("ap_id").to_string()
}

/// `POST /api/v1/admin/instance-follows` as `client`.
pub async fn follow_instance(client: &ApiClient, target: &str) -> Result<Value, ApiError> {
    client
        .call(
            Method::POST,
            "/api/v1/admin/instance-follows",
            Some(json!({ "target": target })),
        )
        .await
}

/// The instance follows of `hub`, as its admin lists them.
pub async fn instance_follows(hub: &TestInstance) -> Vec<Value> {
    hub.admin
        .call(Method::GET, "/api/v1/admin/instance-follows", None)
        .await
        .expect("list instance follows")
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The follow of the instance at `domain`, when `hub` has one.
pub async fn follow_of(hub: &TestInstance, domain: &str) -> Option<Value> {
    instance_follows(hub)
        .await
        .into_iter()
        .find(|f| f["domain"] == domain)
}

/// Waits (bounded) until the follow of `domain` satisfies `ok`, and returns it.
pub async fn follow_becomes(
    hub: &TestInstance,
    domain: &str,
    what: &str,
    ok: impl Fn(&Value) -> bool,
) -> Value {
    crate::eventually(Duration::from_secs(60), what, || async {
        follow_of(hub, domain).await.filter(|f| ok(f))
    })
    .await
}

/// Rows of practices `hub` holds from the instance `origin`, in any state.
pub async fn practices_from(hub: &TestInstance, origin: &str) -> i64 {
    let (n,): (i64,) = crate::sql!(
        fetch_one,
        hub.store().writer(),
        (i64,),
        "SELECT COUNT(*) FROM practices WHERE origin = $1",
        origin.to_string()
    )
    .expect("count");
    n
}

/// The state and title `hub` holds for the practice `ap_id`.
pub async fn held(hub: &TestInstance, ap_id: &str) -> Option<(String, String)> {
    crate::sql!(
        fetch_optional,
        hub.store().writer(),
        (String, String),
        "SELECT state, title FROM practices WHERE ap_id = $1",
        ap_id.to_string()
    )
    .expect("practice")
}

/// Incoming activities of `kind` from `actor` in `hub`'s inbox.
pub async fn received(hub: &TestInstance, kind: &str, actor: &str) -> i64 {
    let (n,): (i64,) = crate::sql!(
        fetch_one,
        hub.store().writer(),
        (i64,),
        "SELECT COUNT(*) FROM inbox_activities WHERE kind = $1 AND actor = $2",
        kind.to_string(),
        actor.to_string()
    )
    .expect("count");
    n
}

/// An instance started on a configuration of the test's making (a fixed port, instances to
/// follow at start), with its database; the database lives as long as the returned handle.
pub async fn start_configured(
    backend: Backend,
    port: Option<u16>,
    tweak: impl FnOnce(&mut Config),
) -> (TestInstance, TestDb) {
    let db = TestDb::create(backend).await;
    let listener = TcpListener::bind(("127.0.0.1", port.unwrap_or(0)))
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let base = Url::parse(&format!("http://localhost:{port}")).expect("url");
    let mut config = crate::fast_config(base, &db);
    tweak(&mut config);
    let instance = TestInstance::launch_shared(config, listener, &db).await;
    (instance, db)
}

/// Copies the published practice `seed` (a row id of `inst`) `n` times, a thousand rows per
/// transaction, each copy with its own id and URL on `inst`: full Articles when served,
/// without publishing each through the API.
pub async fn copy_practice(inst: &TestInstance, seed: i64, n: usize) {
    let db = inst.store();
    let base = inst.config.base();
    let mut made = 0;
    while made < n {
        let mut tx = db.begin().await.expect("begin");
        for _ in made..(made + 1000).min(n) {
            let ap_id = format!("{base}/practices/{}", uuid::Uuid::new_v4());
            crate::sql!(
                execute,
                &mut tx,
                "INSERT INTO practices (ap_id, organization_id, author_id, local, origin, state, record, \
                   title, stage, sectors, language, content_digest, url, created_at, updated_at, published_at) \
                 SELECT $1, organization_id, author_id, local, origin, state, record, title, stage, sectors, \
                   language, content_digest, $1, created_at, updated_at, published_at FROM practices WHERE id = $2",
                ap_id,
                seed
            )
            .expect("copy");
        }
        tx.commit().await.expect("commit");
        made = (made + 1000).min(n);
    }
}

/// A region whose outbox pages hold two practices.
pub fn small_pages(c: &mut prassi::config::Config) {
    c.backfill.outbox_page_size = 2;
}
