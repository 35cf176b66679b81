//! Shared state of one running instance. Several instances may live in one process: nothing here
//! is global.

use std::{
    collections::{HashMap, HashSet},
    ops::Deref,
    sync::{Arc, Mutex},
    time::Duration,
};

use activitypub_federation::config::{Data, FederationConfig};
use chrono::{DateTime, Utc};
use moka::future::Cache;
use tokio::sync::Notify;

use crate::{
    config::Config,
    crypto::{Signer, Verifier},
    db::{
        actors::{self, ActorRow},
        batch::Batcher,
        deliveries::{self, Ack},
        inbox::{self, NewInbox},
        nodes::NodeLock,
        practices, Db,
    },
    http_util::Rendered,
    metrics::Metrics,
    sync::{lock, Fresh},
};

/// The library's config carrying our app data; axum's router state.
pub type Fed = FederationConfig<AppData>;
/// Per-request view of the state with the library's fetch counter.
pub type Ctx = Data<AppData>;

#[derive(Clone)]
pub struct AppData(Arc<Inner>);

pub struct Inner {
    pub db: Db,
    pub config: Config,
    /// Client for deliveries (and anything not going through the library).
    pub http: reqwest::Client,
    /// The `Application` actor that signs fetches and speaks for the server.
    pub instance_actor: ActorRow,
    /// Parsed private keys of local actors with their key ids, by actor id (parsing costs
    /// more than signing). Loaded once even when a fan-out asks for it a thousand times at once.
    signers: Cache<i64, (Arc<Signer>, String)>,
    /// Remote actors by key id, as last read (five minutes at most), to verify signatures
    /// without a query each time.
    key_owners: Cache<String, ActorRow>,
    /// Keys whose owner could not be fetched or did not match, for a short while: a request
    /// signed with one of them is refused without fetching anything again.
    failed_keys: Cache<String, ()>,
    /// Threads read again lately because a reply's parent was missing: a peer sending
    /// replies to made-up parents makes us read a thread at most once a minute.
    missing_parent_reads: Cache<String, ()>,
    /// Destinations this process saw failing; a message from one of them revives it at once.
    failing: Mutex<HashSet<String>>,
    /// Group commit of received activities.
    pub inbox_writer: Batcher<NewInbox, bool>,
    /// Group commit of delivery acknowledgements.
    pub acker: Batcher<Ack, ()>,
    /// Parsed public keys by key id, with the PEM they were parsed from (a rotated key is
    /// parsed again).
    verifiers: Cache<String, (String, Arc<Verifier>)>,
    /// When we last recorded "seen" for each instance (to write it at most once a minute).
    seen: Mutex<HashMap<String, i64>>,
    pub delivery_wake: Notify,
    pub inbox_wake: Notify,
    pub metrics: Metrics,
    /// Log-in throttles and the password-hashing permits.
    pub logins: crate::throttle::Logins,
    /// Identifies this process in queue leases: its node name, held exclusively by `node_lock`
    /// when the process runs the workers.
    pub node_id: String,
    node_lock: tokio::sync::Mutex<Option<NodeLock>>,
    /// Actor and practice documents as served, by [`DocKey`]: rendered once per version.
    pub documents: Cache<DocKey, Arc<Rendered>>,
    /// The current version of a local actor (by folded handle), read fresh for each request
    /// and shared among the requests waiting for it.
    pub actor_versions: Fresh<String, Option<(i64, DateTime<Utc>)>>,
    /// The same for practices, by the key of their URL.
    pub practice_versions: Fresh<String, Option<practices::Version>>,
    /// A practice's page as an anonymous reader gets it, by language and address: read fresh
    /// for each request (never older than the request) and shared among the readers waiting
    /// for it, as the documents' versions are. A signed-in reader's page is their own.
    pub anonymous_pages: Fresh<String, SharedPage>,
    /// The latest of those pages made, by the same key, with what it was made from: a read
    /// that finds the same answers with it (see `web::practice`), up to
    /// [`KEPT_PAGES_BYTES`] of pages.
    pub practice_pages: Cache<String, Arc<(crate::db::page_sources::PageSources, SharedPage)>>,
    /// The time proof of reading is measured with (tests move it forward).
    pub clock: Clock,
    /// This process's search index (opened or built by its worker).
    pub search: Arc<crate::search::Search>,
}

/// A whole answer kept as bytes, so that several requests can be given the same one; gzipped
/// once, by the read that made it, for all who share it.
#[derive(Debug, Clone)]
pub struct SharedPage {
    pub status: axum::http::StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: axum::body::Bytes,
    pub gzip: axum::body::Bytes,
}

