//! Taking part on the web site: citizens' sign-up (confirmed by mail, or approved by an
//! admin when the instance sends none), browser sessions, and password resets through
//! one-time links.

use std::collections::BTreeMap;

use rand::RngCore;

use super::{
    accounts, credentials,
    mail::{self, Mail},
};
use crate::{
    db::{
        actors,
        sessions::{self, SessionUser},
        users::{self, UserRow},
        Db,
    },
    domain::actor::{Role, Username},
    error::{AppError, AppResult},
    state::Ctx,
};

/// How long a browser session lasts.
pub const SESSION_LIFETIME_MS: i64 = 14 * 24 * 3600 * 1000;
/// How long an address confirmation link works.
pub const CONFIRM_LIFETIME_MS: i64 = 3 * 24 * 3600 * 1000;
/// How long a password reset link works.
pub const RESET_LIFETIME_MS: i64 = 3600 * 1000;

const CONFIRM: &str = "confirm";
const RESET: &str = "reset";

/// What the sign-up form gives.
#[derive(Debug, Clone, Default)]
pub struct SignUp {
    pub username: String,
    pub email: String,
    pub password: String,
    pub consent: bool,
}

/// What happened to a sign-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedUp {
    /// A confirmation link went to the address.
    MailSent,
    /// No mail here: an admin approves the account.
    AwaitingApproval,
}

/// A random token, as hexadecimal.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Every problem of a sign-up at once, field by field (`username`, `email`, `password`,
/// `consent`): nothing is stored while there is one.
pub async fn check_signup(db: &Db, s: &SignUp) -> AppResult<BTreeMap<String, String>> {
    let (mut errors, handle, _) =
        accounts::check_new_user(db, &s.username, Some(Role::Citizen), None, &s.password).await?;
    if let Some(h) = &handle {
        if actors::local_by_username(db, h.as_str()).await?.is_some() {
            errors.insert("username".into(), "taken".into());
        }
    }
    if errors.contains_key("username") && errors["username"] != "taken" {
        errors.insert("username".into(), "invalid".into());
    }
    if errors.contains_key("password") {
        errors.insert("password".into(), "short".into());
    } else if s.password.to_lowercase() == s.username.trim().to_lowercase() {
        errors.insert("password".into(), "username".into());
    }
    let email = s.email.trim().to_lowercase();
    if !mail::is_address(&email) {
        errors.insert("email".into(), "invalid".into());
    } else if users::by_email(db, &email).await?.is_some() {
        errors.insert("email".into(), "taken".into());
    }
    if !s.consent {
        errors.insert("consent".into(), "missing".into());
    }
    Ok(errors)
}

/// Signs a citizen up. `compose` writes the confirmation mail around its link. The errors
/// of [`check_signup`] are codes (`taken`, `invalid`, `short` …) for the page to word.
pub async fn signup(
    ctx: &Ctx,
    s: &SignUp,
    compose: impl FnOnce(&str) -> (String, String),
) -> AppResult<SignedUp> {
    let errors = check_signup(&ctx.db, s).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let email = s.email.trim().to_lowercase();
    let user = accounts::create_user_with(
        &ctx.db,
        &ctx.config,
        s.username.trim(),
        Role::Citizen,
        None,
        &s.password,
        None,
        Some(&email),
    )
    .await
    .map_err(|e| match e {
        // A sign-up of the same name or address an instant earlier.
        AppError::Conflict(_) => AppError::invalid_field("username", "taken"),
        AppError::Internal(e) if e.to_string().contains("users_email") => {
            AppError::invalid_field("email", "taken")
        }
        e => e,
    })?;
    if !ctx.config.mail.enabled() {
        tracing::info!(user = %user.username, "signed up; waiting for an admin's approval");
        return Ok(SignedUp::AwaitingApproval);
    }
    send_link(
        ctx,
        &user,
        &email,
        CONFIRM,
        CONFIRM_LIFETIME_MS,
        "/signup/confirm",
        compose,
    )
    .await?;
    Ok(SignedUp::MailSent)
}

async fn send_link(
    ctx: &Ctx,
    user: &UserRow,
    email: &str,
    purpose: &str,
    lifetime_ms: i64,
    path: &str,
    compose: impl FnOnce(&str) -> (String, String),
) -> AppResult<()> {
    let token = random_token();
    let expires = ctx.clock.now_ms() + lifetime_ms;
    sessions::insert_link(
        &ctx.db,
        user.id,
        purpose,
        &credentials::token_hash(&token),
        expires,
    )
    .await?;
    let link = format!("{}{path}?token={token}", ctx.config.base());
    let (subject, body) = compose(&link);
    mail::send(
        &ctx.config.mail,
        Mail {
            to: email.to_string(),
            subject,
            body,
        },
    )
    .await
}

