//! Small HTTP helpers: content negotiation by q-values, ActivityPub JSON responses,
//! documents rendered once and answered with an `ETag` (304 to `If-None-Match`), and query
//! strings and path parameters decoded with every bad parameter named.

use axum::{
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const AP_CONTENT_TYPE: &str = "application/activity+json; charset=utf-8";

/// What a client prefers, from its `Accept` header.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Wants {
    ActivityJson,
    Html,
}

/// Weighs the `Accept` header's q-values between ActivityPub JSON and HTML. Browsers (and a
/// missing header) get HTML; Mastodon's `…, text/html;q=0.1` gets JSON.
pub fn negotiate(headers: &HeaderMap) -> Wants {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Wants::Html;
    };
    let (mut ap, mut html) = (0.0f32, 0.0f32);
    for item in accept.split(',') {
        let mut parts = item.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let mut q = 1.0f32;
        let mut profile_ok = true;
        for p in parts {
            if let Some(v) = p.strip_prefix("q=") {
                q = v.parse().unwrap_or(0.0);
            } else if let Some(v) = p.strip_prefix("profile=") {
                profile_ok = v
                    .trim_matches('"')
                    .contains("https://www.w3.org/ns/activitystreams");
            }
        }
        match media.as_str() {
            "application/activity+json" => ap = ap.max(q),
            "application/ld+json" if profile_ok => ap = ap.max(q),
            "application/json" => ap = ap.max(q * 0.99),
            "text/html" | "application/xhtml+xml" => html = html.max(q),
            "*/*" | "text/*" => html = html.max(q * 0.5),
            _ => {}
        }
    }
    if ap > html {
        Wants::ActivityJson
    } else {
        Wants::Html
    }
}

/// An ActivityPub JSON response.
pub fn activity_json<T: Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(AP_CONTENT_TYPE),
                ),
                (header::VARY, HeaderValue::from_static("Accept")),
            ],
            body,
        )
            .into_response(),
        Err(e) => crate::error::AppError::from(e).into_response(),
    }
}

/// A document rendered once, kept with its entity tag (a hash of the bytes).
#[derive(Debug)]
pub struct Rendered {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: bytes::Bytes,
    pub etag: HeaderValue,
}

impl Rendered {
    /// ActivityPub JSON of `value`, answered with `status`.
    pub fn activity_json<T: Serialize>(
        status: StatusCode,
        value: &T,
    ) -> Result<Self, serde_json::Error> {
        let body = serde_json::to_vec(value)?;
        let hash = Sha256::digest(&body);
        let tag = format!("\"{}\"", URL_SAFE_NO_PAD.encode(&hash[..18]));
        Ok(Self {
            status,
            content_type: AP_CONTENT_TYPE,
            etag: HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("\"\"")),
            body: body.into(),
        })
    }

    /// The response to a request with these headers: the document, or 304 when the client
    /// holds it already. `Vary: Accept`, since the same URL also answers a page.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let fresh = request
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t.as_bytes() == self.etag.as_bytes());
        let headers = [
            (header::ETAG, self.etag.clone()),
            (header::VARY, HeaderValue::from_static("Accept")),
        ];
        if fresh && self.status.is_success() {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        (
            self.status,
            headers,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            )],
            self.body.clone(),
        )
            .into_response()
    }
}

/// An HTML response.
pub fn html(body: String) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::VARY, HeaderValue::from_static("Accept")),
        ],
        body,
    )
        .into_response()
}

/// Whether the client asked for a page in so many words: `Accept` names `text/html` (or
/// XHTML) and prefers it to ActivityPub JSON. Scripts that send no `Accept` or `*/*` are
/// answered JSON errors.
pub fn asks_for_html(headers: &HeaderMap) -> bool {
    let named = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("text/html") || v.contains("application/xhtml+xml")
        });
    named && negotiate(headers) == Wants::Html
}

/// At most this many parameters are named in one answer.
const MAX_QUERY_ERRORS: usize = 50;

/// Query parameters whose rejection is the JSON error shape, naming every parameter that does
/// not parse (a wrong type, an unknown vocabulary term) at once, not only the first.
pub struct ApiQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S>
    for ApiQuery<T>
{
    type Rejection = crate::error::AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        decode_query(parts.uri.query().unwrap_or_default())
            .map(ApiQuery)
            .map_err(crate::error::AppError::InvalidParams)
    }
}

/// Decodes `query` into `T`, or names every parameter that does not parse.
pub fn decode_query<T: serde::de::DeserializeOwned>(
    query: &str,
) -> Result<T, std::collections::BTreeMap<String, String>> {
    match decode_query_lenient(query) {
        (Some(v), errors) if errors.is_empty() => Ok(v),
        (_, errors) => Err(errors),
    }
}

/// Decodes what it can of `query` into `T` and names every parameter that does not parse.
/// serde stops at the first error, so each bad parameter is noted and left out, and the rest
/// decoded again; `T` is what the good parameters make (`None` when even they do not, e.g. a
/// required one is missing), so a handler can add its own findings to the same answer.
pub fn decode_query_lenient<T: serde::de::DeserializeOwned>(
    query: &str,
) -> (Option<T>, std::collections::BTreeMap<String, String>) {
    let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let mut errors = std::collections::BTreeMap::new();
    loop {
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&pairs)
            .finish();
        let de =
            serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(encoded.as_bytes()));
        let err = match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(v) => return (Some(v), errors),
            Err(err) => err,
        };
        let message = crate::domain::text::without_type_names(&err.inner().to_string());
        let name = err.path().iter().find_map(|s| match s {
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            _ => None,
        });
        // A required parameter that is missing is named by serde's message alone.
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split_once('`'))
            .map(|(n, _)| n.to_string());
        let before = pairs.len();
        match name.or(missing) {
            Some(n) => {
                pairs.retain(|(k, _)| *k != n);
                errors.entry(n).or_insert(message);
            }
            None => {
                errors.entry("query".into()).or_insert(message);
            }
        }
        // Nothing taken out (a missing parameter, or an error about the whole query): what
        // is left would fail the same way.
        if pairs.len() == before || errors.len() >= MAX_QUERY_ERRORS {
            return (None, errors);
        }
    }
}

