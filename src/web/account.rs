//! Log-in, log-out, sign-up (with the address confirmed by mail, or an admin's approval),
//! and password reset, in the browser. The session cookie holds a random token (stored
//! hashed); the forms of a signed-in person carry their session's CSRF token, the anonymous
//! ones a double-submit token (a cookie and the same value in the form).

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    extract::{Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Form,
};
use serde::Deserialize;

use super::{
    i18n::cookie,
    page::{self, same_token, Page},
};
use crate::{
    error::AppError,
    service::{
        credentials,
        sessions::{self, SignUp, SignedUp, SESSION_LIFETIME_MS},
    },
    state::ClientAddr,
    state::{Ctx, Fed},
};

/// The session cookie.
pub const SESSION_COOKIE: &str = "prassi_session";
/// The anonymous forms' double-submit token.
pub const FORM_COOKIE: &str = "prassi_form";

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, `Secure` on an https site; `max_age` 0
/// removes the cookie.
pub fn cookie_header(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}")
}

fn secure(ctx: &Ctx) -> bool {
    ctx.config.public_url.scheme() == "https"
}

fn add_cookie(res: &mut Response, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// A redirection (303) to `to`.
pub fn see_other(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// A path of this site, or `/`: never another host (`//host`, `/\host`, a scheme).
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// The anonymous forms' token: the cookie's, or a new one (set by [`FormToken::set`]).
pub struct FormToken {
    pub value: String,
    fresh: bool,
}

impl FormToken {
    pub fn of(headers: &HeaderMap) -> Self {
        match cookie(headers, FORM_COOKIE).filter(|v| v.len() == 64) {
            Some(v) => Self {
                value: v.to_string(),
                fresh: false,
            },
            None => Self {
                value: sessions::random_token(),
                fresh: true,
            },
        }
    }

    /// Sets the cookie on the page that carries the form, when it is new.
    pub fn set(&self, ctx: &Ctx, mut res: Response) -> Response {
        if self.fresh {
            let c = cookie_header(FORM_COOKIE, &self.value, 24 * 3600, secure(ctx));
            add_cookie(&mut res, &c);
        }
        res
    }
}

/// An anonymous form's token must be the cookie's.
pub(super) fn check_form(headers: &HeaderMap, given: &str) -> bool {
    cookie(headers, FORM_COOKIE).is_some_and(|c| same_token(given, c))
}

/// The answer to a form without its token, or with a wrong one: nothing was done.
pub fn forbidden(page: Page) -> Response {
    super::message(StatusCode::FORBIDDEN, page, "csrf-title", "csrf-text")
}

/// Field errors in words, by field.
pub(super) fn worded(page: &Page, errors: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    errors
        .iter()
        .map(|(field, code)| {
            let key = match (field.as_str(), code.as_str()) {
                ("username", "taken") => "err-username-taken",
                ("username", _) => "err-username-invalid",
                ("email", "taken") => "err-email-taken",
                ("email", _) => "err-email-invalid",
                ("password", "username") => "err-password-username",
                ("password", _) => "err-password-short",
                ("consent", _) => "err-consent-missing",
                _ => "err-field-invalid",
            };
            (field.clone(), page.t(key))
        })
        .collect()
}

#[derive(Template)]
#[template(path = "account/login.html")]
struct Login {
    page: Page,
    csrf: String,
    username: String,
    next: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    done: Option<String>,
}

/// `GET /login`.
pub async fn login_form(
    State(fed): State<Fed>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
    page: Page,
) -> Response {
    let ctx = fed.to_request_data();
    let next = local_path(q.next.as_deref());
    if page.viewer.is_some() {
        return see_other(&next);
    }
    let token = FormToken::of(&headers);
    let notice = match q.done.as_deref() {
        Some("confirmed") => Some(page.t("login-confirmed")),
        Some("reset") => Some(page.t("login-after-reset")),
        Some("out") => Some(page.t("login-logged-out")),
        _ => None,
    };
    let title = page.t("login-title");
    let res = page::ok(&Login {
        page: page.titled(title),
        csrf: token.value.clone(),
        username: String::new(),
        next,
        error: None,
        notice,
    });
    token.set(&ctx, res)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

/// `POST /login`: a session, and back to where the person was.
pub async fn login(
    State(fed): State<Fed>,
    headers: HeaderMap,
    ClientAddr(client): ClientAddr,
    page: Page,
    Form(f): Form<LoginForm>,
) -> Response {
    let ctx = fed.to_request_data();
    if !check_form(&headers, &f.csrf) {
        return forbidden(page);
    }
    let next = local_path(f.next.as_deref());
    let username = f.username.trim().to_string();
    let (status, error) = match credentials::check_login(&ctx, &username, &f.password, client).await
    {
        Ok(user) => match sessions::start(&ctx, &user).await {
            Ok(token) => {
                let mut res = see_other(&next);
                let c = cookie_header(
                    SESSION_COOKIE,
                    &token,
                    SESSION_LIFETIME_MS / 1000,
                    secure(&ctx),
                );
                add_cookie(&mut res, &c);
                return res;
            }
            Err(e) => (e.status(), page.t("login-failed-server")),
        },
        Err(AppError::Forbidden(_)) => (
            StatusCode::FORBIDDEN,
            page.t(if ctx.config.mail.enabled() {
                "login-pending-mail"
            } else {
                "login-pending-approval"
            }),
        ),
        Err(AppError::TooManyRequests {
            retry_after_secs, ..
        }) => (
            StatusCode::TOO_MANY_REQUESTS,
            page.tn("login-throttled", "seconds", retry_after_secs as i64),
        ),
        Err(AppError::Unauthorized(_)) => (StatusCode::UNAUTHORIZED, page.t("login-wrong")),
        Err(e) => (e.status(), page.t("login-failed-server")),
    };
    let token = FormToken::of(&headers);
    let title = page.t("login-title");
    page::render(
        status,
        &Login {
            page: page.titled(title),
            csrf: token.value,
            username,
            next,
            error: Some(error),
            notice: None,
        },
    )
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`: ends this session and removes the cookie.
pub async fn logout(State(fed): State<Fed>, page: Page, Form(f): Form<CsrfForm>) -> Response {
    let ctx = fed.to_request_data();
    let Some(viewer) = page.viewer.clone() else {
        return see_other("/");
    };
    if viewer.check_csrf(&f.csrf).is_err() {
        return forbidden(page);
    }
    if let Err(e) = sessions::end(&ctx, viewer.session_id).await {
        tracing::warn!(error = %e, "a session could not be ended");
        return super::message(e.status(), page, "error-title", "error-text");
    }
    let mut res = see_other("/login?done=out");
    add_cookie(
        &mut res,
        &cookie_header(SESSION_COOKIE, "", 0, secure(&ctx)),
    );
    res
}

#[derive(Template)]
#[template(path = "account/signup.html")]
struct SignupPage {
    page: Page,
    csrf: String,
    username: String,
    email: String,
    consent: bool,
    errors: BTreeMap<String, String>,
    mail: bool,
}

impl SignupPage {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

/// `GET /signup`.
pub async fn signup_form(State(fed): State<Fed>, headers: HeaderMap, page: Page) -> Response {
    let ctx = fed.to_request_data();
    if page.viewer.is_some() {
        return see_other("/");
    }
    let token = FormToken::of(&headers);
    let title = page.t("signup-title");
    let res = page::ok(&SignupPage {
        page: page.titled(title),
        csrf: token.value.clone(),
        username: String::new(),
        email: String::new(),
        consent: false,
        errors: BTreeMap::new(),
        mail: ctx.config.mail.enabled(),
    });
    token.set(&ctx, res)
}

#[derive(Deserialize)]
pub struct SignupForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    consent: Option<String>,
    #[serde(default)]
    csrf: String,
}

#[derive(Template)]
#[template(path = "account/done.html")]
struct Done {
    page: Page,
    text: String,
    link: Option<(String, String)>,
}

pub(super) fn done(status: StatusCode, page: Page, title: &str, text: String) -> Response {
    let title = page.t(title);
    let link = Some(("/login".to_string(), page.t("account-go-login")));
    page::render(
        status,
        &Done {
            page: page.titled(title),
            text,
            link,
        },
    )
}

/// `POST /signup`: every field checked at once; the form comes back with what was typed
/// (not the password) and the errors, or the account is made and waits.
pub async fn signup(
    State(fed): State<Fed>,
    headers: HeaderMap,
    page: Page,
    Form(f): Form<SignupForm>,
) -> Response {
    let ctx = fed.to_request_data();
    if !check_form(&headers, &f.csrf) {
        return forbidden(page);
    }
    let s = SignUp {
        username: f.username.trim().to_string(),
        email: f.email.trim().to_string(),
        password: f.password,
        consent: f.consent.is_some(),
    };
    let lang = page.lang;
    let site = page.site.clone();
    let compose = |link: &str| {
        (
            lang.t_with("mail-confirm-subject", &[("site", site.clone().into())]),
            lang.t_with(
                "mail-confirm-body",
                &[
                    ("site", site.clone().into()),
                    ("link", link.to_string().into()),
                ],
            ),
        )
    };
    match sessions::signup(&ctx, &s, compose).await {
        Ok(SignedUp::MailSent) => {
            let text = page.t1("signup-mail-sent", "email", &s.email);
            done(StatusCode::OK, page, "signup-done-title", text)
        }
        Ok(SignedUp::AwaitingApproval) => {
            let text = page.t("signup-awaiting-approval");
            done(StatusCode::OK, page, "signup-done-title", text)
        }
        Err(AppError::Invalid(errors)) => {
            let errors = worded(&page, &errors);
            let title = page.t("signup-title");
            page::render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SignupPage {
                    page: page.titled(title),
                    csrf: f.csrf,
                    username: s.username,
                    email: s.email,
                    consent: s.consent,
                    errors,
                    mail: ctx.config.mail.enabled(),
                },
            )
        }
        Err(e) => {
            tracing::warn!(error = %e, "sign-up failed");
            let text = page.t("signup-failed");
            done(e.status(), page, "error-title", text)
        }
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    pub token: String,
}

/// `GET /signup/confirm?token=…`: the link of the confirmation mail.
pub async fn confirm(State(fed): State<Fed>, Query(q): Query<TokenQuery>, page: Page) -> Response {
    let ctx = fed.to_request_data();
    match sessions::confirm(&ctx, &q.token).await {
        Ok(_) => see_other("/login?done=confirmed"),
        Err(e) => {
            let text = page.t("link-invalid");
            done(e.status(), page, "link-invalid-title", text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_httponly_lax_and_secure_on_https() {
        let plain = cookie_header(SESSION_COOKIE, "abc", 60, false);
        assert_eq!(
            plain,
            "prassi_session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Lax"
        );
        let https = cookie_header(SESSION_COOKIE, "abc", 60, true);
        assert!(
            https.ends_with("; HttpOnly; SameSite=Lax; Secure"),
            "{https}"
        );
    }

    #[test]
    fn next_is_a_local_path_only() {
        assert_eq!(local_path(Some("/practices/x?y=1")), "/practices/x?y=1");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "evil",
            "",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad}");
        }
        assert_eq!(local_path(None), "/");
    }
}
