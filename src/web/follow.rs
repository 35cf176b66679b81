//! "Follow from your server": a visitor with an account elsewhere in the fediverse enters
//! `name@server`, we find that server's subscribe template through WebFinger and send them
//! there with the actor's id filled in; and the other way round, `/authorize_interaction`,
//! the template Prassi's own WebFinger answers, where a signed-in person confirms a follow.
//!
//! The box is a GET form to `/follow`, which answers a page with a plain link to the
//! visitor's server rather than a redirect. The pages' policy has `form-action 'self'`, and
//! Chrome applies it to the redirects that follow a form submission too, so a redirect to
//! another host would be blocked; loosening that policy on one response would let an injected
//! form post anywhere. The page in between also shows which server the visitor is about to
//! open, before they leave (a mistyped server is seen, not followed blindly).

use askama::Template;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;

use super::page::Page;
use crate::{
    db::{actors, actors::ActorRow, users},
    error::AppResult,
    service::follows::{self, RemoteFollowError},
    state::{Ctx, Fed},
};

#[derive(Deserialize)]
pub struct FollowQuery {
    #[serde(default)]
    uri: String,
    #[serde(default)]
    account: String,
}

#[derive(Template)]
#[template(path = "follow_page.html")]
struct FollowPage {
    page: Page,
    uri: String,
    handle: String,
    intro: String,
    account: String,
    /// The form again, without the account.
    change_href: String,
    error: Option<String>,
    /// Where the visitor's server asks them to confirm, once found.
    next: Option<Next>,
}

struct Next {
    href: String,
    text: String,
    link: String,
}

/// `@name@domain` of an actor.
pub fn handle_of(a: &ActorRow) -> String {
    format!("@{}@{}", a.username, a.domain)
}

fn name_of(a: &ActorRow) -> String {
    a.name.clone().unwrap_or_else(|| a.username.clone())
}

