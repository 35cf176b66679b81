//! Throttling of failed log-ins, by account and by client address, and the bounded pool that
//! checks passwords.
//!
//! After `free` failures of a key each further attempt must wait twice as long as the one
//! before (1 s, 2 s, 4 s …); after `lockout` failures the key is locked for the lock-out time.
//! An attempt made too early is refused before any password is checked, so throttled
//! attempts cost nothing. Failures are kept in a bounded cache (a flood of made-up account
//! names cannot grow memory) and forgotten after twice the lock-out time without attempts.

use std::{
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tokio::sync::Semaphore;

use crate::config::{Config, LoginConfig};

/// Keys tracked at most per throttle; the least recently used are forgotten beyond it.
const TRACKED_KEYS: u64 = 100_000;
/// The first delay after the free failures; it doubles each time.
const FIRST_DELAY: Duration = Duration::from_secs(1);

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    blocked_until: Instant,
}

/// Failure counts of one kind of key (accounts, or client addresses).
pub struct Throttle {
    failures: moka::sync::Cache<String, Failures>,
    free: u32,
    lockout_after: u32,
    lockout: Duration,
}

impl Throttle {
    pub fn new(free: u32, lockout_after: u32, lockout: Duration) -> Self {
        Self {
            failures: moka::sync::Cache::builder()
                .max_capacity(TRACKED_KEYS)
                .time_to_idle(lockout * 2)
                .build(),
            free,
            lockout_after,
            lockout,
        }
    }

    /// Takes an attempt for `key`, counted as a failure until [`Throttle::forgive`] or
    /// [`Throttle::clear`] says otherwise; `Err(wait)` when `key` may not try yet. Check and
    /// count are one step, so attempts sent all at once are counted one by one and refused
    /// past the threshold.
    pub fn attempt(&self, key: &str) -> Result<(), Duration> {
        let mut refused = None;
        self.failures
            .entry(key.to_string())
            .and_compute_with(|old| {
                // Read under the key's lock: an attempt that began earlier but comes second
                // must not see the first one's "now" as the future.
                let now = Instant::now();
                let old = old.map(|e| e.into_value());
                match old {
                    Some(f) if f.blocked_until > now => {
                        refused = Some(f.blocked_until - now);
                        moka::ops::compute::Op::Nop
                    }
                    _ => {
                        let count = old.map_or(0, |f| f.count) + 1;
                        moka::ops::compute::Op::Put(Failures {
                            count,
                            blocked_until: now + self.delay(count),
                        })
                    }
                }
            });
        refused.map_or(Ok(()), Err)
    }

    /// Takes back one attempt of `key` that turned out not to be a failure.
    pub fn forgive(&self, key: &str) {
        self.failures
            .entry(key.to_string())
            .and_compute_with(|old| match old.map(|e| e.into_value()) {
                Some(f) if f.count > 1 => moka::ops::compute::Op::Put(Failures {
                    count: f.count - 1,
                    blocked_until: Instant::now() + self.delay(f.count - 1),
                }),
                Some(_) => moka::ops::compute::Op::Remove,
                None => moka::ops::compute::Op::Nop,
            });
    }

    /// The wait after the `count`th failure in a row.
    fn delay(&self, count: u32) -> Duration {
        if count >= self.lockout_after {
            self.lockout
        } else if count >= self.free {
            let doublings = (count - self.free).min(30);
            (FIRST_DELAY * 2u32.pow(doublings)).min(self.lockout)
        } else {
            Duration::ZERO
        }
    }

    pub fn clear(&self, key: &str) {
        self.failures.invalidate(key);
    }
}

/// What log-ins share: the two throttles, the permits to hash and the threads that do.
pub struct Logins {
    pub accounts: Throttle,
    pub addresses: Throttle,
    /// Argon2 runs at once (each holds ~19 MiB while it runs).
    pub hashing: Arc<Semaphore>,
    pub checker: PasswordChecker,
    trusted_proxies: Vec<ipnet::IpNet>,
}

