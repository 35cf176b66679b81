//! HTML pages, and the URLs that answer either a page or an ActivityPub document by content
//! negotiation (actors, practices). Plain, accessible markup; the full web interface comes
//! later.

pub mod actor;
pub mod headers;
pub mod practice;

use axum::{extract::State, response::Response};

use crate::{
    http_util::html,
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
