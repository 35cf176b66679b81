//! What every page's template knows besides its own data: the language and its messages, the
//! site's name, the current address (for the language switch), the ActivityPub alternate, and
//! (later) the signed-in person. Extracted from the request, then given a title by the handler.

use axum::{
    extract::FromRequestParts,
    http::{request::Parts, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use fluent_templates::fluent_bundle::FluentValue;

use super::{assets, i18n::Lang};
use crate::state::{Ctx, Fed};

pub struct Page {
    pub lang: Lang,
    /// The page's own title; the layout adds the site's name.
    pub title: String,
    /// One sentence for search engines and link previews.
    pub description: String,
    /// The instance's name.
    pub site: String,
    /// This request's path and query, for links back to it.
    pub path: String,
    /// The ActivityPub document of what the page shows, linked as `rel="alternate"`.
    pub alternate: Option<String>,
    /// The signed-in person, when there is one (set from the session cookie).
    pub viewer: Option<Viewer>,
}

/// Who is signed in, as pages need to know it.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user_id: i64,
    pub username: String,
    /// Their ActivityPub actor's row id (authorship of comments).
    pub actor_id: i64,
    pub role: crate::domain::actor::Role,
    /// The token every form of theirs carries (CSRF).
    pub csrf: String,
    /// Their account, as the services take it.
    pub user: crate::db::users::UserRow,
    /// The session the request came with (log-out ends it).
    pub session_id: i64,
}

impl Viewer {
    /// A form posted by this viewer must carry their token in its `csrf` field: a page of
    /// another site cannot know it. Compared in constant time.
    pub fn check_csrf(&self, given: &str) -> Result<(), crate::error::AppError> {
        if same_token(given, &self.csrf) {
            Ok(())
        } else {
            Err(crate::error::AppError::Forbidden(
                "the form is out of date or comes from another site; reload the page and try again"
                    .into(),
            ))
        }
    }
}

/// Whether two tokens are the same (and not empty), compared in constant time.
pub fn same_token(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && !expected.is_empty()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// The signed-in person of a request's session cookie, if it names a valid session. A
/// database that does not answer leaves the page anonymous (and logs it).
pub async fn viewer_of(ctx: &Ctx, headers: &axum::http::HeaderMap) -> Option<Viewer> {
    let token = super::i18n::cookie(headers, super::account::SESSION_COOKIE)?;
    match crate::service::sessions::of_token(ctx, token).await {
        Ok(Some(s)) => Some(Viewer {
            user_id: s.user.id,
            username: s.user.username.clone(),
            actor_id: s.user.actor_id,
            role: s.user.role,
            csrf: s.csrf,
            user: s.user,
            session_id: s.session_id,
        }),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(error = %e, "the session could not be read");
            None
        }
    }
}

impl FromRequestParts<Fed> for Page {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, fed: &Fed) -> Result<Self, Self::Rejection> {
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let ctx = fed.to_request_data();
        let mut page = Page::plain(&ctx, Lang::of_request(&parts.headers), path);
        page.viewer = viewer_of(&ctx, &parts.headers).await;
        Ok(page)
    }
}

impl Page {
    /// A page in `lang` at `path`, with no title yet.
    pub fn plain(ctx: &Ctx, lang: Lang, path: &str) -> Page {
        Page {
            lang,
            title: String::new(),
            description: String::new(),
            site: ctx.config.instance_name.clone(),
            path: path.to_string(),
            alternate: None,
            viewer: None,
        }
    }

    /// The message `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// A message with one argument.
    pub fn t1(&self, key: &str, name: &'static str, value: impl ToString) -> String {
        self.lang
            .t_with(key, &[(name, FluentValue::from(value.to_string()))])
    }

    /// A message with a number (plural forms choose by it).
    pub fn tn(&self, key: &str, name: &'static str, n: impl std::borrow::Borrow<i64>) -> String {
        self.lang
            .t_with(key, &[(name, FluentValue::from(*n.borrow()))])
    }

    pub fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    pub fn described(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    pub fn with_alternate(mut self, ap_id: impl Into<String>) -> Self {
        self.alternate = Some(ap_id.into());
        self
    }

    /// The URL of an embedded static file (`web/prassi.css`).
    pub fn asset(&self, path: &str) -> String {
        assets::url(path)
    }

    /// The `<use href>` of an icon of the design system's sprite.
    pub fn icon(&self, name: &str) -> String {
        format!("{}#{name}", assets::url("web/icons.svg"))
    }

    /// The main menu: address and message key of each section.
    pub fn menu(&self) -> [(&'static str, &'static str); 6] {
        [
            ("/", "nav-home"),
            ("/search", "nav-search"),
            ("/organizations", "nav-organizations"),
            ("/topics", "nav-topics"),
            ("/rankings", "nav-rankings"),
            ("/calls", "nav-calls"),
        ]
    }

    /// Where the log-in link sends back to: this page (the account pages themselves send
    /// home).
    pub fn login_url(&self) -> String {
        let own = self.path.split('?').next().unwrap_or_default();
        if ["/login", "/signup", "/password"]
            .iter()
            .any(|p| own.starts_with(p))
        {
            return "/login".into();
        }
        let next: String = url::form_urlencoded::byte_serialize(self.path.as_bytes()).collect();
        format!("/login?next={next}")
    }

    pub fn langs(&self) -> [Lang; 2] {
        Lang::ALL
    }

    /// The switch's link to this page in `lang`.
    pub fn lang_url(&self, lang: &Lang) -> String {
        let back: String = url::form_urlencoded::byte_serialize(self.path.as_bytes()).collect();
        format!("/lang/{}?back={back}", lang.code())
    }

    pub fn is_lang(&self, lang: &Lang) -> bool {
        self.lang == *lang
    }

    /// Whether the page is `path` or below it (the menu marks the current section).
    pub fn is_at(&self, path: &str) -> bool {
        let own = self.path.split('?').next().unwrap_or_default();
        if path == "/" {
            own == "/"
        } else {
            own == path || own.starts_with(&format!("{path}/"))
        }
    }
}

/// Renders a template as a page with `status`; a template that fails to render (it cannot
/// fail on data, only on a formatter error) is a 500.
pub fn render(status: StatusCode, template: &impl askama::Template) -> Response {
    match template.render() {
        Ok(body) => {
            let mut res = (status, body).into_response();
            let h = res.headers_mut();
            h.insert(
                axum::http::header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            h.insert(
                axum::http::header::VARY,
                HeaderValue::from_static("Accept, Cookie, Accept-Language"),
            );
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "a page did not render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be shown",
            )
                .into_response()
        }
    }
}

/// A page that answers 200.
pub fn ok(template: &impl askama::Template) -> Response {
    render(StatusCode::OK, template)
}
