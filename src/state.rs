//! Shared state of one running instance. Several instances may live in one process: nothing here
//! is global.

use std::{
    collections::HashMap,
    ops::Deref,
    sync::{Arc, Mutex},
};

use activitypub_federation::config::{Data, FederationConfig};
use tokio::sync::Notify;

use crate::{
    config::Config,
    crypto::{Signer, Verifier},
    db::{actors::ActorRow, Db},
    metrics::Metrics,
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
    /// Parsed private keys of local actors, by actor id (parsing costs more than signing).
    signers: Mutex<HashMap<i64, Arc<Signer>>>,
    /// Parsed public keys by key id and PEM.
    verifiers: Mutex<HashMap<(String, String), Arc<Verifier>>>,
    /// When we last recorded "seen" for each instance (to write it at most once a minute).
    seen: Mutex<HashMap<String, i64>>,
    pub delivery_wake: Notify,
    pub inbox_wake: Notify,
    pub metrics: Metrics,
    /// Identifies this process in queue leases.
    pub node_id: String,
}

impl AppData {
    pub fn new(db: Db, config: Config, http: reqwest::Client, instance_actor: ActorRow) -> Self {
        Self(Arc::new(Inner {
            db,
            config,
            http,
            instance_actor,
            signers: Mutex::default(),
            verifiers: Mutex::default(),
            seen: Mutex::default(),
            delivery_wake: Notify::new(),
            inbox_wake: Notify::new(),
            metrics: Metrics::default(),
            node_id: uuid::Uuid::new_v4().to_string(),
        }))
    }

    /// The signer of a local actor, parsed once.
    pub fn signer(&self, actor: &ActorRow) -> Result<Arc<Signer>, crate::crypto::CryptoError> {
        if let Some(s) = lock(&self.signers).get(&actor.id) {
            return Ok(s.clone());
        }
        let pem = actor
            .private_key_pem
            .as_deref()
            .ok_or(crate::crypto::CryptoError::Pem)?;
        let s = Arc::new(Signer::from_pem(pem)?);
        lock(&self.signers).insert(actor.id, s.clone());
        Ok(s)
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

    /// The verifier of a public key, parsed once per (key id, PEM).
    pub fn verifier(
        &self,
        key_id: &str,
        pem: &str,
    ) -> Result<Arc<Verifier>, crate::crypto::CryptoError> {
        let k = (key_id.to_string(), pem.to_string());
        if let Some(v) = lock(&self.verifiers).get(&k) {
            return Ok(v.clone());
        }
        let v = Arc::new(Verifier::from_pem(pem)?);
        let mut map = lock(&self.verifiers);
        if map.len() > 50_000 {
            map.clear();
        }
        map.insert(k, v.clone());
        Ok(v)
    }
}

/// A poisoned lock only means another task panicked mid-insert into a cache; the map is fine.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Deref for AppData {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
