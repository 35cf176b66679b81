//! `GET /api/v1/search`: one search over every practice held here, with facets.

use std::collections::BTreeMap;

use axum::{
    extract::{RawQuery, State},
    Json,
};

use crate::{
    error::{AppError, AppResult},
    search::{facets::FacetName, SearchRequest, Sort},
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

/// Most hits a page, and the deepest page: a search is for reading, not for harvesting
/// (the open-data exports are for that).
const MAX_PAGE: usize = 500;

#[utoipa::path(get, path = "/api/v1/search", params(SearchParams),
    responses((status = 200, body = SearchPage),
              (status = 400, description = "every parameter that is unknown or does not parse, by name", body = super::ErrorBody),
              (status = 503, description = "the search index is being built", body = super::ErrorBody)))]
pub async fn search(
    State(fed): State<Fed>,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<SearchPage>> {
    let ctx = fed.to_request_data();
    let req = parse(raw.as_deref().unwrap_or_default()).map_err(AppError::InvalidParams)?;
    Ok(Json(search::search(&ctx, req).await?))
}

/// The request a query string makes, or every parameter that is wrong, by name.
pub fn parse(raw: &str) -> Result<SearchRequest, BTreeMap<String, String>> {
    let mut req = SearchRequest {
        page: 1,
        ..Default::default()
    };
    let mut errors = BTreeMap::new();
    let mut seen_q = false;
    for (k, v) in url::form_urlencoded::parse(raw.as_bytes()) {
        match k.as_ref() {
            "q" if !seen_q => {
                seen_q = true;
                req.q = v.into_owned();
            }
            "sort" => match v.as_ref() {
                "relevance" => req.sort = Sort::Relevance,
                "index" => req.sort = Sort::Index,
                "recent" => req.sort = Sort::Recent,
                other => {
                    errors.insert(
                        "sort".into(),
                        format!("`{other}` is not relevance, index or recent"),
                    );
                }
            },
            "page" => match v.parse::<usize>() {
                Ok(p) if (1..=MAX_PAGE).contains(&p) => req.page = p,
                _ => {
                    errors.insert(
                        "page".into(),
                        format!("`{v}` is not a page from 1 to {MAX_PAGE}"),
                    );
                }
            },
            name => match FacetName::from_name(name) {
                Some(facet) => match facet.value(&v) {
                    Ok(value) => {
                        let values = req.filters.entry(facet).or_default();
                        if !values.contains(&value) {
                            values.push(value);
                        }
                    }
                    Err(why) => {
                        errors.entry(name.to_string()).or_insert(why);
                    }
                },
                None if name == "q" => {
                    errors.insert("q".into(), "give the words once".into());
                }
                None => {
                    errors.insert(name.to_string(), "no such parameter".into());
                }
            },
        }
    }
    if errors.is_empty() {
        Ok(req)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facets_repeat_and_bad_parameters_are_named() {
        let r =
            parse("q=bilancio&sector=07&sector=04&sector=07&country=it&sort=index&page=2").unwrap();
        assert_eq!(r.q, "bilancio");
        assert_eq!(r.filters[&FacetName::Sector], vec!["07", "04"]);
        assert_eq!(r.filters[&FacetName::Country], vec!["IT"]);
        assert_eq!((r.sort, r.page), (Sort::Index, 2));
        let e =
            parse("sector=99&colour=red&sort=best&page=0&year=zero&organization=x").unwrap_err();
        let names: Vec<&str> = e.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            ["colour", "organization", "page", "sector", "sort", "year"]
        );
    }
}
