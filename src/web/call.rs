//! `/calls/{key}`: a call for candidacies held here, as ActivityPub JSON (an
//! `OrderedCollection`, the `target` of Offers) or as a page, at the same URL; and
//! `/candidacies/{key}`, a candidacy to one of them: where it stands and, once decided, the
//! reasons and scores (public, as the commission's decisions are), as JSON or a page. The
//! form, its contacts and the commission's messages to the proposer are in neither. Also the
//! pages of the hub's calls (`/calls`) and of the practices its commission recognised
//! (`/recognised`).

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::HeaderMap,
    response::Response,
};
use serde_json::Value;

use super::{
    components::{language, Card, Pager},
    directory::{self, date, decimal, ListQuery, PER_PAGE},
    page::{self, Page},
};
use crate::{
    db::{
        calls::{self, CallRow},
        candidacies::{self, CandidacyRow},
        practices, recognitions,
    },
    domain::candidacy::{criteria_of, Criterion, Status},
    error::AppResult,
    federation::objects::candidacy::{call_document, candidacy_context, candidacy_object},
    http_util::{activity_json, asks_for_html, negotiate, Wants},
    service::practices::published_view,
    state::{Ctx, Fed},
};

/// A call in a list or on its page.
struct CallItem {
    title: String,
    href: String,
    description: String,
    deadline: String,
    open: bool,
}

fn item(page: &Page, c: &CallRow) -> CallItem {
    CallItem {
        title: c.title.clone(),
        href: c.ap_id.clone(),
        description: c.description.clone(),
        deadline: date(page.lang, c.deadline),
        open: c.open_at(crate::db::now()),
    }
}

#[derive(Template)]
#[template(path = "calls.html")]
struct CallsPage {
    page: Page,
    open: Vec<CallItem>,
    closed: Vec<CallItem>,
    recognised: i64,
}

/// `/calls`: this instance's calls, the open ones first.
pub async fn list(State(fed): State<Fed>, page: Page) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let (open, closed): (Vec<CallItem>, Vec<CallItem>) = calls::list(&ctx.db)
        .await?
        .iter()
        .map(|c| item(&page, c))
        .partition(|c| c.open);
    let recognised = recognitions::count_recognised_here(&ctx.db).await?;
    let title = page.t("calls-title");
    let intro = page.t("calls-intro");
    Ok(page::ok(&CallsPage {
        page: page.titled(title).described(intro),
        open,
        closed,
        recognised,
    }))
}

/// A candidacy as the public pages show it.
struct CandidacyItem {
    href: Option<String>,
    practice: String,
    practice_href: String,
    organization: String,
    status: String,
    recognised: bool,
    since: String,
}

async fn candidacy_item(ctx: &Ctx, page: &Page, c: &CandidacyRow) -> AppResult<CandidacyItem> {
    let practice = published_view(ctx, c.practice_id).await?;
    let (title, org) = match &practice {
        Some(v) => {
            let card = directory::card(v, page.lang);
            (card.title, card.org)
        }
        None => (page.t("candidacy-practice-gone"), String::new()),
    };
    Ok(CandidacyItem {
        href: c.ap_id.clone(),
        practice: title,
        practice_href: practice.map(|v| v.ap_id).unwrap_or_default(),
        organization: org,
        status: c.status.label(language(page.lang)).to_string(),
        recognised: c.status == Status::Recognised,
        since: date(page.lang, c.updated_at),
    })
}

/// The cards of the published practices among `ap_ids`, in that order.
async fn cards_of(ctx: &Ctx, page: &Page, ap_ids: &[String]) -> AppResult<Vec<Card>> {
    let mut out = Vec::new();
    for id in ap_ids {
        if let Some(row) = practices::by_ap_id(&ctx.db, id).await? {
            if let Some(v) = published_view(ctx, row.id).await? {
                let mut card = directory::card(&v, page.lang);
                card.badge = Some(page.t("call-recognised-badge"));
                out.push(card);
            }
        }
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "call.html")]
struct CallPage {
    page: Page,
    call: CallItem,
    criteria: Vec<String>,
    exclude_same_organization: bool,
    candidacies: Vec<CandidacyItem>,
    recognised: Vec<Card>,
}

