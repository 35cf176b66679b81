//! Typed configuration: defaults, then `prassi.toml`, then `PRASSI_*` environment variables.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use url::Url;

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
}

/// What one client may hold of the HTTP server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Time a client has to send a request's headers once it began.
    pub header_timeout: Duration,
    /// A kept-alive connection with no request for this long is closed.
    pub idle_timeout: Duration,
    /// Time to read a request's body and produce the response.
    pub request_timeout: Duration,
    /// Open connections at most; at the cap the longest-idle one is closed for a new one.
    pub max_connections: usize,
    /// Open connections of one client address at most (0: no limit); trusted proxies are
    /// exempt.
    pub max_connections_per_client: usize,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(75),
            request_timeout: Duration::from_secs(60),
            max_connections: 4096,
            max_connections_per_client: 1024,
            trusted_proxies: Vec::new(),
        }
    }
}

/// Throttling of failed log-ins and the life of API tokens.
#[derive(Debug, Clone)]
pub struct LoginConfig {
    /// Failed log-ins of one account answered without delay.
    pub free_failures: u32,
    /// Failed log-ins of one account after which it is locked out for `lockout`.
    pub lockout_failures: u32,
    /// The same two thresholds for one client address (several people may share one).
    pub address_free_failures: u32,
    pub address_lockout_failures: u32,
    pub lockout: Duration,
    /// Password hashes computed at once (each takes ~19 MiB for a few milliseconds).
    pub hash_concurrency: usize,
    /// How long a new API token is valid.
    pub token_lifetime: Duration,
}

