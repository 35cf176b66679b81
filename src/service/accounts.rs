//! Accounts: the instance actor, organisations, users, passwords and API tokens.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHasher, SaltString},
    Argon2,
};
use std::{net::IpAddr, sync::atomic::Ordering::Relaxed};

use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{
    config::Config,
    crypto::generate_keypair,
    db::{
        actors::{self, ActorRow, NewActor},
        users::{self, UserRow},
        Db,
    },
    domain::actor::{ActorKind, LevelOfGovernment, Role, Username, INSTANCE_USERNAME},
    error::{AppError, AppResult},
    federation::urls,
    state::AppData,
};

/// What an organisation is created with.
#[derive(Debug, Clone, Default)]
pub struct NewOrganization {
    pub handle: String,
    pub name: String,
    pub ipa_code: Option<String>,
    pub level: Option<String>,
    pub region: Option<String>,
    pub description: Option<String>,
    pub website: Option<String>,
    pub icon_url: Option<String>,
}

/// Finds or creates the `Application` actor of this instance.
pub async fn ensure_instance_actor(db: &Db, cfg: &Config) -> AppResult<ActorRow> {
    let id = urls::instance_actor(cfg);
    if let Some(a) = actors::local_by_username(db, INSTANCE_USERNAME).await? {
        if a.ap_id.as_str() != id {
            return Err(AppError::Internal(anyhow::anyhow!(
                "this database belongs to the instance at {}, but PRASSI_PUBLIC_URL says {}; \
                 an instance cannot change its address",
                a.ap_id,
                id
            )));
        }
        return Ok(a);
    }
    let mut a = local_actor(cfg, INSTANCE_USERNAME, ActorKind::Application)?;
    a.ap_id = id.clone();
    a.inbox = urls::shared_inbox(cfg);
    a.outbox = Some(format!("{id}/outbox"));
    a.followers_url = Some(format!("{id}/followers"));
    a.following_url = Some(format!("{id}/following"));
    a.public_key_id = urls::key_id(&id);
    a.url = Some(cfg.base());
    a.name = Some(cfg.instance_name.clone());
    Ok(actors::upsert(db, a).await?)
}

/// A new local actor with its own key pair and the standard URLs.
fn local_actor(cfg: &Config, username: &str, kind: ActorKind) -> AppResult<NewActor> {
    let keys = generate_keypair()?;
    let id = urls::actor(cfg, username);
    Ok(NewActor {
        ap_id: id.clone(),
        kind,
        username: username.to_string(),
        domain: cfg.domain(),
        local: true,
        name: None,
        summary: None,
        url: Some(id.clone()),
        icon_url: None,
        inbox: format!("{id}/inbox"),
        shared_inbox: Some(urls::shared_inbox(cfg)),
        outbox: Some(format!("{id}/outbox")),
        followers_url: Some(format!("{id}/followers")),
        following_url: Some(format!("{id}/following")),
        public_key_id: urls::key_id(&id),
        public_key_pem: keys.public_pem,
        private_key_pem: Some(keys.private_pem),
        ipa_code: None,
        level: None,
        region: None,
        website: None,
        manually_approves: false,
        published: crate::db::now(),
    })
}

async fn ensure_free(db: &Db, username: &Username) -> AppResult<()> {
    if actors::local_by_username(db, username.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "the handle `{username}` is already taken on this instance"
        )));
    }
    Ok(())
}

/// Creates an organisation. Every invalid field is reported at once.
pub async fn create_organization(db: &Db, cfg: &Config, o: NewOrganization) -> AppResult<ActorRow> {
    let mut errors = std::collections::BTreeMap::new();
    let handle = Username::parse(&o.handle)
        .map_err(|e| errors.insert("handle".into(), e))
        .ok();
    if o.name.trim().is_empty() {
        errors.insert("name".into(), "the name must not be empty".into());
    }
    let ipa = o
        .ipa_code
        .as_deref()
        .map(crate::domain::actor::parse_ipa_code)
        .transpose()
        .map_err(|e| errors.insert("ipa_code".into(), e))
        .ok()
        .flatten();
    let level = o
        .level
        .as_deref()
        .map(str::parse::<LevelOfGovernment>)
        .transpose()
        .map_err(|e| errors.insert("level".into(), e))
        .ok()
        .flatten();
    let region = o
        .region
        .as_deref()
        .map(crate::domain::actor::parse_region)
        .transpose()
        .map_err(|e| errors.insert("region".into(), e))
        .ok()
        .flatten();
    let website = o
        .website
        .as_deref()
        .map(|w| match url::Url::parse(w) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(u.to_string()),
            _ => Err(format!("`{w}` is not an http(s) URL")),
        })
        .transpose()
        .map_err(|e| errors.insert("website".into(), e))
        .ok()
        .flatten();
    let (Some(handle), true) = (handle, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    ensure_free(db, &handle).await?;
    if let Some(code) = &ipa {
        // An IPA code names one administration: a second organisation with it is a mistake.
        if let Some(other) = actors::local_by_ipa_code(db, code).await? {
            return Err(AppError::invalid_field(
                "ipa_code",
                format!(
                    "the organisation `{}` already has the IPA code `{code}`",
                    other.username
                ),
            ));
        }
    }
    let mut a = local_actor(cfg, handle.as_str(), ActorKind::Organization)?;
    a.name = Some(o.name.trim().to_string());
    a.summary = o.description;
    a.ipa_code = ipa;
    a.level = level.map(|l| l.as_str().to_string());
    a.region = region;
    a.website = website;
    a.icon_url = o.icon_url;
    Ok(actors::upsert(db, a).await?)
}

