//! What one client may hold of the server, how failed log-ins are throttled, and who may
//! read the metrics: the settings and how they are read.

use std::{net::SocketAddr, time::Duration};

use super::{err, parse_addr, sources::Sources, Config, ConfigError};

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

/// The HTTP server's limits, log-in throttling and metrics access.
pub(super) fn read(src: &Sources, cfg: &mut Config) -> Result<(), ConfigError> {
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
