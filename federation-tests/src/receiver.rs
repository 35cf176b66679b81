//! A lightweight inbox on loopback that records what it receives and answers as told
//! (success, 410, 500 a few times…), standing in for many remote instances.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU16, AtomicU32, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use axum::{
    body::Bytes,
    extract::State,
    http::{StatusCode, Uri},
    routing::post,
    Router,
};
use serde_json::Value;
use tokio::net::TcpListener;
use url::Url;

#[derive(Default)]
struct Inner {
    received: Mutex<Vec<String>>,
    status: AtomicU16,
    /// Answer 500 this many times before answering `status`.
    fail_first: AtomicU32,
    delay_ms: AtomicU32,
}

#[derive(Clone)]
pub struct Receiver {
    pub base: Url,
    inner: Arc<Inner>,
}

impl Receiver {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let inner = Arc::new(Inner::default());
        inner.status.store(202, Ordering::SeqCst);
        let app = Router::new()
            .route("/{*path}", post(receive))
            .with_state(inner.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            base: Url::parse(&format!("http://localhost:{port}/")).expect("url"),
            inner,
        }
    }

    pub fn inbox(&self) -> Url {
        self.base.join("inbox").expect("url")
    }

    pub fn answer(&self, status: u16) {
        self.inner.status.store(status, Ordering::SeqCst);
    }

    pub fn fail_first(&self, n: u32) {
        self.inner.fail_first.store(n, Ordering::SeqCst);
    }

    pub fn delay(&self, d: Duration) {
        self.inner
            .delay_ms
            .store(d.as_millis() as u32, Ordering::SeqCst);
    }

    /// Activity ids received, in arrival order (duplicates included).
    pub fn received(&self) -> Vec<String> {
        self.inner.received.lock().expect("lock").clone()
    }

    /// How many times each id arrived.
    pub fn counts(&self) -> HashMap<String, usize> {
        let mut m = HashMap::new();
        for id in self.received() {
            *m.entry(id).or_insert(0) += 1;
        }
        m
    }
}

async fn receive(State(inner): State<Arc<Inner>>, _uri: Uri, body: Bytes) -> StatusCode {
    let delay = inner.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay.into())).await;
    }
    let failing = inner
        .fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let id = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["id"].as_str().map(String::from))
        .unwrap_or_default();
    inner.received.lock().expect("lock").push(id);
    if failing {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    StatusCode::from_u16(inner.status.load(Ordering::SeqCst)).unwrap_or(StatusCode::OK)
}
