//! Typed configuration: defaults, then `prassi.toml`, then `PRASSI_*` environment variables.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use url::Url;

mod limits;
mod sources;

pub use limits::{LoginConfig, MetricsConfig, ServerConfig};
use sources::{Sources, SETTINGS};

/// Everything an instance needs to run. Built once at start-up and passed down; there are no globals.
#[derive(Debug, Clone)]
pub struct Config {
    /// Scheme, host and port the instance is known by; actor ids are built from it.
    pub public_url: Url,
    /// Address the HTTP server listens on.
    pub bind: SocketAddr,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Where the SQLite file and uploaded media live.
    pub data_dir: PathBuf,
    /// Allows http and loopback/private peers (development and tests). Never in production.
    pub allow_private_peers: bool,
    /// Human name of the instance, shown in NodeInfo and pages.
    pub instance_name: String,
    /// Largest accepted media upload, in bytes (uploads are held in memory while checked).
    pub media_max_bytes: u64,
    /// Bytes of other instances' media kept under `<data_dir>/media-cache` (least recently
    /// used evicted first); pages show remote media from there, never from their host.
    pub media_cache_max_bytes: u64,
    /// Names this process in the queues' leases; held exclusively while it runs. `None`: the
    /// host name and the data directory (see [`Config::node_name`]).
    pub node_name: Option<String>,
    pub delivery: DeliveryConfig,
    pub server: ServerConfig,
    pub login: LoginConfig,
    pub metrics: MetricsConfig,
    /// Proof of reading: the share of a practice's estimated reading time (240 words a
    /// minute) that must pass between the first part opened and the last; 0 turns the floor
    /// off (tests and demos).
    pub reading_min_fraction: f64,
    /// Instances to follow at start (`PRASSI_FOLLOW_INSTANCES`): base URLs or instance actor
    /// ids, followed idempotently and retried with back-off until reachable.
    pub follow_instances: Vec<Url>,
    pub backfill: BackfillConfig,
    pub mail: MailConfig,
}

/// How the web site sends mail (address confirmations, password resets). Without it, sign-ups
/// wait for an admin's approval and an admin sets forgotten passwords.
#[derive(Debug, Clone, Default)]
pub struct MailConfig {
    /// `smtp://host:port` (STARTTLS when offered), `smtps://user:pass@host` (TLS), with
    /// credentials in the URL when the server wants them.
    pub smtp_url: Option<Url>,
    /// The sender, `Prassi <noreply@example.org>` or a bare address.
    pub from: Option<String>,
}

impl MailConfig {
    /// Both set: this instance sends mail.
    pub fn enabled(&self) -> bool {
        self.smtp_url.is_some() && self.from.is_some()
    }
}

/// The instance outbox this instance serves, and the walks of the outboxes it follows.
#[derive(Debug, Clone)]
pub struct BackfillConfig {
    /// Practices per page of `/actor/outbox` (a request's `limit` may ask for fewer or up to
    /// [`MAX_OUTBOX_PAGE`]).
    pub outbox_page_size: i64,
    /// Pause between two pages of a walk, to spare the origin (0: none).
    pub page_interval: Duration,
}

/// The most practices one page of `/actor/outbox` carries.
pub const MAX_OUTBOX_PAGE: i64 = 500;

impl Default for BackfillConfig {
    fn default() -> Self {
        Self {
            outbox_page_size: 20,
            page_interval: Duration::ZERO,
        }
    }
}

/// Default of [`Config::media_max_bytes`]: 50 MiB.
pub const DEFAULT_MEDIA_MAX_BYTES: u64 = 50 * 1024 * 1024;
/// Upper bound of [`Config::media_max_bytes`]: 1 GiB.
pub const MAX_MEDIA_MAX_BYTES: u64 = 1024 * 1024 * 1024;

