//! One running Prassi instance per `TestInstance`, in this process: its own port, database
//! and admin account, with helpers to restart it, run a second process on its database, and
//! set up followers and activities for delivery tests.

use std::time::Duration;

use prassi::{
    app,
    config::Config,
    db::{
        actors::{self, ActorRow, NewActor},
        follows,
        users::UserRow,
        Db,
    },
    domain::actor::Role,
    service::{accounts, credentials},
    state::Fed,
};
use serde_json::Value;
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};
use url::Url;

use crate::{ApiClient, Backend, TestDb};

/// Options of a test instance.
#[derive(Clone)]
pub struct Options {
    pub backend: Backend,
    /// Tweak the configuration before start (retry knobs, concurrency…).
    pub tweak: fn(&mut Config),
}

impl Default for Options {
    fn default() -> Self {
        Self {
            backend: Backend::from_env(),
            tweak: |_| {},
        }
    }
}

/// Fast retries and short polls, so failure scenarios finish in seconds.
pub fn fast_config(public_url: Url, db: &TestDb) -> Config {
    let mut c = Config::for_url(public_url, db.data_dir());
    c.database_url = db.url.clone();
    c.allow_private_peers = true;
    c.instance_name = "Prassi test".into();
    c.delivery.retry_base = Duration::from_millis(50);
    c.delivery.retry_cap = Duration::from_millis(500);
    c.delivery.poll_interval = Duration::from_millis(50);
    c.delivery.request_timeout = Duration::from_secs(5);
    c.metrics.token = Some(METRICS_TOKEN.into());
    // No reading floor (PRASSI_READING_MIN_FRACTION=0): a test that checks it sets it back.
    c.reading_min_fraction = 0.0;
    c
}

/// The `/metrics` token of test instances.
pub const METRICS_TOKEN: &str = "test-metrics-token-0123456789";

/// One key pair for all the remote actors tests make up (nobody verifies their signatures,
/// and generating an RSA key costs tens of milliseconds).
fn test_keys() -> &'static prassi::crypto::PemKeypair {
    static KEYS: std::sync::OnceLock<prassi::crypto::PemKeypair> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| prassi::crypto::generate_keypair().expect("keys"))
}

/// One running instance with an admin account.
pub struct TestInstance {
    pub base: Url,
    pub domain: String,
    pub fed: Fed,
    pub admin: ApiClient,
    pub db: TestDb,
    pub config: Config,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<anyhow::Result<()>>>,
}

impl TestInstance {
    pub async fn start() -> Self {
        Self::start_with(Options::default()).await
    }

    pub async fn start_with(opts: Options) -> Self {
        let db = TestDb::create(opts.backend).await;
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let base = Url::parse(&format!("http://localhost:{port}")).expect("url");
        let mut config = fast_config(base.clone(), &db);
        (opts.tweak)(&mut config);
        Self::launch(config, listener, db).await
    }

    async fn launch(config: Config, listener: TcpListener, db: TestDb) -> Self {
        let base = config.public_url.clone();
        let (fed, token, tx, handle) = Self::spawn_server(&config, listener).await;
        TestInstance {
            domain: config.domain(),
            admin: ApiClient::new(base.clone(), Some(token)),
            base,
            fed,
            db,
            config,
            shutdown: Some(tx),
            handle: Some(handle),
        }
    }

    /// Prepares the instance (database, admin `root`) and serves it on `listener`.
    async fn spawn_server(
        config: &Config,
        listener: TcpListener,
    ) -> (
        Fed,
        String,
        oneshot::Sender<()>,
        JoinHandle<anyhow::Result<()>>,
    ) {
        let fed = app::prepare(config.clone())
            .await
            .expect("prepare instance");
        let data = fed.to_request_data();
        let admin_user = match prassi::db::users::by_username(&data.db, "root")
            .await
            .expect("db")
        {
            Some(u) => u,
            None => accounts::create_user(
                &data.db,
                config,
                "root",
                Role::Admin,
                None,
                "admin-password-123",
                None,
            )
            .await
            .expect("admin"),
        };
        let token = credentials::issue_token(&data.db, config, &admin_user)
            .await
            .expect("token");
        let (tx, rx) = oneshot::channel();
        let handle = tokio::spawn(app::serve_prepared(fed.clone(), listener, async {
            let _ = rx.await;
        }));
        (fed, token, tx, handle)
    }

