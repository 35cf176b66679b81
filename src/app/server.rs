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
    net::SocketAddr,
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

/// One open connection as the watcher sees it.
struct Conn {
    /// Milliseconds since the server started, of the last byte read or written.
    last_io: AtomicU64,
    /// When the request now being received began (0: none is), in the same clock.
    request_began: AtomicU64,
    /// Requests handed to the router and not yet answered.
    in_flight: AtomicUsize,
    close: Notify,
}

struct Registry {
    started: Instant,
    conns: Mutex<HashMap<u64, Arc<Conn>>>,
    next_id: AtomicU64,
    stats: Arc<ConnectionStats>,
}

impl Registry {
    fn now(&self) -> u64 {
        // 1 ms added so that 0 can mean "none".
        self.started.elapsed().as_millis() as u64 + 1
    }

    /// Admits a connection, evicting the longest-idle one at the cap. `None`: all are busy.
    fn admit(&self, max: usize) -> Option<(u64, Arc<Conn>)> {
        let mut conns = lock(&self.conns);
        if conns.len() >= max {
            let victim = conns
                .iter()
                .filter(|(_, c)| c.in_flight.load(Relaxed) == 0)
                .min_by_key(|(_, c)| c.last_io.load(Relaxed))
                .map(|(id, _)| *id);
            match victim.and_then(|id| conns.remove(&id)) {
                Some(c) => {
                    c.close.notify_one();
                    self.stats.evicted.fetch_add(1, Relaxed);
                }
                None => {
                    self.stats.refused.fetch_add(1, Relaxed);
                    return None;
                }
            }
        }
        let id = self.next_id.fetch_add(1, Relaxed);
        let conn = Arc::new(Conn {
            last_io: AtomicU64::new(self.now()),
            request_began: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            close: Notify::new(),
        });
        conns.insert(id, conn.clone());
        self.stats.open.store(conns.len(), Relaxed);
        Some((id, conn))
    }

    fn remove(&self, id: u64) {
        let mut conns = lock(&self.conns);
        conns.remove(&id);
        self.stats.open.store(conns.len(), Relaxed);
    }

    /// Closes the connections past their header or idle timeout.
    fn sweep(&self, limits: &ServerConfig) {
        let now = self.now();
        let header = limits.header_timeout.as_millis() as u64;
        let idle = limits.idle_timeout.as_millis() as u64;
        let mut conns = lock(&self.conns);
        conns.retain(|_, c| {
            if c.in_flight.load(Relaxed) > 0 {
                return true;
            }
            let began = c.request_began.load(Relaxed);
            let expired = if began > 0 {
                now.saturating_sub(began) > header
            } else {
                now.saturating_sub(c.last_io.load(Relaxed)) > idle
            };
            if expired {
                let counter = if began > 0 {
                    &self.stats.closed_header_timeout
                } else {
                    &self.stats.closed_idle
                };
                counter.fetch_add(1, Relaxed);
                c.close.notify_one();
            }
            !expired
        });
        self.stats.open.store(conns.len(), Relaxed);
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

/// Decrements a connection's requests in flight when the request ends, answered or not.
struct InFlight(Arc<Conn>, Arc<Registry>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Relaxed);
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
        conns: Mutex::new(HashMap::new()),
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
        let Some((id, conn)) = registry.admit(limits.max_connections) else {
            tracing::warn!(%peer, "every connection is busy; refused a new one");
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
    let conns = lock(&registry.conns);
    if let Some(c) = conns
        .values()
        .filter(|c| c.in_flight.load(Relaxed) == 0)
        .min_by_key(|c| c.last_io.load(Relaxed))
    {
        c.close.notify_one();
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
            conn.in_flight.fetch_add(1, Relaxed);
            conn.request_began.store(0, Relaxed);
            let guard = InFlight(conn.clone(), registry.clone());
            let mut req = req.map(axum::body::Body::new);
            req.extensions_mut().insert(ConnectInfo(peer));
            let mut router = router.clone();
            async move {
                let _guard = guard;
                match tokio::time::timeout(request_timeout, router.call(req)).await {
                    Ok(r) => r,
                    Err(_) => Ok(timed_out()),
                }
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