/// Path parameters whose rejection is the JSON error shape naming the parameter (axum's own
/// answers in plain text, with the Rust type expected).
pub struct ApiPath<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> axum::extract::FromRequestParts<S>
    for ApiPath<T>
{
    type Rejection = crate::error::AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        use axum::extract::{path::ErrorKind, rejection::PathRejection, Path, RawPathParams};
        let e = match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => return Ok(ApiPath(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => e.into_kind(),
            Err(other) => {
                return Err(crate::error::AppError::Internal(anyhow::anyhow!(
                    "path parameters: {other}"
                )))
            }
        };
        // A single parameter (`{id}`) is decoded without its name: take it from the route.
        let only = RawPathParams::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|p| {
                let mut it = p.iter();
                match (it.next(), it.next()) {
                    (Some((k, _)), None) => Some(k.to_string()),
                    _ => None,
                }
            });
        let not_valid = |value: &str, expected: &str| {
            if expected.starts_with('i') || expected.starts_with('u') {
                format!("`{value}` is not a whole number")
            } else {
                format!("`{value}` is not valid here")
            }
        };
        let (key, message) = match e {
            ErrorKind::ParseErrorAtKey {
                key,
                value,
                expected_type,
            } => (key, not_valid(&value, expected_type)),
            ErrorKind::ParseError {
                value,
                expected_type,
            }
            | ErrorKind::ParseErrorAtIndex {
                value,
                expected_type,
                ..
            } => (
                only.unwrap_or_else(|| "path".into()),
                not_valid(&value, expected_type),
            ),
            ErrorKind::InvalidUtf8InPathParam { key } => (key, "is not valid UTF-8".into()),
            other => (
                only.unwrap_or_else(|| "path".into()),
                format!("is not valid: {other}"),
            ),
        };
        Err(crate::error::AppError::InvalidParams(
            std::collections::BTreeMap::from([(key, message)]),
        ))
    }
}

/// `bytes` gzipped at `level`.
pub fn gzip_at(bytes: &[u8], level: flate2::Compression) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), level);
    // Writing to a Vec cannot fail.
    let _ = std::io::Write::write_all(&mut enc, bytes);
    enc.finish().unwrap_or_default()
}

/// Whether a client takes gzip (`Accept-Encoding`, `q=0` refusing it).
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    == Some(0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(accept: &str) -> Wants {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
        negotiate(&h)
    }

    #[test]
    fn q_values_are_weighed() {
        assert_eq!(negotiate(&HeaderMap::new()), Wants::Html);
        assert_eq!(
            with("text/html,application/xhtml+xml,*/*;q=0.8"),
            Wants::Html
        );
        assert_eq!(with("application/activity+json"), Wants::ActivityJson);
        assert_eq!(
            with(
                r#"application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams", text/html;q=0.1"#
            ),
            Wants::ActivityJson
        );
        assert_eq!(
            with(r#"application/ld+json; profile="https://www.w3.org/ns/activitystreams""#),
            Wants::ActivityJson
        );
        assert_eq!(
            with("application/activity+json;q=0.2, text/html"),
            Wants::Html
        );
        assert_eq!(with("*/*"), Wants::Html);
    }

    #[test]
    fn only_a_named_html_is_a_request_for_a_page() {
        assert!(asks_for_html(&{
            let mut h = HeaderMap::new();
            h.insert(
                header::ACCEPT,
                HeaderValue::from_static("text/html,*/*;q=0.8"),
            );
            h
        }));
        assert!(!asks_for_html(&HeaderMap::new()));
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
        assert!(!asks_for_html(&h));
        h.insert(
            header::ACCEPT,
            HeaderValue::from_static("application/activity+json, text/html;q=0.1"),
        );
        assert!(!asks_for_html(&h));
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Q {
        local: Option<bool>,
        page: Option<i64>,
        name: Option<String>,
        needed: Option<u8>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Required {
        uri: String,
        page: Option<i64>,
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let e = decode_query::<Q>("local=maybe&page=x&name=ok&needed=300").unwrap_err();
        assert_eq!(
            e.keys().map(String::as_str).collect::<Vec<_>>(),
            ["local", "needed", "page"],
            "{e:?}"
        );
        let q = decode_query::<Q>("local=true&page=2&other=ignored").unwrap();
        assert_eq!((q.local, q.page), (Some(true), Some(2)));
        let e = decode_query::<Required>("page=x").unwrap_err();
        assert_eq!(
            e.keys().map(String::as_str).collect::<Vec<_>>(),
            ["page", "uri"],
            "{e:?}"
        );
    }

    #[test]
    fn gzip_is_sent_only_to_who_takes_it() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                axum::http::header::ACCEPT_ENCODING,
                axum::http::HeaderValue::from_str(v).unwrap(),
            );
            accepts_gzip(&h)
        };
        assert!(with("gzip, deflate, br"));
        assert!(with("br;q=1.0, gzip;q=0.8"));
        assert!(!with("gzip;q=0"));
        assert!(!with("br"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