    /// Prepares the database of an instance (migrations, admin) and serves it with a listener,
    /// for setting data up before handing the database to a separate process.
    pub async fn launch_without_workers(
        config: Config,
        listener: TcpListener,
        db: &TestDb,
    ) -> Self {
        let mut config = config;
        config.delivery.run_workers = false;
        Self::launch_shared(config, listener, db).await
    }

    /// An instance on a database another handle owns (it is not dropped with this one).
    pub async fn launch_shared(config: Config, listener: TcpListener, db: &TestDb) -> Self {
        Self::launch(config, listener, db.borrowed()).await
    }

    /// Starts the stopped instance again on the same address and database.
    pub async fn restart(&mut self) {
        self.stop().await;
        let port = self.base.port().expect("port");
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("rebind the same port");
        let (fed, token, tx, handle) = Self::spawn_server(&self.config, listener).await;
        self.fed = fed;
        self.admin = ApiClient::new(self.base.clone(), Some(token));
        self.shutdown = Some(tx);
        self.handle = Some(handle);
    }

    /// Another process of the same instance: same public URL and database, its own listener
    /// and workers (as behind a load balancer). Stops when dropped.
    pub async fn second_process(&self) -> SecondProcess {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let mut config = self.config.clone();
        // Each process of an instance has its own node name.
        config.node_name = Some(format!("{}-second", self.config.node_name()));
        let (fed, _, tx, handle) = Self::spawn_server(&config, listener).await;
        SecondProcess {
            fed,
            base: Url::parse(&format!("http://127.0.0.1:{port}")).expect("url"),
            shutdown: Some(tx),
            handle: Some(handle),
        }
    }

    /// `count` receivers that answer after `delay`, each the shared inbox of `per` accepted
    /// followers of the local actor `username`.
    pub async fn followers_on_receivers(
        &self,
        username: &str,
        count: usize,
        per: usize,
        delay: Duration,
    ) -> Vec<crate::receiver::Receiver> {
        let mut receivers = Vec::with_capacity(count);
        for _ in 0..count {
            let r = crate::receiver::Receiver::start().await;
            r.delay(delay);
            self.add_remote_followers(username, &r.inbox(), per).await;
            receivers.push(r);
        }
        receivers
    }

    /// Makes `n` remote actors whose shared inbox is `inbox` accepted followers of the local
    /// actor `username` (for delivery tests; nobody fetches them).
    pub async fn add_remote_followers(&self, username: &str, inbox: &Url, n: usize) {
        let db = self.store();
        let target = actors::local_by_username(&db, username)
            .await
            .expect("db")
            .expect("actor");
        let keys = test_keys();
        for i in 0..n {
            let id = inbox.join(&format!("users/f{i}")).expect("url").to_string();
            let a = remote_person(&db, &id, inbox, &keys.public_pem).await;
            let mut tx = db.begin().await.expect("tx");
            follows::upsert(&mut tx, a.id, target.id, &format!("{id}/follow"), true)
                .await
                .expect("follow");
            tx.commit().await.expect("commit");
        }
    }

