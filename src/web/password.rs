//! A forgotten password in the browser: the form that sends a reset link by mail, and the
//! link's form for a new password (the link works once; every session ends).

use askama::Template;
use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    Form,
};
use serde::Deserialize;

use super::{
    account::{check_form, done, forbidden, see_other, worded, FormToken, TokenQuery},
    page::{self, Page},
};
use crate::{error::AppError, service::sessions, state::Fed};

#[derive(Template)]
#[template(path = "account/forgot.html")]
struct Forgot {
    page: Page,
    csrf: String,
    email: String,
    error: Option<String>,
    mail: bool,
}

/// `GET /password/forgot`.
pub async fn forgot_form(State(fed): State<Fed>, headers: HeaderMap, page: Page) -> Response {
    let ctx = fed.to_request_data();
    let token = FormToken::of(&headers);
    let title = page.t("forgot-title");
    let res = page::ok(&Forgot {
        page: page.titled(title),
        csrf: token.value.clone(),
        email: String::new(),
        error: None,
        mail: ctx.config.mail.enabled(),
    });
    token.set(&ctx, res)
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /password/forgot`: a reset link to the address, if it has an account (the answer
/// is the same either way).
pub async fn forgot(
    State(fed): State<Fed>,
    headers: HeaderMap,
    page: Page,
    Form(f): Form<ForgotForm>,
) -> Response {
    let ctx = fed.to_request_data();
    if !check_form(&headers, &f.csrf) {
        return forbidden(page);
    }
    let lang = page.lang;
    let site = page.site.clone();
    let compose = |link: &str| {
        (
            lang.t_with("mail-reset-subject", &[("site", site.clone().into())]),
            lang.t_with(
                "mail-reset-body",
                &[
                    ("site", site.clone().into()),
                    ("link", link.to_string().into()),
                ],
            ),
        )
    };
    match sessions::forgot(&ctx, &f.email, compose).await {
        Ok(()) => {
            let text = page.t("forgot-sent");
            done(StatusCode::OK, page, "forgot-title", text)
        }
        Err(e) => {
            let status = e.status();
            let error = match e {
                AppError::Invalid(_) => page.t("err-email-invalid"),
                _ => page.t("signup-failed"),
            };
            let title = page.t("forgot-title");
            page::render(
                status,
                &Forgot {
                    page: page.titled(title),
                    csrf: f.csrf,
                    email: f.email.trim().to_string(),
                    error: Some(error),
                    mail: ctx.config.mail.enabled(),
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "account/reset.html")]
struct Reset {
    page: Page,
    csrf: String,
    token: String,
    error: Option<String>,
}

/// `GET /password/reset?token=…`: the form for a new password, while the link works.
pub async fn reset_form(
    State(fed): State<Fed>,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
    page: Page,
) -> Response {
    let ctx = fed.to_request_data();
    if !matches!(sessions::reset_link_valid(&ctx, &q.token).await, Ok(true)) {
        let text = page.t("link-invalid");
        return done(StatusCode::GONE, page, "link-invalid-title", text);
    }
    let token = FormToken::of(&headers);
    let title = page.t("reset-title");
    let res = page::ok(&Reset {
        page: page.titled(title),
        csrf: token.value.clone(),
        token: q.token,
        error: None,
    });
    token.set(&ctx, res)
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /password/reset`: the new password; the link is used up and every session ends.
pub async fn reset(
    State(fed): State<Fed>,
    headers: HeaderMap,
    page: Page,
    Form(f): Form<ResetForm>,
) -> Response {
    let ctx = fed.to_request_data();
    if !check_form(&headers, &f.csrf) {
        return forbidden(page);
    }
    match sessions::reset(&ctx, &f.token, &f.password).await {
        Ok(_) => see_other("/login?done=reset"),
        Err(AppError::Invalid(errors)) => {
            let error = worded(&page, &errors).into_values().next();
            let title = page.t("reset-title");
            page::render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &Reset {
                    page: page.titled(title),
                    csrf: f.csrf,
                    token: f.token,
                    error,
                },
            )
        }
        Err(e) => {
            let text = page.t("link-invalid");
            done(e.status(), page, "link-invalid-title", text)
        }
    }
}
