//! `GET /api/v1/search`: one search over every practice held here, with facets.

use axum::{
    extract::{RawQuery, State},
    Json,
};

use crate::{
    error::{AppError, AppResult},
    service::search::{self, SearchPage},
    state::Fed,
};

/// The parameters (documentation: the handler reads the query string itself, since a facet
/// may be given several times).
#[allow(dead_code)]
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words (Italian or English; stemmed, accents and typos forgiven) and "phrases in
    /// quotes". Empty: browse by facets.
    q: Option<String>,
    /// `relevance` (default; by good index without words), `index` or `recent`.
    sort: Option<String>,
    /// From 1; 20 hits a page.
    page: Option<usize>,
    /// ISO 3166 country code, e.g. `IT`. Any facet may be given several times: values of
    /// one facet combine with OR, facets with AND.
    country: Option<Vec<String>>,
    /// NUTS or ISTAT region code, e.g. `ITC4`.
    region: Option<Vec<String>>,
    /// `eu`, `national`, `regional`, `supra_local`, `local`, `other_public_body`.
    level_of_government: Option<Vec<String>>,
    /// COFOG division, e.g. `07`.
    sector: Option<Vec<String>>,
    /// OPSI innovation type.
    innovation_type: Option<Vec<String>>,
    stage: Option<Vec<String>>,
    /// IAP2 level: `inform` … `empower`.
    participation: Option<Vec<String>>,
    /// Sustainable Development Goal, 1 to 17.
    sdg: Option<Vec<String>>,
    /// The year the practice's period starts.
    year: Option<Vec<String>>,
    /// Recognised by the hub at this host.
    recognition: Option<Vec<String>>,
    /// The instance (host) the practice comes from.
    origin: Option<Vec<String>>,
    /// The organisation, `name@domain`.
    organization: Option<Vec<String>>,
}

#[utoipa::path(get, path = "/api/v1/search", params(SearchParams),
    responses((status = 200, body = SearchPage),
              (status = 400, description = "every parameter that is unknown or does not parse, by name", body = super::ErrorBody),
              (status = 503, description = "the search index is being built", body = super::ErrorBody)))]
pub async fn search(
    State(fed): State<Fed>,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<SearchPage>> {
    let ctx = fed.to_request_data();
    let req = search::parse(raw.as_deref().unwrap_or_default()).map_err(AppError::InvalidParams)?;
    Ok(Json(search::search(&ctx, req).await?))
}