impl Default for LoginConfig {
    fn default() -> Self {
        Self {
            free_failures: 5,
            lockout_failures: 10,
            address_free_failures: 20,
            address_lockout_failures: 100,
            lockout: Duration::from_secs(15 * 60),
            hash_concurrency: 2,
            token_lifetime: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// Who may read `/metrics`.
#[derive(Debug, Clone, Default)]
pub struct MetricsConfig {
    /// On the public address, `/metrics` answers only this bearer token (none: 404 there).
    pub token: Option<String>,
    /// A separate address serving `/metrics` without a token (for a Prometheus on the host).
    pub bind: Option<SocketAddr>,
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

/// Every setting: its environment variable and its key in `prassi.toml` (if it has one).
const SETTINGS: &[(&str, &str)] = &[
    ("PRASSI_PUBLIC_URL", "public_url"),
    ("PRASSI_BIND", "bind"),
    ("PRASSI_DATABASE_URL", "database_url"),
    ("PRASSI_DATA_DIR", "data_dir"),
    ("PRASSI_ALLOW_PRIVATE_PEERS", "allow_private_peers"),
    ("PRASSI_INSTANCE_NAME", "instance_name"),
    ("PRASSI_MEDIA_MAX_BYTES", "media_max_bytes"),
    ("PRASSI_MEDIA_CACHE_MAX_BYTES", "media_cache_max_bytes"),
    ("PRASSI_NODE_NAME", "node_name"),
    ("PRASSI_WORKERS", "workers"),
    ("PRASSI_DELIVERY_RETRY_BASE_MS", "delivery.retry_base_ms"),
    ("PRASSI_DELIVERY_RETRY_CAP_SECS", "delivery.retry_cap_secs"),
    (
        "PRASSI_DELIVERY_DEAD_AFTER_SECS",
        "delivery.dead_after_secs",
    ),
    ("PRASSI_DELIVERY_POLL_MS", "delivery.poll_interval_ms"),
    ("PRASSI_DELIVERY_LEASE_MS", "delivery.lease_ms"),
    (
        "PRASSI_DELIVERY_CONCURRENCY",
        "delivery.per_destination_concurrency",
    ),
    ("PRASSI_HEADER_TIMEOUT_MS", "server.header_timeout_ms"),
    ("PRASSI_IDLE_TIMEOUT_SECS", "server.idle_timeout_secs"),
    ("PRASSI_REQUEST_TIMEOUT_SECS", "server.request_timeout_secs"),
    ("PRASSI_MAX_CONNECTIONS", "server.max_connections"),
    (
        "PRASSI_MAX_CONNECTIONS_PER_CLIENT",
        "server.max_connections_per_client",
    ),
    ("PRASSI_TRUSTED_PROXIES", "server.trusted_proxies"),
    ("PRASSI_LOGIN_FREE_FAILURES", "login.free_failures"),
    ("PRASSI_LOGIN_LOCKOUT_FAILURES", "login.lockout_failures"),
    (
        "PRASSI_LOGIN_ADDRESS_FREE_FAILURES",
        "login.address_free_failures",
    ),
    (
        "PRASSI_LOGIN_ADDRESS_LOCKOUT_FAILURES",
        "login.address_lockout_failures",
    ),
    ("PRASSI_LOGIN_LOCKOUT_SECS", "login.lockout_secs"),
    ("PRASSI_LOGIN_HASH_CONCURRENCY", "login.hash_concurrency"),
    ("PRASSI_TOKEN_LIFETIME_DAYS", "login.token_lifetime_days"),
    ("PRASSI_METRICS_TOKEN", "metrics.token"),
    ("PRASSI_METRICS_BIND", "metrics.bind"),
];

/// Where a value came from, so an error names the place to fix.
enum Origin {
    Env(&'static str),
    File(&'static str, String),
}

impl Origin {
    fn err(&self, message: impl Into<String>) -> ConfigError {
        let setting = match self {
            Origin::Env(v) => v.to_string(),
            Origin::File(key, path) => format!("`{key}` in {path}"),
        };
        err(&setting, message)
    }
}

/// The environment and the file's keys (flattened to `section.key`), the environment first.
struct Sources<'a> {
    env: &'a [(String, String)],
    file: std::collections::BTreeMap<String, String>,
    path: String,
}

impl<'a> Sources<'a> {
    fn read(
        env: &'a [(String, String)],
        path: &std::path::Path,
        required: bool,
    ) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(err("PRASSI_CONFIG", format!("{shown}: {e}"))),
        };
        let table: toml::Table = toml::from_str(&text).map_err(|e| err(&shown, e.to_string()))?;
        let mut file = std::collections::BTreeMap::new();
        let mut errors = Vec::new();
        flatten("", table, &mut file, &mut errors);
        for key in file.keys() {
            if !SETTINGS.iter().any(|(_, k)| k == key) {
                errors.push(format!("`{key}` is not a setting"));
            }
        }
        if !errors.is_empty() {
            return Err(err(&shown, errors.join("; ")));
        }
        Ok(Self {
            env,
            file,
            path: shown,
        })
    }

    fn get(&self, var: &'static str) -> Option<(String, Origin)> {
        if let Some((_, v)) = self.env.iter().find(|(k, _)| k == var) {
            return Some((v.clone(), Origin::Env(var)));
        }
        let key = SETTINGS.iter().find(|(e, _)| *e == var).map(|(_, k)| *k)?;
        self.file
            .get(key)
            .map(|v| (v.clone(), Origin::File(key, self.path.clone())))
    }

    fn num(&self, var: &'static str) -> Result<Option<u64>, ConfigError> {
        self.get(var)
            .map(|(v, at)| {
                v.trim()
                    .parse()
                    .map_err(|_| at.err(format!("`{v}` is not a non-negative integer")))
            })
            .transpose()
    }

    fn bool(&self, var: &'static str) -> Result<Option<bool>, ConfigError> {
        self.get(var)
            .map(|(v, at)| match v.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" | "" => Ok(false),
                _ => Err(at.err(format!("`{v}` is not a boolean (true/false)"))),
            })
            .transpose()
    }
}

/// `[a] b = 1` becomes `a.b = "1"`; arrays of strings are joined with commas.
fn flatten(
    prefix: &str,
    table: toml::Table,
    out: &mut std::collections::BTreeMap<String, String>,
    errors: &mut Vec<String>,
) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k
        } else {
            format!("{prefix}.{k}")
        };
        let text = match v {
            toml::Value::Table(t) => {
                flatten(&key, t, out, errors);
                continue;
            }
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Array(items) => {
                let strings: Option<Vec<String>> = items
                    .into_iter()
                    .map(|i| i.as_str().map(str::to_string))
                    .collect();
                match strings {
                    Some(s) => s.join(","),
                    None => {
                        errors.push(format!("`{key}` must be a list of strings"));
                        continue;
                    }
                }
            }
            other => {
                errors.push(format!(
                    "`{key}`: a {} is not a setting's value",
                    other.type_str()
                ));
                continue;
            }
        };
        out.insert(key, text);
    }
}

