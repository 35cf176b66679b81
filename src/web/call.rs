//! `/calls/{key}`: a call for candidacies held here, as ActivityPub JSON (an
//! `OrderedCollection`, the `target` of Offers) or as a page, at the same URL; and
//! `/candidacies/{key}`, a candidacy to one of them as JSON: where it stands and, once
//! decided, the reasons and scores (public, as the commission's decisions are). The form,
//! its contacts and the commission's messages to the proposer are not in it.

use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::Response,
};

use super::{esc, layout};
use crate::{
    db::{calls, candidacies},
    error::AppResult,
    federation::objects::candidacy::{call_document, candidacy_context, candidacy_object},
    http_util::{activity_json, html, negotiate, Wants},
    state::Fed,
};

pub async fn show(
    State(fed): State<Fed>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let ap_id = format!("{}/calls/{key}", ctx.config.base());
    let Some(call) = calls::by_ap_id(&ctx.db, &ap_id).await? else {
        return Ok(super::not_found(&ctx, &headers, "no such call"));
    };
    match negotiate(&headers) {
        Wants::ActivityJson => Ok(activity_json(&call_document(&ctx, &call).await?)),
        Wants::Html => {
            let state = if call.open_at(crate::db::now()) {
                "Open"
            } else {
                "Closed"
            };
            let main = format!(
                "<h1>{}</h1>\n<p>{}</p>\n<dl><dt>Deadline</dt><dd>{}</dd><dt>State</dt><dd>{state}</dd>\
                 <dt>Criteria</dt><dd>{}</dd></dl>",
                esc(&call.title),
                esc(&call.description),
                esc(&call.deadline.to_rfc3339()),
                esc(&call.criteria.replace(',', ", "))
            );
            Ok(html(layout(&ctx, &call.title, &main)))
        }
    }
}

pub async fn candidacy(
    State(fed): State<Fed>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let ap_id = format!("{}/candidacies/{key}", ctx.config.base());
    let Some(row) = candidacies::by_ap_id(&ctx.db, &ap_id).await? else {
        return Ok(super::not_found(&ctx, &headers, "no such candidacy"));
    };
    let mut doc = candidacy_object(&row, 0)?;
    doc.message = None;
    let mut body = serde_json::to_value(&doc)?;
    if let Some(o) = body.as_object_mut() {
        o.remove("step");
        o.insert("@context".into(), candidacy_context());
    }
    Ok(activity_json(&body))
}
