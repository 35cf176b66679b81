//! Where a setting's value comes from: the environment first, then `prassi.toml`, so that an
//! error names the place to fix.

use super::{err, ConfigError};

/// Every setting: its environment variable and its key in `prassi.toml` (if it has one).
pub(super) const SETTINGS: &[(&str, &str)] = &[
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
    ("PRASSI_READING_MIN_FRACTION", "reading_min_fraction"),
    ("PRASSI_FOLLOW_INSTANCES", "follow_instances"),
    ("PRASSI_SMTP_URL", "mail.smtp_url"),
    ("PRASSI_MAIL_FROM", "mail.from"),
    ("PRASSI_OUTBOX_PAGE_SIZE", "backfill.outbox_page_size"),
    (
        "PRASSI_BACKFILL_PAGE_INTERVAL_MS",
        "backfill.page_interval_ms",
    ),
];

/// Where a value came from, so an error names the place to fix.
pub(super) enum Origin {
    Env(&'static str),
    File(&'static str, String),
}

impl Origin {
    pub(super) fn err(&self, message: impl Into<String>) -> ConfigError {
        let setting = match self {
            Origin::Env(v) => v.to_string(),
            Origin::File(key, path) => format!("`{key}` in {path}"),
        };
        err(&setting, message)
    }
}

/// The environment and the file's keys (flattened to `section.key`), the environment first.
pub(super) struct Sources<'a> {
    env: &'a [(String, String)],
    file: std::collections::BTreeMap<String, String>,
    path: String,
}

impl<'a> Sources<'a> {
    pub(super) fn read(
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

    pub(super) fn get(&self, var: &'static str) -> Option<(String, Origin)> {
        if let Some((_, v)) = self.env.iter().find(|(k, _)| k == var) {
            return Some((v.clone(), Origin::Env(var)));
        }
        let key = SETTINGS.iter().find(|(e, _)| *e == var).map(|(_, k)| *k)?;
        self.file
            .get(key)
            .map(|v| (v.clone(), Origin::File(key, self.path.clone())))
    }

    pub(super) fn num(&self, var: &'static str) -> Result<Option<u64>, ConfigError> {
        self.get(var)
            .map(|(v, at)| {
                v.trim()
                    .parse()
                    .map_err(|_| at.err(format!("`{v}` is not a non-negative integer")))
            })
            .transpose()
    }

    /// A number from 0 to 1 (a share).
    pub(super) fn fraction(&self, var: &'static str) -> Result<Option<f64>, ConfigError> {
        self.get(var)
            .map(|(v, at)| match v.trim().parse::<f64>() {
                Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
                _ => Err(at.err(format!("`{v}` is not a number from 0 to 1"))),
            })
            .transpose()
    }

    pub(super) fn bool(&self, var: &'static str) -> Result<Option<bool>, ConfigError> {
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
            // The one setting that is a share; any other number is a whole one.
            toml::Value::Float(f) if key == "reading_min_fraction" => f.to_string(),
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
