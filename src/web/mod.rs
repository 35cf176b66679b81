//! HTML pages, and the URLs that answer either a page or an ActivityPub document by content
//! negotiation (actors, practices). Plain, accessible markup; the full web interface comes
//! later.

pub mod actor;
pub mod call;
pub mod comment;
pub mod headers;
pub mod practice;

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
};

use crate::{
    error::AppError,
    http_util::{asks_for_html, html},
    state::{Ctx, Fed},
};

/// Escapes text for HTML content and attribute values.
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

/// The common frame of every page. No inline style or script: the Content-Security-Policy
/// ([`headers`]) refuses them; the look comes from the served stylesheet.
pub fn layout(ctx: &Ctx, title: &str, main: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"it\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t} · {site}</title>\n<link rel=\"stylesheet\" href=\"{css}\">\n</head>\n<body>\n\
         <header><a href=\"/\">{site}</a></header>\n<main>\n{main}\n</main>\n</body>\n</html>\n",
        t = esc(title),
        site = esc(&ctx.config.instance_name),
        css = headers::STYLESHEET_PATH,
    )
}

pub async fn home(State(fed): State<Fed>) -> Response {
    let ctx = fed.to_request_data();
    let main = format!(
        "<h1>{}</h1>\n<p>A Prassi instance: public-sector good practices, federated with \
         ActivityPub.</p>\n<ul><li><a href=\"/api/openapi.json\">API description (OpenAPI)</a></li>\
         <li><a href=\"/.well-known/nodeinfo\">NodeInfo</a></li></ul>",
        esc(&ctx.config.instance_name)
    );
    html(layout(&ctx, &ctx.config.instance_name, &main))
}

/// The answer for something that is not here: a page when a browser asked for one, the JSON
/// error shape otherwise (scripts, ActivityPub peers).
pub fn not_found(ctx: &Ctx, headers: &HeaderMap, message: &str) -> Response {
    if !asks_for_html(headers) {
        return AppError::NotFound(message.to_string()).into_response();
    }
    let main = format!(
        "<h1>Page not found</h1>\n<p>{}.</p>\n<p><a href=\"/\">Home page</a></p>",
        esc(message)
    );
    (
        StatusCode::NOT_FOUND,
        html(layout(ctx, "Page not found", &main)),
    )
        .into_response()
}

/// Every URL no route answers. The API always answers JSON.
pub async fn fallback(State(fed): State<Fed>, uri: Uri, headers: HeaderMap) -> Response {
    if uri.path().starts_with("/api/") {
        return AppError::NotFound("no such page".into()).into_response();
    }
    not_found(&fed.to_request_data(), &headers, "no such page")
}