fn t(page: &Page, key: &str, args: &[(&'static str, &str)]) -> String {
    let args: Vec<(&'static str, FluentValue<'static>)> = args
        .iter()
        .map(|(k, v)| (*k, FluentValue::from(v.to_string())))
        .collect();
    page.lang.t_with(key, &args)
}

/// The local actor `uri` names, if it is one of ours.
async fn local_actor(ctx: &Ctx, uri: &str) -> AppResult<Option<ActorRow>> {
    if uri.is_empty() {
        return Ok(None);
    }
    Ok(actors::by_ap_id(&ctx.db, uri).await?.filter(|a| a.local))
}

/// `GET /follow?uri=…&account=…`: the box's form on a page of its own; with an account, the
/// link to the visitor's server, or why there is none.
pub async fn follow(
    State(fed): State<Fed>,
    page: Page,
    Query(q): Query<FollowQuery>,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let Some(actor) = local_actor(&ctx, &q.uri).await? else {
        return Ok(super::message(
            StatusCode::NOT_FOUND,
            page,
            "not-found-title",
            "follow-unknown",
        ));
    };
    let (name, handle) = (name_of(&actor), handle_of(&actor));
    let account = q.account.trim().trim_start_matches('@').to_string();
    let server = account.rsplit_once('@').map(|(_, s)| s).unwrap_or_default();
    let uri = actor.ap_id.to_string();
    let (status, error, next) = if account.is_empty() {
        (StatusCode::OK, None, None)
    } else {
        let to = follows::remote_follow_url(&ctx, &account, &actor.ap_id.0).await;
        match to {
            Ok(href) => {
                let host = match (href.host_str(), href.port()) {
                    (Some(h), Some(p)) => format!("{h}:{p}"),
                    (Some(h), None) => h.to_string(),
                    _ => server.to_string(),
                };
                let next = Next {
                    text: t(
                        &page,
                        "follow-go-text",
                        &[("server", &host), ("name", &name)],
                    ),
                    link: t(&page, "follow-go", &[("server", &host)]),
                    href: href.to_string(),
                };
                (StatusCode::OK, None, Some(next))
            }
            Err(why) => {
                let (status, key) = match why {
                    RemoteFollowError::BadHandle => {
                        (StatusCode::UNPROCESSABLE_ENTITY, "follow-error-bad-handle")
                    }
                    RemoteFollowError::NoAccount => {
                        (StatusCode::NOT_FOUND, "follow-error-no-account")
                    }
                    RemoteFollowError::Unreachable => {
                        (StatusCode::BAD_GATEWAY, "follow-error-unreachable")
                    }
                    RemoteFollowError::NoTemplate => {
                        (StatusCode::UNPROCESSABLE_ENTITY, "follow-error-no-template")
                    }
                };
                let text = t(
                    &page,
                    key,
                    &[
                        ("server", server),
                        ("account", &account),
                        ("handle", &handle),
                    ],
                );
                (status, Some(text), None)
            }
        }
    };
    let title = t(&page, "follow-page-title", &[("name", &name)]);
    let intro = page.t("follow-box-text");
    let page = page.titled(title).with_alternate(uri.clone());
    let encoded: String = url::form_urlencoded::byte_serialize(uri.as_bytes()).collect();
    let change_href = format!("/follow?uri={encoded}");
    Ok(super::page::render(
        status,
        &FollowPage {
            page,
            uri,
            handle,
            intro,
            account,
            change_href,
            error,
            next,
        },
    ))
}

#[derive(Deserialize)]
pub struct InteractionQuery {
    #[serde(default)]
    uri: String,
}

#[derive(Deserialize)]
pub struct InteractionForm {
    #[serde(default)]
    uri: String,
    #[serde(default)]
    csrf: String,
}

#[derive(Template)]
#[template(path = "authorize.html")]
struct Authorize {
    page: Page,
    text: String,
    uri: String,
    csrf: String,
    /// After the follow: no form, a link to the followed actor.
    done_href: Option<String>,
}

/// To the log-in page, back here afterwards.
fn to_login(page: &Page) -> Response {
    let next: String = url::form_urlencoded::byte_serialize(page.path.as_bytes()).collect();
    Redirect::to(&format!("/login?next={next}")).into_response()
}

/// The actor `uri` names (here or anywhere, fetched when new), for the confirmation.
async fn target(ctx: &Ctx, uri: &str) -> Option<ActorRow> {
    let uri = uri.trim();
    if uri.is_empty() {
        return None;
    }
    follows::resolve_actor(ctx, uri).await.ok()
}

fn cannot(page: Page) -> Response {
    super::message(
        StatusCode::NOT_FOUND,
        page,
        "authorize-error-title",
        "authorize-error-text",
    )
}

/// `GET /authorize_interaction?uri=…` (our subscribe template): "Follow X?" for a signed-in
/// person, the log-in page first for anyone else.
pub async fn authorize(
    State(fed): State<Fed>,
    page: Page,
    Query(q): Query<InteractionQuery>,
) -> Response {
    let Some(viewer) = page.viewer.clone() else {
        return to_login(&page);
    };
    let ctx = fed.to_request_data();
    let Some(actor) = target(&ctx, &q.uri).await else {
        return cannot(page);
    };
    let name = name_of(&actor);
    let me = format!("@{}@{}", viewer.username, ctx.config.domain());
    let text = t(
        &page,
        "authorize-text",
        &[("me", &me), ("handle", &handle_of(&actor))],
    );
    let title = t(&page, "authorize-title", &[("name", &name)]);
    super::page::ok(&Authorize {
        page: page.titled(title),
        text,
        uri: actor.ap_id.to_string(),
        csrf: viewer.csrf,
        done_href: None,
    })
}

/// `POST /authorize_interaction`: the signed-in person follows, through the same service as
/// the API's `POST /api/v1/follows`.
pub async fn authorize_post(
    State(fed): State<Fed>,
    page: Page,
    Form(f): Form<InteractionForm>,
) -> AppResult<Response> {
    let Some(viewer) = page.viewer.clone() else {
        return Ok(to_login(&page));
    };
    viewer.check_csrf(&f.csrf)?;
    let ctx = fed.to_request_data();
    let Some(actor) = target(&ctx, &f.uri).await else {
        return Ok(cannot(page));
    };
    let Some(user) = users::by_username(&ctx.db, &viewer.username).await? else {
        return Ok(to_login(&page));
    };
    let view = follows::follow(&ctx, &user, actor.ap_id.as_str()).await?;
    let name = name_of(&actor);
    let (title_key, text_key) = match view.state {
        crate::domain::actor::FollowState::Accepted => {
            ("authorize-done-title", "authorize-done-text")
        }
        _ => ("authorize-pending-title", "authorize-pending-text"),
    };
    let text = t(&page, text_key, &[("name", &name)]);
    let title = t(&page, title_key, &[("name", &name)]);
    Ok(super::page::ok(&Authorize {
        page: page.titled(title),
        text,
        uri: actor.ap_id.to_string(),
        csrf: String::new(),
        done_href: Some(actor.url.clone().unwrap_or_else(|| actor.ap_id.to_string())),
    }))
}