/// Knobs of the persistent delivery and inbox queues.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// First retry delay; doubles at each failure (with jitter) up to `retry_cap`.
    pub retry_base: Duration,
    pub retry_cap: Duration,
    /// After failing without a single success for this long, an instance is marked dead.
    pub dead_after: Duration,
    /// How often a dead instance is probed.
    pub dead_probe_interval: Duration,
    /// Requests in flight per destination instance.
    pub per_destination_concurrency: usize,
    /// How long a worker owns a claimed delivery before another process may take it over.
    pub lease: Duration,
    /// Idle poll interval of the workers when nothing wakes them.
    pub poll_interval: Duration,
    /// Attempts before an incoming activity that keeps failing is parked as failed.
    pub inbox_max_attempts: i64,
    /// Timeout of one outgoing HTTP request.
    pub request_timeout: Duration,
    /// Whether this process runs the delivery and inbox workers (a web-only process does not).
    pub run_workers: bool,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            retry_base: Duration::from_secs(10),
            retry_cap: Duration::from_secs(3600),
            dead_after: Duration::from_secs(3 * 24 * 3600),
            dead_probe_interval: Duration::from_secs(6 * 3600),
            per_destination_concurrency: 4,
            lease: Duration::from_secs(30),
            poll_interval: Duration::from_secs(2),
            inbox_max_attempts: 8,
            request_timeout: Duration::from_secs(10),
            run_workers: true,
        }
    }
}

/// A configuration error names the setting at fault.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {setting}: {message}")]
pub struct ConfigError {
    pub setting: String,
    pub message: String,
}

fn err(setting: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        setting: setting.to_string(),
        message: message.into(),
    }
}

impl Config {
    /// Defaults suitable for a single development instance.
    pub fn defaults() -> Self {
        Self::for_url(
            Url::parse("http://localhost:8080").unwrap_or_else(|_| unreachable!()),
            PathBuf::from("./data"),
        )
    }

    /// A config for the given public URL and data directory (tests and embedding).
    pub fn for_url(public_url: Url, data_dir: PathBuf) -> Self {
        let database_url = sqlite_url(&data_dir);
        Self {
            public_url,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url,
            data_dir,
            allow_private_peers: false,
            instance_name: "Prassi".to_string(),
            media_max_bytes: DEFAULT_MEDIA_MAX_BYTES,
            media_cache_max_bytes: 1024 * 1024 * 1024,
            node_name: None,
            delivery: DeliveryConfig::default(),
            server: ServerConfig::default(),
            login: LoginConfig::default(),
            metrics: MetricsConfig::default(),
            // A quarter, as `domain::reading::DEFAULT_MIN_FRACTION` says.
            reading_min_fraction: 0.25,
            follow_instances: Vec::new(),
            backfill: BackfillConfig::default(),
            mail: MailConfig::default(),
        }
    }

    /// Loads the file (if any) and the environment. `file` is an explicit path; without it
    /// `./prassi.toml` is read when present.
    pub fn load(file: Option<PathBuf>) -> Result<Self, ConfigError> {
        let env: Vec<(String, String)> = std::env::vars().collect();
        Self::load_from(file, &env)
    }

