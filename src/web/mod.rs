//! The web site: server-rendered pages from compile-time-checked templates (`templates/`, with
//! `askama`) in Italian and English (`locales/`, Fluent), styled by the vendored Bootstrap
//! Italia, and the URLs that answer either a page or an ActivityPub document by content
//! negotiation (actors, practices).

pub mod account;
pub mod actor;
pub mod assets;
pub mod call;
pub mod comment;
pub mod comment_forms;
pub mod components;
pub mod directory;
pub mod follow;
pub mod format;
pub mod headers;
pub mod i18n;
pub mod page;
pub mod participate;
pub mod password;
pub mod practice;
pub mod practice_facts;
pub mod practice_page;
pub mod search;
pub mod thread;

use askama::Template;
use axum::{
    extract::State,
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};

use self::{
    components::{Card, CountedLink},
    page::Page,
};
use crate::{
    db::actors,
    domain::actor::ActorKind,
    error::{AppError, AppResult},
    http_util::asks_for_html,
    search::{facets::FacetName, SearchRequest, Sort},
    service::search as searching,
    state::{Ctx, Fed},
};

/// The pages' own routes (the addresses that are also ActivityPub documents are in
/// `app::router`). Pages are gzipped for the browsers that take it.
pub fn router() -> Router<Fed> {
    Router::new()
        .route("/", get(home))
        .route("/accessibility", get(accessibility))
        .route("/privacy", get(privacy))
        .route("/lang/{code}", get(i18n::switch))
        .route("/organizations", get(directory::organizations))
        .route("/topics", get(directory::topics))
        .route("/rankings", get(directory::rankings))
        .route("/calls", get(call::list))
        .route("/recognised", get(call::recognised))
        .route("/search", get(search::show))
        .route("/login", get(account::login_form).post(account::login))
        .route("/logout", post(account::logout))
        .route("/signup", get(account::signup_form).post(account::signup))
        .route("/signup/confirm", get(account::confirm))
        .route(
            "/password/forgot",
            get(password::forgot_form).post(password::forgot),
        )
        .route(
            "/password/reset",
            get(password::reset_form).post(password::reset),
        )
        .route("/participate/{id}", get(participate::show))
        .route("/participate/{id}/read", post(participate::read))
        .route("/participate/{id}/endorse", post(participate::endorse))
        .route("/participate/{id}/withdraw", post(participate::withdraw))
        .route("/participate/{id}/comment", post(participate::comment))
        .route(
            "/comments/{key}/reply",
            get(comment_forms::reply_form).post(comment_forms::reply),
        )
        .route(
            "/comments/{key}/edit",
            get(comment_forms::edit_form).post(comment_forms::edit),
        )
        .route(
            "/comments/{key}/delete",
            get(comment_forms::delete_form).post(comment_forms::delete),
        )
        .route("/follow", get(follow::follow))
        .route(
            "/authorize_interaction",
            get(follow::authorize).post(follow::authorize_post),
        )
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Fastest),
        )
        .route("/static/{version}/{*path}", get(assets::serve))
}

/// Escapes text for HTML content and attribute values (pages not yet moved to templates).
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

#[derive(Template)]
#[template(path = "raw.html")]
struct Raw<'a> {
    page: Page,
    main: &'a str,
}

/// Transitional: the frame around a page whose main part is still assembled in Rust.
pub fn layout(ctx: &Ctx, title: &str, main: &str) -> String {
    let page = Page::plain(ctx, i18n::Lang::default(), "/").titled(title);
    Raw { page, main }.render().unwrap_or_default()
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    page: Page,
    latest: Vec<Card>,
    recognised: Vec<Card>,
    total: i64,
    organizations: Vec<CountedLink>,
    topics: Vec<CountedLink>,
}

/// Cards of the hits of a search.
fn cards(found: &searching::SearchPage, page: &Page) -> Vec<Card> {
    found
        .hits
        .iter()
        .map(|h| {
            let org = h
                .practice
                .organization_name
                .as_deref()
                .unwrap_or(&h.practice.organization);
            Card::practice(&h.practice, org, page.lang)
        })
        .collect()
}