/// The HTTP server's limits, log-in throttling and metrics access.
fn server_settings(src: &Sources, cfg: &mut Config) -> Result<(), ConfigError> {
    let positive = |var: &'static str| -> Result<Option<u64>, ConfigError> {
        match src.num(var)? {
            Some(0) => Err(src
                .get(var)
                .map(|(_, at)| at.err("must be at least 1"))
                .unwrap_or_else(|| err(var, "must be at least 1"))),
            n => Ok(n),
        }
    };
    let s = &mut cfg.server;
    if let Some(ms) = positive("PRASSI_HEADER_TIMEOUT_MS")? {
        s.header_timeout = Duration::from_millis(ms);
    }
    if let Some(n) = positive("PRASSI_IDLE_TIMEOUT_SECS")? {
        s.idle_timeout = Duration::from_secs(n);
    }
    if let Some(n) = positive("PRASSI_REQUEST_TIMEOUT_SECS")? {
        s.request_timeout = Duration::from_secs(n);
    }
    if let Some(n) = positive("PRASSI_MAX_CONNECTIONS")? {
        s.max_connections = n as usize;
    }
    if let Some(n) = src.num("PRASSI_MAX_CONNECTIONS_PER_CLIENT")? {
        s.max_connections_per_client = n as usize;
    }
    if let Some((list, at)) = src.get("PRASSI_TRUSTED_PROXIES") {
        let mut nets = Vec::new();
        let mut bad = Vec::new();
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            match item
                .parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
            {
                Ok(n) => nets.push(n),
                Err(_) => bad.push(format!("`{item}`")),
            }
        }
        if !bad.is_empty() {
            return Err(at.err(format!(
                "{} not an IP address or network (such as 10.0.0.1 or 10.0.0.0/8)",
                bad.join(", ")
            )));
        }
        s.trusted_proxies = nets;
    }
    let l = &mut cfg.login;
    if let Some(n) = positive("PRASSI_LOGIN_FREE_FAILURES")? {
        l.free_failures = n.min(u32::MAX as u64) as u32;
    }
    if let Some(n) = positive("PRASSI_LOGIN_LOCKOUT_FAILURES")? {
        l.lockout_failures = n.min(u32::MAX as u64) as u32;
    }
    if let Some(n) = positive("PRASSI_LOGIN_ADDRESS_FREE_FAILURES")? {
        l.address_free_failures = n.min(u32::MAX as u64) as u32;
    }
    if let Some(n) = positive("PRASSI_LOGIN_ADDRESS_LOCKOUT_FAILURES")? {
        l.address_lockout_failures = n.min(u32::MAX as u64) as u32;
    }
    if let Some(n) = positive("PRASSI_LOGIN_LOCKOUT_SECS")? {
        l.lockout = Duration::from_secs(n);
    }
    if let Some(n) = positive("PRASSI_LOGIN_HASH_CONCURRENCY")? {
        l.hash_concurrency = (n as usize).min(64);
    }
    if let Some(n) = positive("PRASSI_TOKEN_LIFETIME_DAYS")? {
        l.token_lifetime = Duration::from_secs(n.min(3650) * 24 * 3600);
    }
    for (free, lock, var) in [
        (
            l.free_failures,
            l.lockout_failures,
            "PRASSI_LOGIN_LOCKOUT_FAILURES",
        ),
        (
            l.address_free_failures,
            l.address_lockout_failures,
            "PRASSI_LOGIN_ADDRESS_LOCKOUT_FAILURES",
        ),
    ] {
        if lock < free {
            let at = src.get(var).map(|(_, at)| at);
            let message = format!("{lock} is below the failures allowed without delay ({free})");
            return Err(match at {
                Some(at) => at.err(message),
                None => err(var, message),
            });
        }
    }
    if let Some((t, at)) = src.get("PRASSI_METRICS_TOKEN") {
        let t = t.trim().to_string();
        if t.len() < 16 {
            return Err(at.err("a metrics token needs at least 16 characters"));
        }
        cfg.metrics.token = Some(t);
    }
    if let Some((b, at)) = src.get("PRASSI_METRICS_BIND") {
        cfg.metrics.bind = Some(parse_addr(&b).map_err(|m| at.err(m))?);
    }
    Ok(())
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
        server_settings(&src, &mut cfg)?;
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