pub async fn show(
    State(fed): State<Fed>,
    Path(key): Path<String>,
    headers: HeaderMap,
    page: Page,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let ap_id = format!("{}/calls/{key}", ctx.config.base());
    let Some(call) = calls::by_ap_id(&ctx.db, &ap_id).await? else {
        return Ok(super::not_found(&ctx, &headers, "no such call"));
    };
    match negotiate(&headers) {
        Wants::ActivityJson => Ok(activity_json(&call_document(&ctx, &call).await?)),
        Wants::Html => {
            let lang = language(page.lang);
            let criteria = criteria_of(&call.criteria)
                .iter()
                .map(|c: &Criterion| c.label(lang).to_string())
                .collect();
            let mut candidacies = Vec::new();
            for c in candidacies::of_call(&ctx.db, call.id).await? {
                candidacies.push(candidacy_item(&ctx, &page, &c).await?);
            }
            let recognised = recognitions::recognised_in_call(&ctx.db, &call.ap_id).await?;
            let recognised = cards_of(&ctx, &page, &recognised).await?;
            let title = call.title.clone();
            let description = call.description.clone();
            let page = page
                .titled(title)
                .described(description)
                .with_alternate(call.ap_id.clone());
            Ok(page::ok(&CallPage {
                call: item(&page, &call),
                criteria,
                exclude_same_organization: call.exclude_same_organization,
                candidacies,
                recognised,
                page,
            }))
        }
    }
}

/// A criterion's mean score in a decision.
struct Score {
    criterion: String,
    mean: String,
}

#[derive(Template)]
#[template(path = "candidacy.html")]
struct CandidacyPage {
    page: Page,
    c: CandidacyItem,
    call_title: String,
    call_href: String,
    reasons: Option<String>,
    scores: Vec<Score>,
    decided: Option<String>,
}

pub async fn candidacy(
    State(fed): State<Fed>,
    Path(key): Path<String>,
    headers: HeaderMap,
    page: Page,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let ap_id = format!("{}/candidacies/{key}", ctx.config.base());
    let Some(row) = candidacies::by_ap_id(&ctx.db, &ap_id).await? else {
        return Ok(super::not_found(&ctx, &headers, "no such candidacy"));
    };
    let mut doc = candidacy_object(&row, 0)?;
    doc.message = None;
    // Scripts without an Accept header keep getting the JSON they always got.
    if asks_for_html(&headers) {
        let decision: Option<Value> = row
            .decision
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok());
        let lang = language(page.lang);
        let scores = decision
            .as_ref()
            .and_then(|d| d["scores"].as_object().cloned())
            .into_iter()
            .flatten()
            .map(|(k, v)| Score {
                criterion: k
                    .parse::<Criterion>()
                    .map(|c| c.label(lang).to_string())
                    .unwrap_or(k),
                mean: decimal(page.lang, v["mean"].as_f64().unwrap_or(0.0), 1),
            })
            .collect();
        let c = candidacy_item(&ctx, &page, &row).await?;
        let title = page.t1("candidacy-title", "practice", &c.practice);
        let page = page.titled(title).with_alternate(ap_id);
        return Ok(page::ok(&CandidacyPage {
            call_title: row.call_title.clone(),
            call_href: row.call_ap_id.clone(),
            reasons: doc.reasons.clone(),
            decided: doc.decided_at.map(|d| date(page.lang, d)),
            scores,
            c,
            page,
        }));
    }
    let mut body = serde_json::to_value(&doc)?;
    if let Some(o) = body.as_object_mut() {
        o.remove("step");
        o.insert("@context".into(), candidacy_context());
    }
    Ok(activity_json(&body))
}

#[derive(Template)]
#[template(path = "recognised.html")]
struct RecognisedPage {
    page: Page,
    practices: Vec<Card>,
    total: i64,
    pager: Pager,
}

/// `/recognised`: the practices this instance's commission recognised, newest first.
pub async fn recognised(
    State(fed): State<Fed>,
    Query(q): Query<ListQuery>,
    page: Page,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let total = recognitions::count_recognised_here(&ctx.db).await?;
    let pages = (total as usize).div_ceil(PER_PAGE as usize).max(1);
    let number = q.number().clamp(1, pages);
    let ids =
        recognitions::recognised_here(&ctx.db, PER_PAGE, (number as i64 - 1) * PER_PAGE).await?;
    let practices = cards_of(&ctx, &page, &ids).await?;
    let pager = Pager::new(number, pages, |n| format!("/recognised?page={n}"));
    let title = page.t("recognised-title");
    let intro = page.t("recognised-intro");
    Ok(page::ok(&RecognisedPage {
        page: page.titled(title).described(intro),
        practices,
        total,
        pager,
    }))
}