impl SharedPage {
    /// Reads `res` whole (a page: its body is in memory already) and compresses it (at the
    /// fastest level: it is made again for every read).
    pub async fn of(res: axum::response::Response) -> Result<Self, crate::error::AppError> {
        let (parts, body) = res.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX)
            .await
            .map_err(|e| crate::error::AppError::Internal(anyhow::anyhow!("page body: {e}")))?;
        let gzip = crate::http_util::gzip_at(&body, flate2::Compression::fast()).into();
        Ok(Self {
            status: parts.status,
            headers: parts.headers,
            body,
            gzip,
        })
    }

    /// The answer again, for one more request; gzipped for a client that takes it (the
    /// compression layer leaves an answer that already names its encoding alone).
    pub fn response(&self, gzip: bool) -> axum::response::Response {
        use axum::http::{header, HeaderValue};
        let body = if gzip { &self.gzip } else { &self.body };
        let mut res = axum::response::Response::new(axum::body::Body::from(body.clone()));
        *res.status_mut() = self.status;
        *res.headers_mut() = self.headers.clone();
        if gzip {
            let h = res.headers_mut();
            h.remove(header::CONTENT_LENGTH);
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            h.append(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        res
    }
}

/// The system time, plus an offset that only tests move: a reading floor of minutes is
/// checked without waiting minutes.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: std::sync::atomic::AtomicI64,
}