    fn load_from(file: Option<PathBuf>, env: &[(String, String)]) -> Result<Self, ConfigError> {
        let path = file.clone().or_else(|| {
            env.iter()
                .find(|(k, _)| k == "PRASSI_CONFIG")
                .map(|(_, v)| PathBuf::from(v))
        });
        let src = match path {
            Some(p) => Sources::read(env, &p, true)?,
            None => Sources::read(env, &PathBuf::from("prassi.toml"), false)?,
        };

        let mut cfg = Self::defaults();
        if let Some((d, at)) = src.get("PRASSI_DATA_DIR") {
            if d.trim().is_empty() {
                return Err(at.err("must not be empty"));
            }
            cfg.data_dir = PathBuf::from(d);
        }
        cfg.database_url = sqlite_url(&cfg.data_dir);
        if let Some((u, at)) = src.get("PRASSI_PUBLIC_URL") {
            cfg.public_url = parse_public_url(&u).map_err(|m| at.err(m))?;
        }
        if let Some((b, at)) = src.get("PRASSI_BIND") {
            cfg.bind = parse_addr(&b).map_err(|m| at.err(m))?;
        }
        if let Some((d, at)) = src.get("PRASSI_DATABASE_URL") {
            if !(d.starts_with("sqlite:")
                || d.starts_with("postgres://")
                || d.starts_with("postgresql://"))
            {
                return Err(at.err(format!("`{d}` must start with sqlite:// or postgres://")));
            }
            cfg.database_url = d;
        }
        if let Some(v) = src.bool("PRASSI_ALLOW_PRIVATE_PEERS")? {
            cfg.allow_private_peers = v;
        }
        if let Some((n, _)) = src.get("PRASSI_INSTANCE_NAME") {
            cfg.instance_name = n;
        }
        if let Some(n) = src.num("PRASSI_MEDIA_MAX_BYTES")? {
            cfg.media_max_bytes = n;
        }
        if let Some(n) = src.num("PRASSI_MEDIA_CACHE_MAX_BYTES")? {
            if n == 0 {
                return Err(src
                    .get("PRASSI_MEDIA_CACHE_MAX_BYTES")
                    .map(|(_, at)| at.err("must be at least 1"))
                    .unwrap_or_else(|| err("PRASSI_MEDIA_CACHE_MAX_BYTES", "must be at least 1")));
            }
            cfg.media_cache_max_bytes = n;
        }
        if let Some(ms) = src.num("PRASSI_DELIVERY_RETRY_BASE_MS")? {
            cfg.delivery.retry_base = Duration::from_millis(ms);
        }
        if let Some(s) = src.num("PRASSI_DELIVERY_RETRY_CAP_SECS")? {
            cfg.delivery.retry_cap = Duration::from_secs(s);
        }
        if let Some(s) = src.num("PRASSI_DELIVERY_DEAD_AFTER_SECS")? {
            cfg.delivery.dead_after = Duration::from_secs(s);
        }
        if let Some(ms) = src.num("PRASSI_DELIVERY_POLL_MS")? {
            cfg.delivery.poll_interval = Duration::from_millis(ms.max(1));
        }
        if let Some(ms) = src.num("PRASSI_DELIVERY_LEASE_MS")? {
            cfg.delivery.lease = Duration::from_millis(ms.max(100));
        }
        if let Some(n) = src.num("PRASSI_DELIVERY_CONCURRENCY")? {
            cfg.delivery.per_destination_concurrency = (n as usize).max(1);
        }
        if let Some((n, at)) = src.get("PRASSI_NODE_NAME") {
            let n = n.trim().to_string();
            if n.is_empty() || n.len() > 200 || n.chars().any(char::is_control) {
                return Err(at.err("must be 1 to 200 printable characters"));
            }
            cfg.node_name = Some(n);
        }
        if let Some(v) = src.bool("PRASSI_WORKERS")? {
            cfg.delivery.run_workers = v;
        }
        if let Some(f) = src.fraction("PRASSI_READING_MIN_FRACTION")? {
            cfg.reading_min_fraction = f;
        }
        if let Some((list, at)) = src.get("PRASSI_FOLLOW_INSTANCES") {
            cfg.follow_instances = parse_url_list(&list).map_err(|m| at.err(m))?;
        }
        if let Some(n) = src.num("PRASSI_OUTBOX_PAGE_SIZE")? {
            if n == 0 || n > MAX_OUTBOX_PAGE as u64 {
                return Err(src
                    .get("PRASSI_OUTBOX_PAGE_SIZE")
                    .map(|(_, at)| at.err(format!("must be from 1 to {MAX_OUTBOX_PAGE}")))
                    .unwrap_or_else(|| err("PRASSI_OUTBOX_PAGE_SIZE", "out of range")));
            }
            cfg.backfill.outbox_page_size = n as i64;
        }
        if let Some(ms) = src.num("PRASSI_BACKFILL_PAGE_INTERVAL_MS")? {
            cfg.backfill.page_interval = Duration::from_millis(ms);
        }
        if let Some((u, at)) = src.get("PRASSI_SMTP_URL") {
            cfg.mail.smtp_url = Some(parse_smtp_url(&u).map_err(|m| at.err(m))?);
        }
        if let Some((f, at)) = src.get("PRASSI_MAIL_FROM") {
            let f = f.trim();
            if !f.contains('@') || f.chars().any(char::is_control) {
                return Err(at.err(format!(
                    "`{f}` is not an e-mail address (`noreply@example.org` or `Prassi <noreply@example.org>`)"
                )));
            }
            cfg.mail.from = Some(f.to_string());
        }
        if cfg.mail.smtp_url.is_some() != cfg.mail.from.is_some() {
            let (missing, given) = if cfg.mail.from.is_none() {
                ("PRASSI_MAIL_FROM", "PRASSI_SMTP_URL")
            } else {
                ("PRASSI_SMTP_URL", "PRASSI_MAIL_FROM")
            };
            return Err(err(missing, format!("must be set too when {given} is")));
        }
        limits::read(&src, &mut cfg)?;
        // The rules name a variable; say where the value really came from.
        cfg.check()
            .map_err(|e| match SETTINGS.iter().find(|(v, _)| *v == e.setting) {
                Some((var, _)) => src
                    .get(var)
                    .map(|(_, at)| at.err(e.message.clone()))
                    .unwrap_or(e),
                None => e,
            })?;
        Ok(cfg)
    }