/// The home page: the search box, the latest practices, the recognised ones, and the
/// instance's organisations and topics.
pub async fn home(State(fed): State<Fed>, page: Page) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let intro = page.t("home-intro");
    let page = page.described(intro);
    let browse = |sort, filters| SearchRequest {
        sort,
        filters,
        per_page: 6,
        ..Default::default()
    };
    // While the index is first built, the home page still answers, with no list.
    let latest = searching::search(&ctx, browse(Sort::Recent, Default::default()))
        .await
        .ok();
    let recognitions: Vec<String> = latest
        .as_ref()
        .and_then(|l| l.facets.get(FacetName::Recognition.as_str()))
        .map(|values| values.iter().map(|v| v.value.clone()).collect())
        .unwrap_or_default();
    let recognised = if recognitions.is_empty() {
        None
    } else {
        let filters = [(FacetName::Recognition, recognitions)]
            .into_iter()
            .collect();
        searching::search(&ctx, browse(Sort::Index, filters))
            .await
            .ok()
    };
    let link = |c: actors::Counted| CountedLink {
        label: c.name.unwrap_or_else(|| c.username.clone()),
        href: format!("/actors/{}", c.username),
        count: c.practices,
    };
    let organizations = actors::local_with_practice_counts(&ctx.db, ActorKind::Organization, 12)
        .await?
        .into_iter()
        .map(link)
        .collect();
    let topics = actors::local_with_practice_counts(&ctx.db, ActorKind::Group, 24)
        .await?
        .into_iter()
        .map(link)
        .collect();
    let home = Home {
        latest: latest.as_ref().map(|l| cards(l, &page)).unwrap_or_default(),
        recognised: recognised
            .as_ref()
            .map(|l| cards(l, &page))
            .unwrap_or_default(),
        total: latest.as_ref().map_or(0, |l| l.total as i64),
        organizations,
        topics,
        page,
    };
    Ok(page::ok(&home))
}

#[derive(Template)]
#[template(path = "legal.html")]
struct Legal {
    page: Page,
    intro: String,
    sections: Vec<(String, String)>,
}

fn legal(page: Page, prefix: &str, sections: &[&str]) -> Response {
    let title = page.t(&format!("{prefix}-title"));
    let intro = page.t1(&format!("{prefix}-intro"), "site", page.site.clone());
    let sections = sections
        .iter()
        .map(|s| {
            (
                page.t(&format!("{prefix}-{s}-title")),
                page.t(&format!("{prefix}-{s}")),
            )
        })
        .collect();
    page::ok(&Legal {
        page: page.titled(title),
        intro,
        sections,
    })
}

/// The accessibility statement the footer links (`data-element="accessibility-link"`).
pub async fn accessibility(page: Page) -> Response {
    legal(page, "a11y", &["status", "limits", "feedback"])
}

/// The privacy policy the footer links (`data-element="privacy-policy-link"`).
pub async fn privacy(page: Page) -> Response {
    legal(
        page,
        "privacy",
        &["data", "cookies", "federation", "rights"],
    )
}

#[derive(Template)]
#[template(path = "message.html")]
struct Message {
    page: Page,
    text: String,
}

/// A page that only says something (not found, deleted), with its status.
pub fn message(status: StatusCode, page: Page, title_key: &str, text_key: &str) -> Response {
    let text = page.t(text_key);
    let title = page.t(title_key);
    page::render(
        status,
        &Message {
            page: page.titled(title),
            text,
        },
    )
}

/// The answer for something that is not here: a page when a browser asked for one, the JSON
/// error shape otherwise (scripts, ActivityPub peers).
pub fn not_found(ctx: &Ctx, headers: &HeaderMap, message: &str) -> Response {
    if !asks_for_html(headers) {
        return AppError::NotFound(message.to_string()).into_response();
    }
    let page = Page::plain(ctx, i18n::Lang::of_request(headers), "/");
    self::message(
        StatusCode::NOT_FOUND,
        page,
        "not-found-title",
        "not-found-text",
    )
}

/// Every URL no route answers. The API always answers JSON.
pub async fn fallback(State(fed): State<Fed>, uri: Uri, headers: HeaderMap) -> Response {
    if uri.path().starts_with("/api/") {
        return AppError::NotFound("no such page".into()).into_response();
    }
    not_found(&fed.to_request_data(), &headers, "no such page")
}
