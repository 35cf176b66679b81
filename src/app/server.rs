//! The HTTP/1.1 server: every connection is watched, so no client can hold the server.
//!
//! - A connection that has begun a request must send its headers within the header timeout.
//! - A kept-alive connection without a request is closed after the idle timeout.
//! - A request must be answered within the request timeout (reading its body included).
//! - At most `max_connections` are open: at the cap the longest-idle connection (no request
//!   in flight) is closed to admit the new one; if every connection is busy, the new one is
//!   refused. The soft limit of open files is raised to the hard one at start, so the cap,
//!   not the kernel, decides.

use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    pin::Pin,
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed},
        Arc, Mutex,
    },
    task::{Context, Poll},
    time::{Duration, Instant},
};

use axum::{extract::ConnectInfo, Router};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{watch, Notify},
};
use tower::Service;

use crate::{config::ServerConfig, metrics::ConnectionStats, sync::lock};

/// `in_flight` of a connection being closed: no request may begin on it any more.
const CLOSING: usize = usize::MAX;

/// One open connection as the watcher sees it.
struct Conn {
    /// Milliseconds since the server started, of the last byte read or written.
    last_io: AtomicU64,
    /// When the request now being received began (0: none is), in the same clock. A new
    /// connection's first request begins when it is accepted.
    request_began: AtomicU64,
    /// Requests handed to the router whose response has not been sent in full; [`CLOSING`]
    /// once the watcher closes the connection.
    in_flight: AtomicUsize,
    client: IpAddr,
    close: Notify,
}

impl Conn {
    /// Marks a request begun, unless the connection is being closed.
    fn begin(&self) -> bool {
        self.in_flight
            .fetch_update(Relaxed, Relaxed, |v| (v != CLOSING).then(|| v + 1))
            .is_ok()
    }

    fn end(&self) {
        let _ = self
            .in_flight
            .fetch_update(Relaxed, Relaxed, |v| (v != CLOSING && v > 0).then(|| v - 1));
    }

    /// Closes the connection if no request is in flight (atomically: a request that begins
    /// at the same moment is never cut off).
    fn close_if_idle(&self) -> bool {
        let closed = self
            .in_flight
            .compare_exchange(0, CLOSING, Relaxed, Relaxed)
            .is_ok();
        if closed {
            self.close.notify_one();
        }
        closed
    }

    /// Closes the connection whatever it is doing (it has stalled).
    fn close_now(&self) {
        self.in_flight.store(CLOSING, Relaxed);
        self.close.notify_one();
    }

    /// Which idle connection goes first to make room: one still waiting for its headers
    /// (the oldest such), then the longest idle.
    fn eviction_order(&self) -> (u8, u64) {
        match self.request_began.load(Relaxed) {
            0 => (1, self.last_io.load(Relaxed)),
            began => (0, began),
        }
    }
}

#[derive(Default)]
struct Open {
    conns: HashMap<u64, Arc<Conn>>,
    per_client: HashMap<IpAddr, usize>,
}

impl Open {
    fn remove(&mut self, id: u64) -> Option<Arc<Conn>> {
        let c = self.conns.remove(&id)?;
        if let std::collections::hash_map::Entry::Occupied(mut e) = self.per_client.entry(c.client)
        {
            *e.get_mut() -= 1;
            if *e.get() == 0 {
                e.remove();
            }
        }
        Some(c)
    }

    /// Closes one idle connection (of `client` only, if given) to make room; false if none is.
    fn evict(&mut self, client: Option<IpAddr>) -> bool {
        let mut idle: Vec<(u64, (u8, u64))> = self
            .conns
            .iter()
            .filter(|(_, c)| client.is_none_or(|ip| c.client == ip))
            .filter(|(_, c)| c.in_flight.load(Relaxed) == 0)
            .map(|(id, c)| (*id, c.eviction_order()))
            .collect();
        // Ties (the same millisecond) go to the older connection, so the order is the
        // same on every run, not the hash map's.
        idle.sort_by_key(|(id, order)| (*order, *id));
        for (id, _) in idle {
            if self.conns.get(&id).is_some_and(|c| c.close_if_idle()) {
                self.remove(id);
                return true;
            }
        }
        false
    }
}

struct Registry {
    started: Instant,
    open: Mutex<Open>,
    next_id: AtomicU64,
    stats: Arc<ConnectionStats>,
}