    /// Rules that hold whatever the source of the values.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.delivery.lease <= self.delivery.request_timeout {
            return Err(err(
                "PRASSI_DELIVERY_LEASE_MS",
                "the lease must outlast one request (10 s), or a slow send could be sent twice",
            ));
        }
        if self.delivery.retry_base > self.delivery.retry_cap {
            return Err(err(
                "PRASSI_DELIVERY_RETRY_BASE_MS",
                "the first retry delay is longer than the cap",
            ));
        }
        if self.media_max_bytes == 0 || self.media_max_bytes > MAX_MEDIA_MAX_BYTES {
            return Err(err(
                "PRASSI_MEDIA_MAX_BYTES",
                format!(
                    "{} is out of range: between 1 and {MAX_MEDIA_MAX_BYTES} bytes (1 GiB)",
                    self.media_max_bytes
                ),
            ));
        }
        Ok(())
    }

    /// An http public URL is only sensible on a developer's machine; say so loudly elsewhere.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        let host = self.public_url.host_str().unwrap_or_default();
        if self.public_url.scheme() == "http"
            && !matches!(host, "localhost" | "127.0.0.1" | "[::1]")
        {
            w.push(format!(
                "PRASSI_PUBLIC_URL {} is plain http on a non-loopback host: \
                 other servers will refuse it; use https in production",
                self.public_url
            ));
        }
        if self.allow_private_peers {
            w.push("PRASSI_ALLOW_PRIVATE_PEERS is on: http and private-address peers are allowed (development only)".into());
        }
        w
    }

    /// The name of this process in the queues' leases: `PRASSI_NODE_NAME`, or the host name
    /// and the data directory, which tells apart the processes of one host.
    pub fn node_name(&self) -> String {
        if let Some(n) = &self.node_name {
            return n.clone();
        }
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".into());
        let dir = std::fs::canonicalize(&self.data_dir).unwrap_or_else(|_| self.data_dir.clone());
        format!("{host}:{}", dir.display())
    }

    /// `host[:port]` as it appears in actor ids and handles.
    pub fn domain(&self) -> String {
        host_port(&self.public_url)
    }

    /// Base URL without trailing slash, for building ids.
    pub fn base(&self) -> String {
        self.public_url.as_str().trim_end_matches('/').to_string()
    }
}

/// `host[:port]` of a URL (the port only when not the scheme's default).
pub fn host_port(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => String::new(),
    }
}

fn sqlite_url(data_dir: &std::path::Path) -> String {
    format!("sqlite://{}", data_dir.join("prassi.db").display())
}

fn parse_public_url(u: &str) -> Result<Url, String> {
    let url = Url::parse(u).map_err(|e| format!("`{u}`: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("`{u}` must be an http(s) URL with a host"));
    }
    if url.path() != "/" || url.query().is_some() {
        return Err(format!(
            "`{u}` must not have a path or query; Prassi runs at the root of its host"
        ));
    }
    Ok(url)
}

fn parse_smtp_url(u: &str) -> Result<Url, String> {
    match Url::parse(u.trim()) {
        Ok(url) if matches!(url.scheme(), "smtp" | "smtps") && url.host_str().is_some() => Ok(url),
        _ => Err(format!(
            "`{u}` must be an smtp:// or smtps:// URL with a host, such as smtp://127.0.0.1:2525"
        )),
    }
}

/// URLs separated by commas or white space (a list in `prassi.toml` arrives comma-joined).
fn parse_url_list(list: &str) -> Result<Vec<Url>, String> {
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| match Url::parse(s) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(u),
            _ => Err(format!("`{s}` is not an http(s) URL")),
        })
        .collect()
}

fn parse_addr(b: &str) -> Result<SocketAddr, String> {
    b.trim()
        .parse()
        .map_err(|_| format!("`{b}` is not an address:port such as 127.0.0.1:8080"))
}

#[cfg(test)]
mod tests;
