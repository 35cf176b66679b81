//! Credentials: password hashes (Argon2, one verification per attempt whether or not the
//! account exists, on a bounded blocking pool), the throttled log-in, and API tokens (only
//! their hash is stored).

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHasher, SaltString},
    Argon2,
};
use std::{net::IpAddr, sync::atomic::Ordering::Relaxed};

use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{
    config::Config,
    db::{
        users::{self, UserRow},
        Db,
    },
    error::{AppError, AppResult},
    state::AppData,
};

pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing failed: {e}")))
}

/// A hash of a random password, checked for unknown accounts so that they cost one Argon2
/// verification like known ones. Made once per process, at start ([`prepare_dummy_hash`]).
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Makes the dummy hash (one Argon2 run) off the async workers.
pub async fn prepare_dummy_hash() -> AppResult<()> {
    if DUMMY_HASH.get().is_some() {
        return Ok(());
    }
    let hash = tokio::task::spawn_blocking(|| {
        let mut random = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut random);
        hash_password(&hex::encode(random))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??;
    let _ = DUMMY_HASH.set(hash);
    Ok(())
}

/// Checks a password on the blocking pool, at most `hash_concurrency` at once; `None` checks
/// it against the dummy hash (and fails). Exactly one Argon2 verification either way.
async fn check_password(data: &AppData, hash: Option<String>, password: String) -> AppResult<bool> {
    let permit = tokio::time::timeout(HASH_QUEUE_WAIT, data.logins.hashing.clone().acquire_owned())
        .await
        .map_err(|_| AppError::TooManyRequests {
            message: "the server is busy checking other log-ins; try again in a moment".into(),
            retry_after_secs: 2,
        })?
        .map_err(|e| AppError::Internal(e.into()))?;
    let dummy = DUMMY_HASH
        .get()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the dummy hash was not prepared")))?;
    let m = &data.metrics;
    let now = m.hashing_now.fetch_add(1, Relaxed) + 1;
    m.hashing_max.fetch_max(now, Relaxed);
    let known = hash.is_some();
    let checked = data
        .logins
        .checker
        .check(hash.unwrap_or(dummy), password)
        .await;
    m.hashing_now.fetch_sub(1, Relaxed);
    drop(permit);
    let checked = checked
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the password checker stopped")))?;
    // Counted where Argon2 ran, not where it was asked for.
    if checked.ran {
        m.password_checks.fetch_add(1, Relaxed);
    }
    Ok(checked.matches && known)
}

/// The longest a log-in waits for its turn to hash before it is told to come back.
const HASH_QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The key of a client in the address throttle: the address, or its /64 for IPv6 (one
/// subscriber's network, which a client can hop around in).
fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// Issues a new API token for a user, valid for the configured lifetime; only its hash is
/// stored.
pub async fn issue_token(db: &Db, cfg: &Config, user: &UserRow) -> AppResult<String> {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = format!("prs_{}", hex::encode(bytes));
    let expires = crate::db::now_ms() + cfg.login.token_lifetime.as_millis() as i64;
    users::insert_token(db, user.id, &token_hash(&token), expires).await?;
    Ok(token)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Why a right password does not let a signed-up account in yet.
pub const PENDING: &str =
    "the account is waiting for its e-mail address to be confirmed or for an admin's approval";

/// The one answer to a failed log-in, whether the account is unknown, disabled or the
/// password wrong.
fn wrong_credentials() -> AppError {
    AppError::Unauthorized("wrong username or password".into())
}

/// Password login, throttled by account and by client address. Unknown accounts, disabled
/// ones and wrong passwords get the same answer after the same single Argon2 verification; an
/// attempt while throttled gets 429 before any.
pub async fn login(
    data: &AppData,
    username: &str,
    password: &str,
    client: Option<IpAddr>,
) -> AppResult<String> {
    let user = check_login(data, username, password, client).await?;
    issue_token(&data.db, &data.config, &user).await
}

/// [`login`] without the token: the account whose password this is, throttled the same way.
/// An account still waiting for its confirmation or approval is refused with a `Forbidden`
/// that says so (only once the password is known to be right).
pub async fn check_login(
    data: &AppData,
    username: &str,
    password: &str,
    client: Option<IpAddr>,
) -> AppResult<UserRow> {
    // Handles are short; a longer name cannot be an account and must not become a long key.
    let account_key: String = username.to_lowercase().chars().take(64).collect();
    let address_key = client.map(address_key);
    let throttles = &data.logins;
    // Each attempt is counted before its password is checked (one step with the check), so
    // a burst sent at once cannot slip past the threshold; a success takes its count back.
    let throttled = match address_key
        .as_deref()
        .map(|k| throttles.addresses.attempt(k))
    {
        Some(Err(wait)) => Some(wait),
        _ => match throttles.accounts.attempt(&account_key) {
            Err(wait) => {
                if let Some(k) = &address_key {
                    throttles.addresses.forgive(k);
                }
                Some(wait)
            }
            Ok(()) => None,
        },
    };
    if let Some(wait) = throttled {
        data.metrics.logins_throttled.fetch_add(1, Relaxed);
        return Err(AppError::TooManyRequests {
            message: "too many failed log-ins; wait before trying again".into(),
            retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
        });
    }
    let forgive = || {
        throttles.accounts.forgive(&account_key);
        if let Some(k) = &address_key {
            throttles.addresses.forgive(k);
        }
    };
    // A deleted account is checked like an unknown one (against the dummy hash).
    let user = match users::by_username(&data.db, username).await {
        Ok(u) => u.filter(|u| u.deleted_at.is_none()),
        Err(e) => {
            forgive();
            return Err(e.into());
        }
    };
    let ok = match check_password(
        data,
        user.as_ref().map(|u| u.password_hash.clone()),
        password.to_string(),
    )
    .await
    {
        Ok(ok) => ok,
        Err(e) => {
            // Busy or broken: not the client's failure.
            forgive();
            return Err(e);
        }
    };
    match user {
        Some(u) if ok && u.disabled_at.is_none() => {
            throttles.accounts.clear(&account_key);
            if let Some(k) = &address_key {
                throttles.addresses.forgive(k);
            }
            if u.pending {
                return Err(AppError::Forbidden(PENDING.into()));
            }
            Ok(u)
        }
        _ => {
            let client = address_key.as_deref().unwrap_or("unknown");
            tracing::info!(account = %account_key, %client, "failed log-in");
            Err(wrong_credentials())
        }
    }
}

/// The user a bearer token belongs to, with the token's id: the token must exist, not have
/// expired, and belong to an enabled account.
pub async fn authenticate(db: &Db, token: &str) -> AppResult<users::TokenUser> {
    users::by_token_hash(db, &token_hash(token), crate::db::now_ms())
        .await?
        .ok_or_else(|| AppError::Unauthorized("the token is not valid".into()))
}