impl Registry {
    fn now(&self) -> u64 {
        // 1 ms added so that 0 can mean "none".
        self.started.elapsed().as_millis() as u64 + 1
    }

    /// Admits a connection from `client`. At the cap (of all connections, or of this
    /// client's) an idle connection is closed to make room; `None` when none is idle.
    fn admit(&self, client: IpAddr, limits: &ServerConfig) -> Option<(u64, Arc<Conn>)> {
        let mut open = lock(&self.open);
        let capped = limits.max_connections_per_client > 0
            && !limits.trusted_proxies.iter().any(|n| n.contains(&client));
        let over_client = capped
            && open.per_client.get(&client).copied().unwrap_or(0)
                >= limits.max_connections_per_client;
        let make_room = |open: &mut Open, of: Option<IpAddr>| {
            let made = open.evict(of);
            let counter = if made {
                &self.stats.evicted
            } else {
                &self.stats.refused
            };
            counter.fetch_add(1, Relaxed);
            made
        };
        if over_client && !make_room(&mut open, Some(client)) {
            return None;
        }
        if open.conns.len() >= limits.max_connections && !make_room(&mut open, None) {
            return None;
        }
        let id = self.next_id.fetch_add(1, Relaxed);
        let now = self.now();
        let conn = Arc::new(Conn {
            last_io: AtomicU64::new(now),
            request_began: AtomicU64::new(now),
            in_flight: AtomicUsize::new(0),
            client,
            close: Notify::new(),
        });
        open.conns.insert(id, conn.clone());
        *open.per_client.entry(client).or_insert(0) += 1;
        self.stats.open.store(open.conns.len(), Relaxed);
        Some((id, conn))
    }

    fn remove(&self, id: u64) {
        let mut open = lock(&self.open);
        open.remove(id);
        self.stats.open.store(open.conns.len(), Relaxed);
    }

    /// Closes the connections past their header or idle timeout, and those that have moved
    /// no byte for longer than a request may take (a reader that stopped reading).
    fn sweep(&self, limits: &ServerConfig) {
        let now = self.now();
        let header = limits.header_timeout.as_millis() as u64;
        let idle = limits.idle_timeout.as_millis() as u64;
        let stall = limits.idle_timeout.max(limits.request_timeout).as_millis() as u64;
        let mut open = lock(&self.open);
        let mut closed = Vec::new();
        for (id, c) in &open.conns {
            let silent = now.saturating_sub(c.last_io.load(Relaxed));
            let began = c.request_began.load(Relaxed);
            if c.in_flight.load(Relaxed) > 0 {
                if silent > stall {
                    c.close_now();
                    self.stats.closed_idle.fetch_add(1, Relaxed);
                    closed.push(*id);
                }
                continue;
            }
            let (expired, counter) = if began > 0 {
                (
                    now.saturating_sub(began) > header,
                    &self.stats.closed_header_timeout,
                )
            } else {
                (silent > idle, &self.stats.closed_idle)
            };
            if expired && c.close_if_idle() {
                counter.fetch_add(1, Relaxed);
                closed.push(*id);
            }
        }
        for id in closed {
            open.remove(id);
        }
        self.stats.open.store(open.conns.len(), Relaxed);
    }
}

/// A TCP stream that tells its connection's watcher when bytes move.
struct Watched {
    inner: TcpStream,
    conn: Arc<Conn>,
    registry: Arc<Registry>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            let now = self.registry.now();
            self.conn.last_io.store(now, Relaxed);
            // Bytes with no request in flight begin the next request's headers.
            if self.conn.in_flight.load(Relaxed) == 0 {
                let _ = self
                    .conn
                    .request_began
                    .compare_exchange(0, now, Relaxed, Relaxed);
            }
        }
        r
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.conn.last_io.store(self.registry.now(), Relaxed);
        }
        r
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Ends a connection's request in flight when its response has been sent in full (or
/// dropped): it lives in the response body.
struct InFlight(Arc<Conn>, Arc<Registry>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.end();
        self.1.stats.in_flight.fetch_sub(1, Relaxed);
        self.0.last_io.store(self.1.now(), Relaxed);
    }
}

