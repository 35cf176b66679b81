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
    let host = host.to_ascii_lowercase();
    Ok(host == cfg.domain() || trusted::all(db).await?.iter().any(|r| r.host == host))
}

/// Adds `host` (by `source`: `admin`, or a subscribed list's URL); true if it was new.
pub async fn trust(db: &Db, cfg: &Config, host: &str, source: &str) -> AppResult<bool> {
    let host = parse_host(host).map_err(|e| AppError::invalid_field("host", e))?;
    if host == cfg.domain() {
        return Ok(false);
    }
    Ok(trusted::add(db, &host, source, crate::db::now_ms()).await?)
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
        Ok(())
    } else {
        Err(AppError::NotFound(format!("`{host}` is not on the list")))
    }
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
