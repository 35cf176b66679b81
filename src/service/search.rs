//! Searching the practices held here: the process's index answers which ones, in what order,
//! with which snippets and facet counts; each hit is shown as the practice API shows it.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::{
    error::{AppError, AppResult},
    search::{
        facets::FacetName,
        query::{FacetCount, Understood},
        SearchRequest, Sort,
    },
    service::practices::{self, PracticeView},
    state::Ctx,
};

/// Hits per page.
pub const PER_PAGE: usize = 20;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    pub practice: PracticeView,
    /// A passage of the practice's text, HTML-escaped, the words matched in `<b>`.
    pub snippet: String,
    /// BM25 score; 0 when sorted by index or recency.
    pub score: f32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    /// Practices matching, over every page.
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub sort: Sort,
    /// Every facet's values with counts; a ticked facet counts with every filter but its own.
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    /// The query as understood: its words with their stems and corrections, phrases, and
    /// the stop words left out.
    pub query: Understood,
}

pub async fn search(ctx: &Ctx, mut req: SearchRequest) -> AppResult<SearchPage> {
    let engine = ctx.search.engine().ok_or_else(|| {
        AppError::Unavailable("the search index is being built; try again shortly".into())
    })?;
    req.page = req.page.max(1);
    req.per_page = if req.per_page == 0 {
        PER_PAGE
    } else {
        req.per_page
    };
    req.facets = true;
    // Practices deleted (or unpublished) since the index last read the feed are left out of
    // the search itself, so its total and counts agree with the hits shown.
    req.exclude = crate::db::search::gone_after(&ctx.db, engine.seq()).await?;
    let (page, per_page, sort) = (req.page, req.per_page, req.sort);
    // The index's work is CPU-bound: off the async threads.
    let found = tokio::task::spawn_blocking(move || engine.search(&req))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("search task: {e}")))?
        .map_err(AppError::Internal)?;
    // The hits as the practice API shows them, read in one query. A practice deleted since
    // the search ran is left out.
    let ids: Vec<i64> = found.hits.iter().map(|h| h.id).collect();
    let mut views: HashMap<i64, PracticeView> = practices::published_views(ctx, &ids)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let hits = found
        .hits
        .into_iter()
        .filter_map(|h| {
            views.remove(&h.id).map(|practice| SearchHit {
                practice,
                snippet: h.snippet,
                score: h.score,
            })
        })
        .collect();
    Ok(SearchPage {
        hits,
        total: found.total,
        page,
        per_page,
        sort,
        facets: found.facets,
        query: found.query,
    })
}

/// Most hits a page, and the deepest page: a search is for reading, not for harvesting
/// (the open-data exports are for that).
pub const MAX_PAGE: usize = 500;

/// The request a query string makes (the API's and the search page's), or every parameter
/// that is wrong, by name.
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