/// Raises the soft limit of open files to the hard limit; returns the limit now in force.
pub fn raise_fd_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => Some(n),
        Err(e) => {
            tracing::warn!(error = %e, "cannot raise the limit of open files");
            None
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves; then lets requests in flight end
/// (for up to 10 s) and returns.
pub async fn run(
    listener: TcpListener,
    router: Router,
    limits: ServerConfig,
    stats: Arc<ConnectionStats>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let registry = Arc::new(Registry {
        started: Instant::now(),
        open: Mutex::new(Open::default()),
        next_id: AtomicU64::new(1),
        stats,
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    let sweeper = tokio::spawn(sweep_loop(
        registry.clone(),
        limits.clone(),
        stop_rx.clone(),
    ));
    let mut shutdown = std::pin::pin!(shutdown);
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors or a transient network error: make room and
                    // go on rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    evict_one(&registry);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        registry.stats.accepted.fetch_add(1, Relaxed);
        let Some((id, conn)) = registry.admit(peer.ip(), &limits) else {
            tracing::warn!(%peer, "no idle connection to close for a new one; refused it");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        // Reap the finished ones so the set does not grow with every connection.
        while tasks.try_join_next().is_some() {}
        tasks.spawn(serve_one(
            stream,
            peer,
            id,
            conn,
            registry.clone(),
            router.clone(),
            limits.request_timeout,
            stop_rx.clone(),
        ));
    }
    drop(listener);
    let _ = stop_tx.send(true);
    sweeper.abort();
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    Ok(())
}

/// Closes the longest-idle connection, if any is idle (when accepting failed).
fn evict_one(registry: &Registry) {
    if lock(&registry.open).evict(None) {
        registry.stats.evicted.fetch_add(1, Relaxed);
    }
}

async fn sweep_loop(
    registry: Arc<Registry>,
    limits: ServerConfig,
    mut stop: watch::Receiver<bool>,
) {
    // A quarter of the shorter timeout, between 50 ms and 1 s: a connection is closed at most
    // that late.
    let every = (limits.header_timeout.min(limits.idle_timeout) / 4)
        .clamp(Duration::from_millis(50), Duration::from_secs(1));
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => registry.sweep(&limits),
            _ = stop.changed() => return,
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn serve_one(
    stream: TcpStream,
    peer: SocketAddr,
    id: u64,
    conn: Arc<Conn>,
    registry: Arc<Registry>,
    router: Router,
    request_timeout: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let io = TokioIo::new(Watched {
        inner: stream,
        conn: conn.clone(),
        registry: registry.clone(),
    });
    let service = {
        let conn = conn.clone();
        let registry = registry.clone();
        hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let begun = conn.begin();
            conn.request_began.store(0, Relaxed);
            let guard = begun.then(|| {
                registry.stats.in_flight.fetch_add(1, Relaxed);
                InFlight(conn.clone(), registry.clone())
            });
            let mut req = req.map(axum::body::Body::new);
            req.extensions_mut().insert(ConnectInfo(peer));
            let mut router = router.clone();
            async move {
                let Some(guard) = guard else {
                    // The watcher closed this connection as the request arrived.
                    return Ok(timed_out());
                };
                // The router answers a request that takes too long itself (503, with the
                // security headers); this bound is only a backstop, twice as long.
                let response =
                    match tokio::time::timeout(request_timeout * 2, router.call(req)).await {
                        Ok(r) => r?,
                        Err(_) => timed_out(),
                    };
                // The request stays in flight until its body has been sent in full.
                Ok::<_, std::convert::Infallible>(response.map(|body| {
                    axum::body::Body::new(http_body_util::BodyExt::map_frame(body, move |f| {
                        let _in_flight = &guard;
                        f
                    }))
                }))
            }
        })
    };
    let mut http = hyper::server::conn::http1::Builder::new();
    http.keep_alive(true).header_read_timeout(None);
    let served = http.serve_connection(io, service);
    let mut served = std::pin::pin!(served);
    tokio::select! {
        r = served.as_mut() => {
            if let Err(e) = r {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        }
        _ = conn.close.notified() => {
            tracing::debug!(%peer, "connection closed (timeout or room for another)");
        }
        _ = async { let _ = stop.wait_for(|s| *s).await; } => {
            served.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(Duration::from_secs(10), served).await;
        }
    }
    registry.remove(id);
}

fn timed_out() -> axum::response::Response {
    use axum::response::IntoResponse;
    crate::error::AppError::Timeout("the request took too long".into()).into_response()
}
