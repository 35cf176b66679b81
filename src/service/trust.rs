//! The trusted administration instances: whose managers and reviewers count as peers in the
//! good index. This instance always trusts itself; admins add others (`host[:port]`).

use crate::{
    config::{host_port, Config},
    db::{trusted, Db},
    error::{AppError, AppResult},
};

/// An entry as given (`Regione.Example:8443`) in the form instances are named by in actor
/// ids (`regione.example:8443`), or why it is not one.
pub fn parse_host(given: &str) -> Result<String, String> {
    let given = given.trim();
    if given.is_empty() || given.contains(['/', '@', '?', '#', ' ']) {
        return Err(format!(
            "`{given}` is not a host or host:port (such as regione.example or localhost:8081)"
        ));
    }
    let url = url::Url::parse(&format!("https://{given}/"))
        .map_err(|e| format!("`{given}` is not a host or host:port: {e}"))?;
    let host = host_port(&url);
    // Anything the URL parser changed besides case and a default port was not a plain host.
    let given = given.to_ascii_lowercase();
    if host != given && format!("{host}:443") != given {
        return Err(format!("`{given}` is not a host or host:port"));
    }
    Ok(host)
}

/// The public list: this instance first, then the entries, each once.
pub async fn list(db: &Db, cfg: &Config) -> AppResult<Vec<String>> {
    let own = cfg.domain();
    let mut hosts = vec![own.clone()];
    hosts.extend(
        trusted::all(db)
            .await?
            .into_iter()
            .map(|r| r.host)
            .filter(|h| *h != own),
    );
    Ok(hosts)
}

/// Whether persons of `host` may count as peers here.
pub async fn is_trusted(db: &Db, cfg: &Config, host: &str) -> AppResult<bool> {
    Ok(trusted::trusts(db, &cfg.domain(), host).await?)
}

/// Adds `host` (by `source`: `admin`, or a subscribed list's URL); true if it was new.
pub async fn trust(db: &Db, cfg: &Config, host: &str, source: &str) -> AppResult<bool> {
    let host = parse_host(host).map_err(|e| AppError::invalid_field("host", e))?;
    if host == cfg.domain() {
        return Ok(false);
    }
    let added = trusted::add(db, &host, source, crate::db::now_ms()).await?;
    reclassify(db, cfg).await?;
    Ok(added)
}

/// The endorsers of hosts that joined or left the list change class: the practices they
/// endorsed are rebuilt.
async fn reclassify(db: &Db, cfg: &Config) -> AppResult<()> {
    crate::service::participation::reclassify(db, &cfg.domain()).await?;
    Ok(())
}

/// Removes `host`; this instance itself cannot be removed.
pub async fn untrust(db: &Db, cfg: &Config, host: &str) -> AppResult<()> {
    let host = parse_host(host).map_err(|e| AppError::invalid_field("host", e))?;
    if host == cfg.domain() {
        return Err(AppError::invalid_field(
            "host",
            "an instance always trusts itself",
        ));
    }
    if trusted::remove(db, &host).await? {
        reclassify(db, cfg).await
    } else {
        Err(AppError::NotFound(format!("`{host}` is not on the list")))
    }
}

/// Entries read from one list at most (a hub of every Italian administration has ~20,000).
const MAX_LIST_ENTRIES: usize = 50_000;
/// Bytes read from one list at most.
const MAX_LIST_BYTES: usize = 4 * 1024 * 1024;

/// Follows another instance's public list (`https://hub.example/api/v1/trusted-instances`):
/// stored, read now, then refreshed hourly. Returns the hosts it brought.
pub async fn subscribe(
    db: &Db,
    cfg: &Config,
    http: &reqwest::Client,
    url: &str,
) -> AppResult<Vec<String>> {
    let parsed = list_url(cfg, url).map_err(|e| AppError::invalid_field("url", e))?;
    let hosts = fetch_list(cfg, http, &parsed)
        .await
        .map_err(|e| AppError::Upstream(format!("cannot read the list at {parsed}: {e}")))?;
    let now = crate::db::now_ms();
    trusted::subscribe(db, parsed.as_str(), now).await?;
    trusted::replace_from(db, parsed.as_str(), &hosts, now).await?;
    reclassify(db, cfg).await?;
    Ok(hosts)
}

/// Reads every subscribed list again; a list that cannot be read keeps its entries and its
/// error is recorded.
pub async fn refresh_all(db: &Db, cfg: &Config, http: &reqwest::Client) -> AppResult<()> {
    for s in trusted::subscriptions(db).await? {
        let Ok(url) = url::Url::parse(&s.url) else {
            continue;
        };
        match fetch_list(cfg, http, &url).await {
            Ok(hosts) => {
                trusted::replace_from(db, &s.url, &hosts, crate::db::now_ms()).await?;
                reclassify(db, cfg).await?;
                tracing::info!(list = %s.url, hosts = hosts.len(), "trusted list refreshed");
            }
            Err(e) => {
                tracing::warn!(list = %s.url, error = %e, "cannot refresh a trusted list");
                trusted::refresh_failed(db, &s.url, &e).await?;
            }
        }
    }
    Ok(())
}

fn list_url(cfg: &Config, given: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(given.trim()).map_err(|e| format!("`{given}`: {e}"))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if cfg.allow_private_peers => Ok(url),
        _ => Err(format!("`{given}` is not an https URL")),
    }
}

/// The hosts of the list at `url`: a JSON array of `host[:port]` strings. Entries that are
/// not hosts are left out (and logged).
async fn fetch_list(
    cfg: &Config,
    http: &reqwest::Client,
    url: &url::Url,
) -> Result<Vec<String>, String> {
    if !cfg.allow_private_peers {
        crate::federation::resolver::refuse_internal_literal(url).await?;
    }
    let mut res = http
        .get(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| format!("request failed: {e}"))?;
    if !res.status().is_success() {
        return Err(format!("answered {}", res.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(|e| format!("reading: {e}"))? {
        if body.len() + chunk.len() > MAX_LIST_BYTES {
            return Err(format!("larger than {MAX_LIST_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    let entries: Vec<String> =
        serde_json::from_slice(&body).map_err(|_| "not a JSON array of hosts".to_string())?;
    let own = cfg.domain();
    let mut hosts = Vec::new();
    let mut bad = 0;
    for e in entries.iter().take(MAX_LIST_ENTRIES) {
        match parse_host(e) {
            Ok(h) if h != own && !hosts.contains(&h) => hosts.push(h),
            Ok(_) => {}
            Err(_) => bad += 1,
        }
    }
    if bad > 0 {
        tracing::warn!(list = %url, bad, "entries of a trusted list that are not hosts were left out");
    }
    Ok(hosts)
}

#[cfg(test)]
mod tests {
    use super::parse_host;

    #[test]
    fn hosts_are_named_as_in_actor_ids() {
        assert_eq!(parse_host(" Regione.Example ").unwrap(), "regione.example");
        assert_eq!(parse_host("localhost:8081").unwrap(), "localhost:8081");
        assert_eq!(parse_host("hub.example:443").unwrap(), "hub.example");
        for bad in [
            "",
            "https://hub.example",
            "hub.example/path",
            "me@hub.example",
            "hub example",
            "hub.example:99999",
        ] {
            assert!(parse_host(bad).is_err(), "{bad:?} passed");
        }
    }
}