/// A password check for the checker's threads: the stored hash (PHC string), the password,
/// and where to send whether they match (and whether Argon2 ran at all).
type Job = (String, String, tokio::sync::oneshot::Sender<Checked>);

/// What a check found.
#[derive(Debug, Clone, Copy)]
pub struct Checked {
    pub matches: bool,
    /// False when the stored hash could not be read (no Argon2 ran).
    pub ran: bool,
}

/// A few threads of their own that verify Argon2 password hashes, each reusing one block of
/// Argon2 memory from check to check: memory stays at `threads × 19 MiB` however many
/// log-ins come (allocating it anew for each check, on ever other threads, is what made
/// memory grow by hundreds of MiB and stay there).
pub struct PasswordChecker {
    jobs: Mutex<std::sync::mpsc::Sender<Job>>,
}

impl PasswordChecker {
    pub fn new(threads: usize) -> Self {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for n in 0..threads.max(1) {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("prassi-passwords-{n}"))
                .spawn(move || {
                    let mut memory: Vec<argon2::Block> = Vec::new();
                    loop {
                        let job = crate::sync::lock(&rx).recv();
                        let Ok((hash, password, reply)) = job else {
                            return; // the checker was dropped
                        };
                        let _ = reply.send(verify(&mut memory, &hash, password.as_bytes()));
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password-checking thread");
            }
        }
        Self {
            jobs: Mutex::new(tx),
        }
    }

    /// Whether `password` matches the PHC string `hash`, checked on the checker's threads.
    pub async fn check(&self, hash: String, password: String) -> Option<Checked> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        crate::sync::lock(&self.jobs)
            .send((hash, password, tx))
            .ok()?;
        rx.await.ok()
    }
}

/// Verifies `password` against the Argon2 PHC string `phc` in `memory` (grown once to the
/// hash's memory cost, then reused), comparing in constant time.
fn verify(memory: &mut Vec<argon2::Block>, phc: &str, password: &[u8]) -> Checked {
    use argon2::password_hash::{Output, PasswordHash};
    let not_run = Checked {
        matches: false,
        ran: false,
    };
    let Ok(hash) = PasswordHash::new(phc) else {
        return not_run;
    };
    let (Ok(params), Ok(algorithm)) = (
        argon2::Params::try_from(&hash),
        argon2::Algorithm::try_from(hash.algorithm),
    ) else {
        return not_run;
    };
    let version = match hash.version.map(argon2::Version::try_from) {
        None => argon2::Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return not_run,
    };
    let (Some(expected), Some(salt)) = (hash.hash, hash.salt) else {
        return not_run;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return not_run;
    };
    memory.resize(params.block_count(), argon2::Block::default());
    let mut out = vec![0u8; expected.len()];
    let argon = argon2::Argon2::new(algorithm, version, params);
    let ran = argon
        .hash_password_into_with_memory(password, salt, &mut out, &mut memory[..])
        .is_ok();
    Checked {
        // `Output`'s equality is constant-time.
        matches: ran && Output::new(&out).is_ok_and(|o| o == expected),
        ran,
    }
}

impl Logins {
    pub fn new(config: &Config) -> Self {
        let l: &LoginConfig = &config.login;
        Self {
            accounts: Throttle::new(l.free_failures, l.lockout_failures, l.lockout),
            addresses: Throttle::new(
                l.address_free_failures,
                l.address_lockout_failures,
                l.lockout,
            ),
            hashing: Arc::new(Semaphore::new(l.hash_concurrency.max(1))),
            checker: PasswordChecker::new(l.hash_concurrency.max(1)),
            trusted_proxies: config.server.trusted_proxies.clone(),
        }
    }

