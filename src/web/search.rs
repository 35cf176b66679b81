//! The search page `/search`: the query box, the facets as a column of checkboxes with
//! counts, sorting and paging, all in the URL (a GET form), so a search can be shared. The
//! query string is read by the same parser as the API's (`service::search::parse`).

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    extract::{RawQuery, State},
    http::StatusCode,
    response::Response,
};

use super::{
    components::{language, Card, Pager},
    page::{self, Page},
};
use crate::{
    db::actors,
    domain::{
        actor::LevelOfGovernment,
        vocab::{Country, InnovationType, Participation, RegionCode, Sdg, Sector, Stage},
    },
    error::AppResult,
    search::{facets::FacetName, SearchRequest, Sort},
    service::search::{self, SearchPage},
    state::{Ctx, Fed},
};

/// The facets in the order the column shows them.
const FACETS: [FacetName; 12] = [
    FacetName::Sector,
    FacetName::Stage,
    FacetName::LevelOfGovernment,
    FacetName::Region,
    FacetName::Country,
    FacetName::Organization,
    FacetName::InnovationType,
    FacetName::Participation,
    FacetName::Sdg,
    FacetName::Year,
    FacetName::Recognition,
    FacetName::Origin,
];

const SORTS: [(Sort, &str); 3] = [
    (Sort::Relevance, "relevance"),
    (Sort::Index, "index"),
    (Sort::Recent, "recent"),
];

/// One value of a facet: a checkbox with its label and count.
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: u64,
    pub checked: bool,
    /// The checkbox's `id` (and its label's `for`).
    pub id: String,
}

/// A facet's group of checkboxes.
pub struct FacetBox {
    pub name: &'static str,
    pub title: String,
    pub values: Vec<FacetValue>,
}

/// A ticked value, shown above the results with a link that removes it.
pub struct Chip {
    pub facet: String,
    pub label: String,
    pub remove: String,
}

