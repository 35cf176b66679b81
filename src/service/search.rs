//! Searching the practices held here: the process's index answers which ones, in what order,
//! with which snippets and facet counts; each hit is shown as the practice API shows it.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::{
    error::{AppError, AppResult},
    search::{
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