    /// The client's address: the peer, or, when the peer is a trusted proxy, the last
    /// `X-Forwarded-For` entry that is not itself a trusted proxy.
    pub fn client_address(
        &self,
        peer: Option<SocketAddr>,
        forwarded_for: &[&str],
    ) -> Option<IpAddr> {
        let peer = peer?.ip();
        if !self.trusted(peer) {
            return Some(peer);
        }
        let hops: Vec<IpAddr> = forwarded_for
            .iter()
            .flat_map(|h| h.split(','))
            .filter_map(|h| h.trim().parse().ok())
            .collect();
        Some(
            hops.iter()
                .rev()
                .find(|ip| !self.trusted(**ip))
                .or(hops.first())
                .copied()
                .unwrap_or(peer),
        )
    }

    fn trusted(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|n| n.contains(&ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_lock_out() {
        let t = Throttle::new(3, 6, Duration::from_secs(900));
        let delays: Vec<u64> = (1..8).map(|n| t.delay(n).as_secs()).collect();
        assert_eq!(delays, [0, 0, 1, 2, 4, 900, 900]);
        // Three attempts at once pass, the fourth waits a second.
        for _ in 0..3 {
            assert!(t.attempt("a").is_ok());
        }
        let wait = t.attempt("a").unwrap_err();
        assert!(wait <= Duration::from_secs(1) && wait > Duration::from_millis(900));
        assert!(t.attempt("b").is_ok());
        // A success takes its attempt back: under the threshold again.
        t.forgive("a");
        assert!(t.attempt("a").is_ok());
        t.clear("a");
        assert!(t.attempt("a").is_ok());
    }

    #[test]
    fn attempts_under_the_threshold_are_never_refused_even_all_at_once() {
        let t = Arc::new(Throttle::new(100_000, 100_000, Duration::from_secs(900)));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let t = t.clone();
                std::thread::spawn(move || {
                    (0..500).filter(|_| t.attempt("office").is_err()).count()
                })
            })
            .collect();
        let refused: usize = threads.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(refused, 0);
    }

    #[tokio::test]
    async fn the_checker_verifies_what_argon2_hashed_and_nothing_else() {
        use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
        let salt = SaltString::generate(&mut OsRng);
        let hash = argon2::Argon2::default()
            .hash_password(b"correct horse battery", &salt)
            .unwrap()
            .to_string();
        let checker = PasswordChecker::new(1);
        let ok = checker
            .check(hash.clone(), "correct horse battery".into())
            .await
            .unwrap();
        assert!(ok.matches && ok.ran);
        // The same thread, its memory reused: a wrong password still fails.
        let wrong = checker
            .check(hash.clone(), "correct horse".into())
            .await
            .unwrap();
        assert!(!wrong.matches && wrong.ran);
        let again = checker
            .check(hash, "correct horse battery".into())
            .await
            .unwrap();
        assert!(again.matches);
        let broken = checker
            .check("not a hash".into(), "x".into())
            .await
            .unwrap();
        assert!(!broken.matches && !broken.ran);
    }

    #[test]
    fn the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() {
        let mut c = Config::defaults();
        c.server.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
        let l = Logins::new(&c);
        let proxy: SocketAddr = "10.0.0.2:5000".parse().unwrap();
        let stranger: SocketAddr = "192.0.2.7:5000".parse().unwrap();
        // A stranger's X-Forwarded-For is not believed.
        assert_eq!(
            l.client_address(Some(stranger), &["198.51.100.1"]),
            Some("192.0.2.7".parse().unwrap())
        );
        // Through the proxy, the entry it added (the last one) names the client, whatever
        // the client put before it.
        assert_eq!(
            l.client_address(Some(proxy), &["203.0.113.9, 198.51.100.1"]),
            Some("198.51.100.1".parse().unwrap())
        );
        assert_eq!(
            l.client_address(Some(proxy), &["198.51.100.1, 10.0.0.3"]),
            Some("198.51.100.1".parse().unwrap())
        );
        assert_eq!(l.client_address(Some(proxy), &[]), Some(proxy.ip()));
    }
}