/// Confirms an address by its link: the account may log in from now on. The link works once.
pub async fn confirm(ctx: &Ctx, token: &str) -> AppResult<UserRow> {
    let user_id = sessions::use_link(
        &ctx.db,
        CONFIRM,
        &credentials::token_hash(token.trim()),
        ctx.clock.now_ms(),
    )
    .await?
    .ok_or_else(|| AppError::Gone("the link is not valid or has expired".into()))?;
    users::approve(&ctx.db, user_id).await?;
    users::by_id(&ctx.db, user_id)
        .await?
        .ok_or_else(|| AppError::Gone("the account no longer exists".into()))
}

/// An admin lets a waiting account in (instances that send no mail).
pub async fn approve(db: &Db, username: &str) -> AppResult<UserRow> {
    let user = users::by_username(db, username)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or_else(|| AppError::NotFound(format!("no account `{username}`")))?;
    if !users::approve(db, user.id).await? {
        return Err(AppError::Conflict(format!(
            "`{username}` is not waiting for approval"
        )));
    }
    Ok(user)
}

/// Sets an account's password (an admin, or a reset link); its browser sessions end.
pub async fn set_password(db: &Db, user: &UserRow, password: &str) -> AppResult<()> {
    if user.deleted_at.is_some() {
        return Err(AppError::Gone(format!(
            "the account `{}` was deleted",
            user.username
        )));
    }
    check_password(password, &user.username)?;
    let hash = credentials::hash_password(password)?;
    users::set_password(db, user.id, &hash).await?;
    Ok(())
}

/// The password rules, as a field error (`short`, `username`).
pub fn check_password(password: &str, username: &str) -> AppResult<()> {
    if password.chars().count() < 10 {
        return Err(AppError::invalid_field("password", "short"));
    }
    if password.to_lowercase() == username.to_lowercase() {
        return Err(AppError::invalid_field("password", "username"));
    }
    Ok(())
}

/// Sends a reset link to the account of `email`, if there is one; the answer is the same
/// either way (the page does not tell who has an account).
pub async fn forgot(
    ctx: &Ctx,
    email: &str,
    compose: impl FnOnce(&str) -> (String, String),
) -> AppResult<()> {
    if !ctx.config.mail.enabled() {
        return Err(AppError::Unavailable(
            "this instance sends no mail; an admin sets a new password".into(),
        ));
    }
    let email = email.trim().to_lowercase();
    if !mail::is_address(&email) {
        return Err(AppError::invalid_field("email", "invalid"));
    }
    let Some(user) = users::by_email(&ctx.db, &email)
        .await?
        .filter(|u| u.deleted_at.is_none() && u.disabled_at.is_none())
    else {
        tracing::info!("password reset asked for an unknown address");
        return Ok(());
    };
    send_link(
        ctx,
        &user,
        &email,
        RESET,
        RESET_LIFETIME_MS,
        "/password/reset",
        compose,
    )
    .await
}

/// Whether a reset link still works (the form is shown only then).
pub async fn reset_link_valid(ctx: &Ctx, token: &str) -> AppResult<bool> {
    Ok(sessions::link_user(
        &ctx.db,
        RESET,
        &credentials::token_hash(token.trim()),
        ctx.clock.now_ms(),
    )
    .await?
    .is_some())
}

/// A new password through a reset link: the password is checked first (a bad one leaves the
/// link usable), then the link is used up and every session of the account ends.
pub async fn reset(ctx: &Ctx, token: &str, password: &str) -> AppResult<UserRow> {
    let hash = credentials::token_hash(token.trim());
    let now = ctx.clock.now_ms();
    let gone = || AppError::Gone("the link is not valid or has expired".into());
    let user_id = sessions::link_user(&ctx.db, RESET, &hash, now)
        .await?
        .ok_or_else(gone)?;
    let user = users::by_id(&ctx.db, user_id).await?.ok_or_else(gone)?;
    check_password(password, &user.username)?;
    sessions::use_link(&ctx.db, RESET, &hash, now)
        .await?
        .ok_or_else(gone)?;
    set_password(&ctx.db, &user, password).await?;
    // A confirmed reset proves the address too.
    users::approve(&ctx.db, user.id).await?;
    Ok(user)
}

/// Opens a session for `user`: the cookie's token (stored hashed) and its forms' token.
pub async fn start(ctx: &Ctx, user: &UserRow) -> AppResult<String> {
    let token = random_token();
    let csrf = random_token();
    let expires = ctx.clock.now_ms() + SESSION_LIFETIME_MS;
    sessions::insert(
        &ctx.db,
        user.id,
        &credentials::token_hash(&token),
        &csrf,
        expires,
    )
    .await?;
    Ok(token)
}

/// The session of a cookie's token, if it is valid (unexpired, account enabled).
pub async fn of_token(ctx: &Ctx, token: &str) -> AppResult<Option<SessionUser>> {
    if token.len() != 64 {
        return Ok(None);
    }
    Ok(
        sessions::by_token_hash(&ctx.db, &credentials::token_hash(token), ctx.clock.now_ms())
            .await?,
    )
}

pub async fn end(ctx: &Ctx, session_id: i64) -> AppResult<()> {
    Ok(sessions::delete(&ctx.db, session_id).await?)
}

/// A handle as typed, for the form to show back.
pub fn is_handle(s: &str) -> bool {
    Username::parse(s).is_ok()
}