impl Clock {
    /// Milliseconds since the epoch.
    pub fn now_ms(&self) -> i64 {
        crate::db::now_ms() + self.offset_ms.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Moves this instance's time forward by `by`.
    pub fn advance(&self, by: Duration) {
        self.offset_ms
            .fetch_add(by.as_millis() as i64, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Which document, in which version: a stored row's id and the stamp its version carries
/// (`updated_at` of a practice, `last_refreshed_at` of an actor, in microseconds). A request
/// reads the current stamp (one indexed read), so several processes on one database never
/// serve a version another one replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocKey {
    Actor {
        id: i64,
        version: i64,
    },
    /// `index`: when its good index last changed (the Article carries it): 0 if never.
    Practice {
        id: i64,
        version: i64,
        index: i64,
    },
}

impl AppData {
    /// The state of an instance whose process holds the node name `node` (see
    /// [`NodeLock::acquire`]); `None` for a process that runs no workers.
    pub fn new(
        db: Db,
        config: Config,
        http: reqwest::Client,
        instance_actor: ActorRow,
        node: Option<NodeLock>,
    ) -> Self {
        let node_id = node
            .as_ref()
            .map(|n| n.name().to_string())
            .unwrap_or_else(|| config.node_name());
        let inbox_writer = {
            let db = db.clone();
            Batcher::spawn(256, move |rows| {
                let db = db.clone();
                async move { inbox::insert_batch(&db, rows).await }
            })
        };
        let acker = {
            let db = db.clone();
            Batcher::spawn(512, move |acks| {
                let db = db.clone();
                async move { deliveries::commit_acks(&db, acks).await }
            })
        };
        let logins = crate::throttle::Logins::new(&config);
        let search = crate::search::Search::new(&config.data_dir, &node_id);
        Self(Arc::new(Inner {
            inbox_writer,
            acker,
            key_owners: Cache::builder()
                .max_capacity(CACHED_KEYS)
                .time_to_live(Duration::from_secs(300))
                .build(),
            failed_keys: Cache::builder()
                .max_capacity(CACHED_KEYS)
                .time_to_live(FAILED_KEY_TTL)
                .build(),
            missing_parent_reads: Cache::builder()
                .max_capacity(CACHED_KEYS)
                .time_to_live(Duration::from_secs(60))
                .build(),
            failing: Mutex::default(),
            db,
            config,
            http,
            instance_actor,
            signers: Cache::builder().max_capacity(CACHED_KEYS).build(),
            verifiers: Cache::builder().max_capacity(CACHED_KEYS).build(),
            seen: Mutex::default(),
            delivery_wake: Notify::new(),
            inbox_wake: Notify::new(),
            metrics: Metrics::default(),
            logins,
            node_id,
            node_lock: tokio::sync::Mutex::new(node),
            documents: Cache::builder().max_capacity(CACHED_DOCUMENTS).build(),
            actor_versions: Fresh::new(CACHED_DOCUMENTS),
            practice_versions: Fresh::new(CACHED_DOCUMENTS),
            anonymous_pages: Fresh::new(CACHED_DOCUMENTS),
            practice_pages: Cache::builder()
                .max_capacity(KEPT_PAGES_BYTES)
                .weigher(
                    |key: &String, kept: &Arc<(crate::db::page_sources::PageSources, SharedPage)>| {
                        let (sources, page) = &**kept;
                        let bytes =
                            key.len() + sources.weight() + page.body.len() + page.gzip.len();
                        u32::try_from(bytes).unwrap_or(u32::MAX)
                    },
                )
                .build(),
            clock: Clock::default(),
            search,
        }))
    }

    /// The signer and key id of a local actor, by id, parsed once.
    pub async fn signer(
        &self,
        actor_id: i64,
    ) -> Result<Option<(Arc<Signer>, String)>, crate::error::AppError> {
        let load = async {
            let actor = actors::by_id(&self.db, actor_id)
                .await
                .map_err(|e| SignerError::Db(e.into()))?
                .ok_or(SignerError::Gone)?;
            let pem = actor
                .private_key_pem
                .as_deref()
                .ok_or(SignerError::Crypto(crate::crypto::CryptoError::Pem))?;
            let signer = Signer::from_pem(pem).map_err(SignerError::Crypto)?;
            Ok((Arc::new(signer), actor.public_key_id.clone()))
        };
        match self.signers.try_get_with(actor_id, load).await {
            Ok(s) => Ok(Some(s)),
            Err(e) => match &*e {
                SignerError::Gone => Ok(None),
                SignerError::Db(e) => Err(crate::error::AppError::Internal(anyhow::anyhow!("{e}"))),
                SignerError::Crypto(e) => Err(e.clone().into()),
            },
        }
    }

    /// The actor owning `key_id`, from memory (five minutes at most) or the database.
    pub async fn key_owner(&self, key_id: &str) -> Result<Option<ActorRow>, sqlx::Error> {
        if let Some(a) = self.key_owners.get(key_id).await {
            return Ok(Some(a));
        }
        let a = actors::by_key_id(&self.db, key_id).await?;
        if let Some(a) = &a {
            self.key_owners.insert(key_id.to_string(), a.clone()).await;
        }
        Ok(a)
    }

    /// Forgets a cached key owner (after a refetch changed it).
    pub async fn forget_key_owner(&self, key_id: &str) {
        self.key_owners.invalidate(key_id).await;
    }

    /// Whether fetching the owner of `key` failed a short while ago.
    /// True the first time in a minute `thread` is to be read for a missing parent.
    pub async fn may_read_thread_for_missing_parent(&self, thread: &str) -> bool {
        let entry = self
            .missing_parent_reads
            .entry(thread.to_string())
            .or_insert(())
            .await;
        entry.is_fresh()
    }

    pub fn key_failed_recently(&self, key: &str) -> bool {
        self.failed_keys.contains_key(key)
    }

    /// Remembers that fetching the owner of `key` failed (for [`FAILED_KEY_TTL`]).
    pub async fn key_failed(&self, key: &str) {
        self.failed_keys.insert(key.to_string(), ()).await;
    }

    /// Delivery to `domain` failed (true) or succeeded (false).
    pub fn set_failing(&self, domain: &str, failing: bool) {
        let mut f = lock(&self.failing);
        if failing {
            f.insert(domain.to_string());
        } else {
            f.remove(domain);
        }
    }

    pub fn is_failing(&self, domain: &str) -> bool {
        lock(&self.failing).contains(domain)
    }

    /// True when `domain`'s last-seen time is worth writing again.
    pub fn should_touch(&self, domain: &str, now_ms: i64) -> bool {
        let mut seen = lock(&self.seen);
        match seen.get(domain) {
            Some(t) if now_ms - t < 60_000 => false,
            _ => {
                seen.insert(domain.to_string(), now_ms);
                true
            }
        }
    }

    /// Lets the node name go (on a clean stop, after the workers ended).
    pub async fn release_node(&self) {
        let held = self.node_lock.lock().await.take();
        if let Some(n) = held {
            n.release().await;
        }
    }

    /// Whether this process still holds its node name (see [`NodeLock::check`]).
    pub async fn check_node(&self) -> Result<(), crate::db::nodes::NodeLockError> {
        match self.node_lock.lock().await.as_mut() {
            Some(n) => n.check(&self.db).await,
            None => Ok(()),
        }
    }

    /// The verifier of a public key, parsed once per (key id, PEM).
    pub async fn verifier(
        &self,
        key_id: &str,
        pem: &str,
    ) -> Result<Arc<Verifier>, crate::crypto::CryptoError> {
        if let Some((known, v)) = self.verifiers.get(key_id).await {
            if known == pem {
                return Ok(v);
            }
        }
        let v = Arc::new(Verifier::from_pem(pem)?);
        self.verifiers
            .insert(key_id.to_string(), (pem.to_string(), v.clone()))
            .await;
        Ok(v)
    }
}

/// How many parsed keys and key owners are kept in memory.
const CACHED_KEYS: u64 = 50_000;
/// How long a key whose owner could not be fetched is not fetched again.
pub const FAILED_KEY_TTL: Duration = Duration::from_secs(60);
/// How many rendered documents are kept (a practice's is about 10 KB).
const CACHED_DOCUMENTS: u64 = 10_000;

/// How many bytes of anonymous practice pages (with what they were made from) are kept.
const KEPT_PAGES_BYTES: u64 = 64 << 20;

/// Why a local actor's signer could not be loaded.
#[derive(Debug, thiserror::Error)]
enum SignerError {
    #[error("the actor is gone")]
    Gone,
    #[error("database: {0}")]
    Db(anyhow::Error),
    #[error(transparent)]
    Crypto(crate::crypto::CryptoError),
}

impl Deref for AppData {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// The client's address: the peer, or what a trusted proxy says in `X-Forwarded-For`.
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl axum::extract::FromRequestParts<Fed> for ClientAddr {
    type Rejection = crate::error::AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        fed: &Fed,
    ) -> Result<Self, crate::error::AppError> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0);
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let ctx = fed.to_request_data();
        Ok(ClientAddr(ctx.logins.client_address(peer, &forwarded)))
    }
}