    /// Queues `n` public `Create(Note)` activities of the local actor `username` for its
    /// followers, each in its own transaction, and returns their ids in order.
    pub async fn broadcast(&self, username: &str, n: usize) -> Vec<String> {
        let ctx = self.fed.to_request_data();
        let actor = actors::local_by_username(&ctx.db, username)
            .await
            .expect("db")
            .expect("actor");
        let mut ids = Vec::with_capacity(n);
        for i in 0..n {
            let id = prassi::federation::urls::new_activity(&self.config);
            let activity = serde_json::json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": id,
                "type": "Create",
                "actor": actor.ap_id.as_str(),
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "cc": [actor.followers_url.clone()],
                "object": {
                    "id": format!("{id}/note"),
                    "type": "Note",
                    "attributedTo": actor.ap_id.as_str(),
                    "content": format!("note {i}"),
                    "to": ["https://www.w3.org/ns/activitystreams#Public"],
                },
            });
            let mut tx = ctx.db.begin().await.expect("tx");
            prassi::federation::outbox::to_followers(
                &mut tx,
                ctx.app_data(),
                &actor,
                &activity,
                true,
            )
            .await
            .expect("enqueue");
            tx.commit().await.expect("commit");
            ids.push(id);
        }
        prassi::federation::outbox::wake(ctx.app_data());
        ids
    }

    pub fn store(&self) -> Db {
        self.fed.to_request_data().db.clone()
    }

    /// Creates an organisation on this instance.
    pub async fn organization(&self, handle: &str, name: &str) -> Url {
        let org = accounts::create_organization(
            &self.store(),
            &self.config,
            accounts::NewOrganization {
                handle: handle.into(),
                name: name.into(),
                level: Some("regional".into()),
                ..Default::default()
            },
        )
        .await
        .expect("create organisation");
        org.ap_id.0.clone()
    }

    /// Creates a user and returns a client logged in as them.
    pub async fn user(
        &self,
        username: &str,
        role: Role,
        org: Option<&str>,
    ) -> (UserRow, ApiClient) {
        let db = self.store();
        let u = accounts::create_user(
            &db,
            &self.config,
            username,
            role,
            org,
            "a-long-password",
            None,
        )
        .await
        .expect("create user");
        let token = credentials::issue_token(&db, &self.config, &u)
            .await
            .expect("token");
        (u, ApiClient::new(self.base.clone(), Some(token)))
    }

    /// Creates the organisation `org` and its manager `m-{org}`; a client logged in as them.
    pub async fn manager_of(&self, org: &str) -> ApiClient {
        self.organization(org, "Comune di Prova").await;
        self.user(&format!("m-{org}"), Role::Manager, Some(org))
            .await
            .1
    }

    /// `/metrics`, read as Prometheus would with the token.
    pub async fn metrics_text(&self) -> String {
        reqwest::Client::new()
            .get(self.base.join("metrics").expect("url"))
            .bearer_auth(METRICS_TOKEN)
            .send()
            .await
            .expect("metrics")
            .error_for_status()
            .expect("metrics status")
            .text()
            .await
            .expect("metrics text")
    }

    pub fn actor_url(&self, username: &str) -> Url {
        self.base.join(&format!("actors/{username}")).expect("url")
    }

    /// Stops the server and its workers; the database stays for a restart.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = tokio::time::timeout(Duration::from_secs(15), h).await;
        }
    }

    /// Counts rows of a table (tests check that refused requests stored nothing).
    pub async fn count(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let (n,): (i64,) =
            crate::sql!(fetch_one, self.store().writer(), (i64,), &sql).expect("count");
        n
    }

    /// The first page of an actor's followers (ActivityPub ids).
    pub async fn followers_of(&self, actor: &str) -> Vec<String> {
        let page = self.get_ap(&format!("{actor}/followers?page=1")).await;
        page["orderedItems"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// GET as ActivityPub JSON.
    pub async fn get_ap(&self, url: &str) -> Value {
        reqwest::Client::new()
            .get(url)
            .header("accept", "application/activity+json")
            .send()
            .await
            .expect("GET")
            .json()
            .await
            .expect("json")
    }
}

/// See [`TestInstance::second_process`].
pub struct SecondProcess {
    pub fed: Fed,
    /// Where this process listens (the instance's public URL names the first one).
    pub base: Url,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<anyhow::Result<()>>>,
}

impl SecondProcess {
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = tokio::time::timeout(Duration::from_secs(15), h).await;
        }
    }
}

impl Drop for SecondProcess {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for TestInstance {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Stores a remote person `ap_id` whose shared inbox is `shared_inbox` and whose key is
/// `public_pem`, as if fetched just now (nobody fetches it again).
pub async fn remote_person(db: &Db, ap_id: &str, shared_inbox: &Url, public_pem: &str) -> ActorRow {
    actors::upsert(
        db,
        NewActor {
            ap_id: ap_id.to_string(),
            kind: prassi::domain::actor::ActorKind::Person,
            username: ap_id.rsplit('/').next().unwrap_or_default().to_string(),
            domain: prassi::config::host_port(shared_inbox),
            local: false,
            name: None,
            summary: None,
            url: None,
            icon_url: None,
            inbox: format!("{ap_id}/inbox"),
            shared_inbox: Some(shared_inbox.to_string()),
            outbox: None,
            followers_url: None,
            following_url: None,
            public_key_id: format!("{ap_id}#main-key"),
            public_key_pem: public_pem.to_string(),
            private_key_pem: None,
            ipa_code: None,
            level: None,
            region: None,
            website: None,
            manually_approves: false,
            published: prassi::db::now(),
        },
    )
    .await
    .expect("remote person")
}
