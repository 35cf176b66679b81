//! `serve(config, listener, shutdown)`: one instance, no globals, so a test process can run
//! several side by side.

pub mod admin;
pub mod server;

use std::{future::Future, time::Duration};

use activitypub_federation::config::FederationConfig;
use anyhow::Context;
use axum::{
    extract::{DefaultBodyLimit, State},
    http::header,
    response::IntoResponse,
    routing::{get, post},
    Router,
};
use tokio::{net::TcpListener, sync::watch};
use tower_http::trace::TraceLayer;

use crate::{
    api,
    config::Config,
    db::{
        instances,
        nodes::{NodeLock, NodeLockError},
        Db,
    },
    error::AppError,
    federation::resolver::CachingResolver,
    federation::{apply, delivery, inbox, routes},
    service::{accounts, credentials},
    state::{AppData, Fed},
    web,
};

/// The HTTP client for every outgoing request. Whether loopback and private addresses may be
/// reached is our setting, not the build profile.
pub fn http_client(config: &Config) -> anyhow::Result<reqwest::Client> {
    let timeout = config.delivery.request_timeout;
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .pool_max_idle_per_host(8)
        .user_agent(concat!("Prassi/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(CachingResolver::new(!config.allow_private_peers))
        .build()
        .context("building the HTTP client")
}

/// Connects the database, prepares the instance actor and the library's federation config.
pub async fn prepare(config: Config) -> anyhow::Result<Fed> {
    config.check()?;
    let db = Db::connect(&config.database_url)
        .await
        .with_context(|| format!("opening the database {}", redact(&config.database_url)))?;
    // Only a process that runs the workers takes leases, so only it needs its name to itself
    // (a web-only process or a one-off admin command shares the database without one).
    let node = config.node_name();
    let lock = if config.delivery.run_workers {
        let lock = NodeLock::acquire(&db, &node).await.map_err(|e| match e {
            NodeLockError::Taken(_) => anyhow::anyhow!(
                "{e}: give each process its own PRASSI_NODE_NAME (or stop the other one)"
            ),
            other => anyhow::anyhow!(other),
        })?;
        // Whatever a process of this name had leased is not in flight any more: it is gone
        // (we hold its name), so its work is taken back now rather than when leases expire.
        let (streams, activities) = instances::reclaim(&db, &node).await?;
        if streams + activities > 0 {
            tracing::info!(node = %node, streams, activities, "took back the leases of this node's previous run");
        }
        Some(lock)
    } else {
        None
    };

    credentials::prepare_dummy_hash()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let instance_actor = accounts::ensure_instance_actor(&db, &config)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::service::topics::ensure(&db, &config)
        .await
        .map_err(|e| anyhow::anyhow!("creating the topic actors: {e}"))?;
    let http = http_client(&config)?;
    let data = AppData::new(
        db,
        config.clone(),
        http.clone(),
        instance_actor.clone(),
        lock,
    );
    let fed = FederationConfig::builder()
        .domain(config.domain())
        .app_data(data)
        .client(http.into())
        .debug(config.allow_private_peers)
        .allow_http_urls(config.allow_private_peers)
        .http_signature_compat(true)
        .request_timeout(config.delivery.request_timeout)
        .signed_fetch_actor(&instance_actor)
        .build()
        .await
        .context("building the federation config")?;
    Ok(fed)
}

/// Hides the password of a database URL in messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

pub fn router(fed: Fed) -> Router {
    let config = fed.to_request_data().config.clone();
    Router::new()
        .route("/.well-known/webfinger", get(routes::webfinger))
        .route("/.well-known/nodeinfo", get(routes::nodeinfo_links))
        .route("/nodeinfo/2.1", get(routes::nodeinfo))
        .route("/inbox", post(inbox::shared_inbox))
        .route("/actor", get(web::actor::instance))
        .route("/actor/{which}", get(routes::instance_collection))
        .route("/actors/{username}", get(web::actor::show))
        .route("/actors/{username}/inbox", post(inbox::actor_inbox))
        .route("/actors/{username}/outbox", get(routes::outbox))
        .route("/actors/{username}/followers", get(routes::followers))
        .route("/actors/{username}/following", get(routes::following))
        .route("/actors/{username}/featured", get(routes::featured))
        .route("/metrics", get(metrics))
        .route("/practices/{key}", get(web::practice::show))
        .route(
            "/practices/{key}/context",
            get(web::comment::practice_thread),
        )
        .route(
            "/practices/{key}/replies",
            get(web::comment::practice_replies),
        )
        .route("/practices/{key}/{which}", get(web::practice::collection))
        .route("/calls/{key}", get(web::call::show))
        .route("/candidacies/{key}", get(web::call::candidacy))
        .route("/comments/{key}", get(web::comment::show))
        .route(
            "/comments/{key}/replies",
            get(web::comment::comment_replies),
        )
        // Pages and ActivityPub documents gzipped for clients that take it (the web router
        // compresses its own pages; its static files come compressed already). Media files
        // are served as they are: pictures and videos are compressed, documents are sent in
        // ranges.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Fastest),
        )
        .route("/media/{file_name}", get(api::media::serve))
        .route(
            "/media/remote/{practice}/{key}",
            get(api::media::serve_remote),
        )
        .merge(web::router())
        .merge(api::router(&config))
        .fallback(web::fallback)
        .layer(DefaultBodyLimit::max(inbox::MAX_BODY))
        .layer(TraceLayer::new_for_http())
        .layer(axum::middleware::from_fn_with_state(
            config.server.request_timeout,
            request_timeout,
        ))
        .layer(web::headers::SecurityHeaders::new(&config))
        .with_state(fed)
}

/// A request not answered within `PRASSI_REQUEST_TIMEOUT_SECS` (receiving its body
/// included) gets 503 `timeout`, with the headers every answer carries.
async fn request_timeout(
    State(limit): State<Duration>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => AppError::Timeout("the request took too long".into()).into_response(),
    }
}

