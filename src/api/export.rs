//! The catalogue as open data, for national platforms and harvesters: DCAT-AP_IT JSON-LD and
//! CSV, public (no token), streamed, with `ETag` and `Last-Modified` so a harvester that polls
//! downloads only a changed catalogue.

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

use crate::{
    db::export::Stamp,
    error::AppResult,
    service::export::{self, Format},
    state::Fed,
};

#[utoipa::path(get, path = "/api/v1/export/catalog.jsonld", tag = "open data",
    responses(
        (status = 200, description = "Every published practice held here (this instance's and \
          those received from others, each with its origin) as a DCAT-AP_IT catalogue in JSON-LD \
          with an inline @context; streamed", content_type = "application/ld+json", body = Object),
        (status = 304, description = "unchanged since the ETag or date given")))]
pub async fn catalog(State(fed): State<Fed>, headers: HeaderMap) -> AppResult<Response> {
    answer(fed, &headers, Format::JsonLd, None).await
}

#[utoipa::path(get, path = "/api/v1/export/practices.csv", tag = "open data",
    responses(
        (status = 200, description = "One row per published practice held here: UTF-8, RFC 4180, \
          a header of stable column names (see the README, section Open data); cells with several values \
          joined with `;`; streamed", content_type = "text/csv; charset=utf-8", body = String),
        (status = 304, description = "unchanged since the ETag or date given")))]
pub async fn practices_csv(State(fed): State<Fed>, headers: HeaderMap) -> AppResult<Response> {
    answer(
        fed,
        &headers,
        Format::Csv,
        Some("inline; filename=\"practices.csv\""),
    )
    .await
}

async fn answer(
    fed: Fed,
    request: &HeaderMap,
    format: Format,
    disposition: Option<&'static str>,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let stamp = export::stamp(&ctx).await?;
    let etag = export::etag(&stamp);
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    if let Some(m) = stamp.modified {
        let at = std::time::SystemTime::from(m);
        if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(at)) {
            headers.insert(header::LAST_MODIFIED, v);
        }
    }
    if fresh(request, &etag, &stamp) {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Some(d) = disposition {
        headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static(d));
    }
    let body = Body::from_stream(export::body(&ctx, format, &stamp, export::PAGE));
    Ok((headers, body).into_response())
}

/// The client holds this version already: its `If-None-Match` names the tag (compared
/// weakly, as RFC 9110 has it for GET), or, without one, its `If-Modified-Since` is not
/// before the latest change.
fn fresh(request: &HeaderMap, etag: &str, stamp: &Stamp) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let tags: Vec<String> = request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(bare)
        .collect();
    if !tags.is_empty() {
        return tags.iter().any(|t| t == "*" || *t == bare(etag));
    }
    let since = request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    match (since, stamp.modified) {
        (Some(since), Some(m)) => {
            m.timestamp() <= chrono::DateTime::<chrono::Utc>::from(since).timestamp()
        }
        _ => false,
    }
}