pub struct SortOption {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

/// A hit: the practice's card and the passage that matched.
pub struct HitCard {
    pub card: Card,
    /// HTML-escaped by the index, the matched words in `<b>`: safe to embed.
    pub snippet: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchTemplate {
    page: Page,
    q: String,
    sorts: Vec<SortOption>,
    /// Parameters that did not parse, by name, with why.
    errors: Vec<(String, String)>,
    facets: Vec<FacetBox>,
    chips: Vec<Chip>,
    /// Whether any value is ticked (the facets' `<details>` opens).
    ticked: bool,
    hits: Vec<HitCard>,
    total: i64,
    /// "Risultati per «…»" when a word was corrected.
    corrected: Option<String>,
    /// Words left out of the query (stop words).
    ignored: Vec<String>,
    pager: Pager,
    /// A search ran (no parameter was wrong).
    ran: bool,
}

/// `GET /search?q=…&sector=…&sort=…&page=…`.
pub async fn show(
    State(fed): State<Fed>,
    RawQuery(raw): RawQuery,
    page: Page,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let raw = raw.unwrap_or_default();
    let (title, intro) = (page.t("search-title"), page.t("search-intro"));
    let page = page.titled(title).described(intro);
    let req = match search::parse(&raw) {
        Ok(req) => req,
        Err(errors) => return Ok(refused(page, &raw, errors)),
    };
    let found = match search::search(&ctx, req.clone()).await {
        Ok(found) => found,
        // The index is being built (a new instance, or a rebuild): a page that says so, and
        // when to come back, rather than the API's JSON error.
        Err(crate::error::AppError::Unavailable(_)) => {
            let mut r = super::message(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                page,
                "search-building-title",
                "search-building-text",
            );
            r.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
            return Ok(r);
        }
        Err(e) => return Err(e),
    };
    let template = results(&ctx, page, &req, &found).await?;
    Ok(page::ok(&template))
}

/// The page for a query string with wrong parameters: the form as given, an alert naming
/// them, no results, status 400.
fn refused(page: Page, raw: &str, errors: BTreeMap<String, String>) -> Response {
    let q = url::form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let template = SearchTemplate {
        sorts: sorts(&page, Sort::Relevance),
        q,
        errors: errors.into_iter().collect(),
        facets: Vec::new(),
        chips: Vec::new(),
        ticked: false,
        hits: Vec::new(),
        total: 0,
        corrected: None,
        ignored: Vec::new(),
        pager: Pager::new(1, 1, |_| String::new()),
        ran: false,
        page,
    };
    page::render(StatusCode::BAD_REQUEST, &template)
}

fn sorts(page: &Page, current: Sort) -> Vec<SortOption> {
    SORTS
        .iter()
        .map(|(sort, value)| SortOption {
            value,
            label: page.t(&format!("search-sort-{value}")),
            selected: *sort == current,
        })
        .collect()
}

async fn results(
    ctx: &Ctx,
    page: Page,
    req: &SearchRequest,
    found: &SearchPage,
) -> AppResult<SearchTemplate> {
    let mut facets = Vec::new();
    let mut chips = Vec::new();
    for facet in FACETS {
        let ticked = req.filters.get(&facet).cloned().unwrap_or_default();
        let mut counts: Vec<(String, u64)> = found
            .facets
            .get(facet.as_str())
            .into_iter()
            .flatten()
            .map(|c| (c.value.clone(), c.count))
            .collect();
        // A ticked value that matches nothing stays on the page, so it can be unticked.
        for v in &ticked {
            if !counts.iter().any(|(c, _)| c == v) {
                counts.push((v.clone(), 0));
            }
        }
        let mut values = Vec::new();
        for (n, (value, count)) in counts.into_iter().enumerate() {
            let label = label(ctx, &page, facet, &value).await?;
            let checked = ticked.contains(&value);
            if checked {
                let mut without = req.clone();
                if let Some(vs) = without.filters.get_mut(&facet) {
                    vs.retain(|v| v != &value);
                }
                without.page = 1;
                chips.push(Chip {
                    facet: page.t(&format!("search-facet-{}", facet.as_str())),
                    label: label.clone(),
                    remove: href(&without),
                });
            }
            values.push(FacetValue {
                id: format!("f-{}-{n}", facet.as_str()),
                value,
                label,
                count,
                checked,
            });
        }
        if !values.is_empty() {
            facets.push(FacetBox {
                name: facet.as_str(),
                title: page.t(&format!("search-facet-{}", facet.as_str())),
                values,
            });
        }
    }
    let hits = found
        .hits
        .iter()
        .map(|h| {
            let org = h
                .practice
                .organization_name
                .as_deref()
                .unwrap_or(&h.practice.organization);
            HitCard {
                card: Card::practice(&h.practice, org, page.lang),
                // Without words the passage is only the start of the text, in whatever
                // language: the card's summary, in the reader's, says more.
                snippet: if req.q.trim().is_empty() {
                    String::new()
                } else {
                    h.snippet.clone()
                },
            }
        })
        .collect();
    let corrected = found
        .query
        .terms
        .iter()
        .any(|t| t.correction.is_some())
        .then(|| {
            found
                .query
                .terms
                .iter()
                .map(|t| t.correction.as_deref().unwrap_or(&t.term))
                .collect::<Vec<_>>()
                .join(" ")
        });
    let pages = found
        .total
        .div_ceil(found.per_page.max(1))
        .min(search::MAX_PAGE);
    let pager = Pager::new(found.page, pages, |n| {
        href(&SearchRequest {
            page: n,
            ..req.clone()
        })
    });
    Ok(SearchTemplate {
        q: req.q.clone(),
        sorts: sorts(&page, req.sort),
        errors: Vec::new(),
        ticked: !chips.is_empty(),
        facets,
        chips,
        hits,
        total: found.total as i64,
        corrected,
        ignored: found.query.ignored.clone(),
        pager,
        ran: true,
        page,
    })
}

/// The address of a search: what [`search::parse`] reads back into the same request.
pub fn href(req: &SearchRequest) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    if !req.q.is_empty() {
        q.append_pair("q", &req.q);
    }
    for (facet, values) in &req.filters {
        for v in values {
            q.append_pair(facet.as_str(), v);
        }
    }
    if let Some((_, name)) = SORTS
        .iter()
        .find(|(s, _)| *s == req.sort && *s != Sort::Relevance)
    {
        q.append_pair("sort", name);
    }
    if req.page > 1 {
        q.append_pair("page", &req.page.to_string());
    }
    let q = q.finish();
    if q.is_empty() {
        "/search".into()
    } else {
        format!("/search?{q}")
    }
}

/// What a facet value is called in `lang`: the vocabulary's label, the organisation's name,
/// or the value itself (years, hosts, codes without a label).
async fn label(ctx: &Ctx, page: &Page, facet: FacetName, value: &str) -> AppResult<String> {
    let lang = language(page.lang);
    fn vocab<T: std::str::FromStr>(value: &str, show: impl Fn(T) -> String) -> String {
        value
            .parse::<T>()
            .map(show)
            .unwrap_or_else(|_| value.to_string())
    }
    Ok(match facet {
        FacetName::Sector => vocab::<Sector>(value, |s| s.label(lang).into()),
        FacetName::Stage => vocab::<Stage>(value, |s| s.label(lang).into()),
        FacetName::InnovationType => vocab::<InnovationType>(value, |s| s.label(lang).into()),
        FacetName::Participation => vocab::<Participation>(value, |s| s.label(lang).into()),
        FacetName::Country => vocab::<Country>(value, |s| s.label(lang).into()),
        FacetName::Sdg => vocab::<Sdg>(value, |s| format!("{} {}", s.number(), s.label(lang))),
        FacetName::Region => vocab::<RegionCode>(value, |r| r.label(lang)),
        FacetName::LevelOfGovernment => match value.parse::<LevelOfGovernment>() {
            Ok(l) => page.t(&format!("level-{}", l.as_str())),
            Err(_) => value.to_string(),
        },
        FacetName::Organization => match value.split_once('@') {
            Some((user, domain)) => actors::by_handle(&ctx.db, user, domain)
                .await?
                .and_then(|a| a.name)
                .unwrap_or_else(|| value.to_string()),
            None => value.to_string(),
        },
        FacetName::Year | FacetName::Recognition | FacetName::Origin => value.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_reads_back_as_the_same_search() {
        let req = search::parse(
            "q=bilancio+aperto&sector=07&sector=04&stage=concluded&sort=index&page=3",
        )
        .unwrap();
        let back = href(&req);
        let again = search::parse(back.trim_start_matches("/search?")).unwrap();
        assert_eq!(again.q, "bilancio aperto");
        assert_eq!(again.filters, req.filters);
        assert_eq!((again.sort, again.page), (Sort::Index, 3));
        assert_eq!(href(&SearchRequest::default()), "/search");
    }
}