/// `/metrics` on the public address: only with the metrics token, and not there at all
/// without one (it names the peers this instance talks to).
async fn metrics(
    State(fed): State<Fed>,
    headers: axum::http::HeaderMap,
) -> Result<impl IntoResponse, AppError> {
    let ctx = fed.to_request_data();
    let Some(expected) = ctx.config.metrics.token.as_deref() else {
        return Err(AppError::NotFound("no such page".into()));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Compared in constant time: a token guessed byte by byte from timings is no token.
    let same = given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return Err(AppError::Unauthorized(
            "the metrics need their bearer token".into(),
        ));
    }
    metrics_text(State(fed)).await
}

/// The exposition text, as served on `PRASSI_METRICS_BIND` (no token there).
async fn metrics_text(State(fed): State<Fed>) -> Result<axum::response::Response, AppError> {
    let ctx = fed.to_request_data();
    let text = ctx.metrics.render(&ctx.db).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response())
}

/// Checks every few seconds that this process still holds its node name; if another process
/// took it (this one's database session had ended), the workers stop: two processes leasing
/// under one name would deliver twice.
async fn watch_node(
    data: AppData,
    stop: std::sync::Arc<watch::Sender<bool>>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(NODE_CHECK_INTERVAL) => {}
            _ = stopped.changed() => return,
        }
        match data.check_node().await {
            Ok(()) => {}
            Err(e @ NodeLockError::Taken(_)) => {
                tracing::error!(error = %e, "lost the node name; stopping delivery and the inbox worker");
                let _ = stop.send(true);
                return;
            }
            Err(e) => tracing::warn!(error = %e, "cannot check the node name; will try again"),
        }
    }
}

/// Reads the subscribed lists of trusted instances at start and then every hour.
async fn refresh_trusted_lists(data: AppData, mut stopped: watch::Receiver<bool>) {
    loop {
        if let Err(e) = crate::service::trust::refresh_all(&data.db, &data.config, &data.http).await
        {
            tracing::warn!(error = %e, "cannot refresh the trusted lists; will try again");
        }
        tokio::select! {
            _ = tokio::time::sleep(TRUSTED_LIST_REFRESH) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// How often subscribed lists of trusted instances are read again.
const TRUSTED_LIST_REFRESH: Duration = Duration::from_secs(3600);

/// How often a process checks that it still holds its node name.
const NODE_CHECK_INTERVAL: Duration = Duration::from_secs(10);

/// Runs the instance on `listener` until `shutdown` completes, then stops the workers and
/// closes the database.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let fed = prepare(config).await?;
    serve_prepared(fed, listener, shutdown).await
}

pub async fn serve_prepared(
    fed: Fed,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let data = fed.to_request_data().app_data().clone();
    let (stop_tx, stop_rx) = watch::channel(false);
    let stop_tx = std::sync::Arc::new(stop_tx);
    // Every process keeps its own search index, workers or not: it answers searches.
    let search = tokio::spawn(crate::search::worker::run(
        data.search.clone(),
        data.db.clone(),
        stop_rx.clone(),
    ));
    let mut workers = if data.config.delivery.run_workers {
        vec![
            tokio::spawn(delivery::run(data.clone(), stop_rx.clone())),
            tokio::spawn(apply::run(fed.clone(), stop_rx.clone())),
            tokio::spawn(watch_node(data.clone(), stop_tx.clone(), stop_rx.clone())),
            tokio::spawn(refresh_trusted_lists(data.clone(), stop_rx.clone())),
            tokio::spawn(crate::service::good_index::run_publisher(
                fed.to_request_data(),
                stop_rx.clone(),
            )),
            tokio::spawn(crate::federation::backfill::run(
                fed.to_request_data(),
                stop_rx.clone(),
            )),
            tokio::spawn(crate::service::instance_follows::follow_configured(
                fed.to_request_data(),
                stop_rx.clone(),
            )),
        ]
    } else {
        Vec::new()
    };
    workers.push(search);
    let metrics_server = match data.config.metrics.bind {
        Some(bind) => {
            let l = TcpListener::bind(bind)
                .await
                .with_context(|| format!("cannot listen on {bind} (PRASSI_METRICS_BIND)"))?;
            let at = l.local_addr()?;
            let _ = data.metrics.address.set(at);
            tracing::info!(addr = %at, "serving /metrics without a token");
            let app = Router::new()
                .route("/metrics", get(metrics_text))
                .layer(web::headers::SecurityHeaders::new(&data.config))
                .with_state(fed.clone());
            let mut stopped = stop_rx.clone();
            Some(tokio::spawn(server::run(
                l,
                app,
                data.config.server.clone(),
                Default::default(),
                async move {
                    let _ = stopped.wait_for(|s| *s).await;
                },
            )))
        }
        None => None,
    };
    let addr = listener.local_addr()?;
    tracing::info!(%addr, public_url = %data.config.public_url, backend = data.db.backend(), "serving");
    let stats = data.metrics.connections.clone();
    let limits = data.config.server.clone();
    let result = server::run(listener, router(fed), limits, stats, shutdown).await;
    let _ = stop_tx.send(true);
    if let Some(m) = metrics_server {
        let _ = tokio::time::timeout(Duration::from_secs(10), m).await;
    }
    for w in workers {
        let _ = tokio::time::timeout(Duration::from_secs(10), w).await;
    }
    data.release_node().await;
    data.db.close().await;
    tracing::info!(%addr, "stopped");
    result.context("HTTP server")
}
