//! Accounts: the instance actor, organisations, topics and users (their credentials are in
//! [`super::credentials`]).

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
};

use super::credentials::hash_password;

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
