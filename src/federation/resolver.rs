//! Name resolution for outgoing requests: the library's validating resolver (no private or
//! loopback addresses unless allowed) behind a short-lived cache. A fan-out to a thousand
//! inboxes on the same few hosts then resolves each name once, not once per connection, and
//! concurrent lookups of one name share a single query. Only validated answers are cached, and
//! the connection goes to exactly the addresses that were validated, so the cache does not
//! reopen the DNS-rebinding gap the validating resolver closes.

use std::{net::SocketAddr, str::FromStr, sync::Arc, time::Duration};

use activitypub_federation::resolver::ValidatingDnsResolver;
use moka::future::Cache;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// How long an answer is reused.
const TTL: Duration = Duration::from_secs(60);
/// How many names are remembered.
const CAPACITY: u64 = 20_000;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Clone)]
pub struct CachingResolver {
    inner: Arc<ValidatingDnsResolver>,
    cache: Cache<String, Arc<Vec<SocketAddr>>>,
}

impl CachingResolver {
    /// `validate`: refuse names that resolve to private, loopback or link-local addresses.
    pub fn new(validate: bool) -> Self {
        Self {
            inner: Arc::new(ValidatingDnsResolver::new(vec![], validate)),
            cache: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(TTL)
                .build(),
        }
    }
}

impl Resolve for CachingResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let this = self.clone();
        Box::pin(async move {
            let key = name.as_str().trim_end_matches('.').to_ascii_lowercase();
            let lookup = async {
                let addrs: Vec<SocketAddr> = this.inner.resolve(name).await?.collect();
                Ok::<_, BoxError>(Arc::new(addrs))
            };
            // A failed lookup is not cached: the next request asks again.
            let addrs = this
                .cache
                .try_get_with(key, lookup)
                .await
                .map_err(|e| -> BoxError { e.to_string().into() })?;
            let addrs: Addrs = Box::new((*addrs).clone().into_iter());
            Ok(addrs)
        })
    }
}

/// Refuses a URL whose host is a literal IP address in a private, loopback, link-local or
/// otherwise internal range. A name is checked by the resolver when connecting, but a literal
/// address never reaches a resolver, so this is asked before each request we make ourselves.
pub async fn refuse_internal_literal(url: &url::Url) -> Result<(), String> {
    let ip = match url.host() {
        Some(url::Host::Ipv4(v4)) => v4.to_string(),
        Some(url::Host::Ipv6(v6)) => v6.to_string(),
        _ => return Ok(()),
    };
    let name = Name::from_str(&ip).map_err(|e| format!("{ip}: {e}"))?;
    ValidatingDnsResolver::new(vec![], true)
        .resolve(name)
        .await
        .map(|_| ())
        .map_err(|e| format!("{ip} is not a public address: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn lookup(r: &CachingResolver, host: &str) -> Result<Vec<SocketAddr>, String> {
        r.resolve(Name::from_str(host).expect("name"))
            .await
            .map(|a| a.collect())
            .map_err(|e| e.to_string())
    }

    #[tokio::test]
    async fn loopback_is_refused_when_validating_and_the_refusal_is_not_cached() {
        let strict = CachingResolver::new(true);
        let err = lookup(&strict, "localhost").await.expect_err("refused");
        assert!(!err.is_empty());
        assert_eq!(strict.cache.entry_count(), 0);
        assert!(lookup(&strict, "localhost").await.is_err());
    }

    #[tokio::test]
    async fn an_answer_is_cached_and_shared() {
        let open = CachingResolver::new(false);
        let (a, b) = tokio::join!(lookup(&open, "localhost"), lookup(&open, "LOCALHOST."));
        let (a, b) = (a.expect("resolves"), b.expect("resolves"));
        assert!(!a.is_empty());
        assert!(a.iter().all(|s| s.ip().is_loopback()));
        assert_eq!(a, b);
        open.cache.run_pending_tasks().await;
        assert_eq!(open.cache.entry_count(), 1);
    }

    #[tokio::test]
    async fn internal_literal_addresses_are_refused_and_names_left_to_the_resolver() {
        for bad in [
            "http://10.0.0.1/inbox",
            "http://127.0.0.1:8080/inbox",
            "https://192.168.1.20/inbox",
            "https://169.254.169.254/latest",
            "http://[::1]:8080/inbox",
            "http://[fd00::1]/inbox",
            "http://0.0.0.0/",
        ] {
            let url = url::Url::parse(bad).expect("url");
            assert!(refuse_internal_literal(&url).await.is_err(), "{bad} passed");
        }
        for good in [
            "https://93.184.216.34/inbox",
            "https://[2a00:1450:4001::1]/inbox",
            "https://example.org/inbox",
        ] {
            let url = url::Url::parse(good).expect("url");
            assert_eq!(refuse_internal_literal(&url).await, Ok(()), "{good}");
        }
    }
}