fn parse_addr(b: &str) -> Result<SocketAddr, String> {
    b.trim()
        .parse()
        .map_err(|_| format!("`{b}` is not an address:port such as 127.0.0.1:8080"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_without_anything() {
        let c = Config::load_from(None, &env(&[])).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.domain(), "localhost:8080");
        assert!(!c.allow_private_peers);
        assert_eq!(c.database_url, "sqlite://./data/prassi.db");
        assert_eq!(c.media_max_bytes, 50 * 1024 * 1024);
    }

    #[test]
    fn env_overrides_and_errors_name_the_setting() {
        let c = Config::load_from(
            None,
            &env(&[
                ("PRASSI_ALLOW_PRIVATE_PEERS", "true"),
                ("PRASSI_PUBLIC_URL", "http://localhost:9000"),
                ("PRASSI_DATA_DIR", "/tmp/x"),
                ("PRASSI_MEDIA_MAX_BYTES", "1048576"),
            ]),
        )
        .unwrap();
        assert_eq!(c.domain(), "localhost:9000");
        assert_eq!(c.media_max_bytes, 1_048_576);
        assert_eq!(c.database_url, "sqlite:///tmp/x/prassi.db");
        for (k, v) in [
            ("PRASSI_BIND", "nope"),
            ("PRASSI_ALLOW_PRIVATE_PEERS", "maybe"),
            ("PRASSI_DATABASE_URL", "mysql://x"),
            ("PRASSI_PUBLIC_URL", "ftp://x"),
            ("PRASSI_MEDIA_MAX_BYTES", "50MB"),
            ("PRASSI_MEDIA_MAX_BYTES", "0"),
        ] {
            let e = Config::load_from(None, &env(&[(k, v)])).unwrap_err();
            assert_eq!(e.setting, k, "{e}");
        }
    }

    #[test]
    fn a_bad_file_value_names_its_key_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prassi.toml");
        std::fs::write(&path, "bind = \"nope\"\n[server]\nmax_connections = 0\n").unwrap();
        let e = Config::load_from(Some(path.clone()), &env(&[])).unwrap_err();
        assert_eq!(e.setting, format!("`bind` in {}", path.display()), "{e}");
        // The environment wins, and then the file's next bad value is named.
        let e = Config::load_from(Some(path.clone()), &env(&[("PRASSI_BIND", "127.0.0.1:1")]))
            .unwrap_err();
        assert_eq!(
            e.setting,
            format!("`server.max_connections` in {}", path.display())
        );
        std::fs::write(&path, "media_max_bytes = 0\n").unwrap();
        let e = Config::load_from(Some(path.clone()), &env(&[])).unwrap_err();
        assert_eq!(
            e.setting,
            format!("`media_max_bytes` in {}", path.display()),
            "{e}"
        );
        std::fs::write(&path, "bnid = \"x\"\n[login]\nlockout_secs = 1.5\n").unwrap();
        let e = Config::load_from(Some(path.clone()), &env(&[])).unwrap_err();
        assert!(e.message.contains("`bnid` is not a setting"), "{e}");
        assert!(e.message.contains("`login.lockout_secs`"), "{e}");
    }

    #[test]
    fn server_and_login_settings() {
        let c = Config::load_from(
            None,
            &env(&[
                ("PRASSI_MAX_CONNECTIONS", "100"),
                ("PRASSI_HEADER_TIMEOUT_MS", "500"),
                ("PRASSI_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"),
                ("PRASSI_METRICS_TOKEN", "0123456789abcdef"),
            ]),
        )
        .unwrap();
        assert_eq!(c.server.max_connections, 100);
        assert_eq!(c.server.header_timeout, Duration::from_millis(500));
        assert_eq!(c.server.trusted_proxies.len(), 2);
        assert_eq!(c.metrics.token.as_deref(), Some("0123456789abcdef"));
        for (k, v) in [
            ("PRASSI_MAX_CONNECTIONS", "0"),
            ("PRASSI_TRUSTED_PROXIES", "10.0.0.1,proxy.example"),
            ("PRASSI_METRICS_TOKEN", "short"),
            ("PRASSI_METRICS_BIND", "9464"),
            ("PRASSI_LOGIN_LOCKOUT_FAILURES", "2"),
        ] {
            let e = Config::load_from(None, &env(&[(k, v)])).unwrap_err();
            assert_eq!(e.setting, k, "{e}");
        }
    }

    #[test]
    fn media_max_bytes_from_the_file_and_the_environment_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prassi.toml");
        std::fs::write(&path, "media_max_bytes = 2048\n").unwrap();
        let c = Config::load_from(Some(path.clone()), &env(&[])).unwrap();
        assert_eq!(c.media_max_bytes, 2048);
        let c = Config::load_from(Some(path), &env(&[("PRASSI_MEDIA_MAX_BYTES", "4096")])).unwrap();
        assert_eq!(c.media_max_bytes, 4096);
    }
}