/// Creates the `Group` actor of a topic (a sector).
pub async fn create_topic(
    db: &Db,
    cfg: &Config,
    slug: &str,
    name_en: &str,
    name_it: &str,
) -> AppResult<ActorRow> {
    let mut a = local_actor(cfg, slug, ActorKind::Group)?;
    a.name = Some(format!("{name_it} · {name_en}"));
    a.summary = Some(format!(
        "Good practices in {name_en} ({name_it}). Follow to receive every practice tagged with this sector."
    ));
    Ok(actors::upsert(db, a).await?)
}

/// Creates a user account with its `Person` actor.
pub async fn create_user(
    db: &Db,
    cfg: &Config,
    username: &str,
    role: Role,
    organization: Option<&str>,
    password: &str,
    display_name: Option<&str>,
) -> AppResult<UserRow> {
    create_user_with(
        db,
        cfg,
        username,
        role,
        organization,
        password,
        display_name,
        None,
    )
    .await
}

/// [`create_user`], for a sign-up on the web site when `signup_email` is given: the account
/// has that address and waits (for its confirmation or an admin's approval).
#[allow(clippy::too_many_arguments)]
pub async fn create_user_with(
    db: &Db,
    cfg: &Config,
    username: &str,
    role: Role,
    organization: Option<&str>,
    password: &str,
    display_name: Option<&str>,
    signup_email: Option<&str>,
) -> AppResult<UserRow> {
    let (errors, handle, org) =
        check_new_user(db, username, Some(role), organization, password).await?;
    let (Some(handle), true) = (handle, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    ensure_free(db, &handle).await?;
    let hash = hash_password(password)?;
    let mut a = local_actor(cfg, handle.as_str(), ActorKind::Person)?;
    a.name = Some(display_name.unwrap_or(handle.as_str()).to_string());
    let actor = actors::upsert(db, a).await?;
    users::insert(
        db,
        actor.id,
        role,
        org.as_ref().map(|o| o.id),
        &hash,
        signup_email,
    )
    .await?;
    // Their Person document names the organisation (`prassi:organization`): what makes them
    // a peer to other administrations. Citizens and admins name none.
    if let Some(o) = org.as_ref().filter(|_| role.needs_organization()) {
        actors::set_organization(db, actor.id, Some(o.ap_id.as_str())).await?;
    }
    users::by_username(db, handle.as_str())
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("user vanished after insert")))
}

/// What is wrong with a new user's details, every field at once, with the handle and the
/// organisation when they are good. `role` is `None` when the caller could not read it (and
/// reports that itself): the other fields are still checked, so all errors come together.
pub async fn check_new_user(
    db: &Db,
    username: &str,
    role: Option<Role>,
    organization: Option<&str>,
    password: &str,
) -> AppResult<(
    std::collections::BTreeMap<String, String>,
    Option<Username>,
    Option<ActorRow>,
)> {
    let mut errors = std::collections::BTreeMap::new();
    let handle = Username::parse(username)
        .map_err(|e| errors.insert("username".into(), e))
        .ok();
    if password.chars().count() < 10 {
        errors.insert(
            "password".into(),
            "the password must have at least 10 characters".into(),
        );
    }
    let org = match organization {
        Some(h) => match actors::local_by_username(db, h).await? {
            Some(a) if a.kind == ActorKind::Organization => Some(a),
            _ => {
                errors.insert(
                    "organization".into(),
                    format!("no organisation `{h}` on this instance"),
                );
                None
            }
        },
        None if role.is_some_and(|r| r.needs_organization()) => {
            let role = role.map(|r| r.as_str()).unwrap_or_default();
            errors.insert(
                "organization".into(),
                format!("a {role} must belong to an organisation"),
            );
            None
        }
        None => None,
    };
    Ok((errors, handle, org))
}

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

/// Disables an account (revoking its tokens) or enables it again; returns the tokens revoked.
pub async fn set_disabled(db: &Db, username: &str, disabled: bool) -> AppResult<u64> {
    let user = users::by_username(db, username)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no account `{username}`")))?;
    if user.deleted_at.is_some() {
        return Err(AppError::Gone(format!(
            "the account `{username}` was deleted; create a new one"
        )));
    }
    let at = disabled.then(crate::db::now_ms);
    Ok(users::set_disabled(db, user.id, at).await?)
}

/// Deletes an account's log-in and tokens; its actor and what it published stay.
pub async fn delete_user(db: &Db, username: &str) -> AppResult<u64> {
    let user = users::by_username(db, username)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no account `{username}`")))?;
    Ok(users::delete(db, user.id, crate::db::now_ms()).await?)
}
