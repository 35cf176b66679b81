//! Calls and candidacies between their rows and what travels: the call's collection
//! document, the hub's `Candidacy` object, the recognitions an `Article` carries, and the
//! resolution of a call by its URL (a signed GET).

use activitypub_federation::fetch::fetch_object_http;
use serde_json::{json, Value};
use url::Url;

use crate::{
    db::{
        calls::CallRow, candidacies::CandidacyRow, practices::PracticeRow, query::Ex, recognitions,
    },
    domain::candidacy::{criteria_of, CriterionResult},
    error::{AppError, AppResult},
    federation::{
        protocol::{
            activities::offer::Candidacy,
            context::context,
            objects::{CallDocument, Recognition},
        },
        urls,
    },
    state::Ctx,
};

/// The JSON-LD context of calls and candidacies: ours plus their extension terms.
pub fn candidacy_context() -> Value {
    let mut c = context();
    if let Some(Value::Object(terms)) = c.as_array_mut().and_then(|a| a.last_mut()) {
        for (k, v) in [
            ("Candidacy", json!("prassi:Candidacy")),
            ("CandidacyForm", json!("prassi:CandidacyForm")),
            ("why", json!("prassi:why")),
            ("transferable", json!("prassi:transferable")),
            (
                "contacts",
                json!({"@id": "prassi:contacts", "@type": "@json"}),
            ),
            ("status", json!("prassi:status")),
            ("message", json!("prassi:message")),
            ("offer", json!({"@id": "prassi:offer", "@type": "@id"})),
            ("call", json!({"@id": "prassi:call", "@type": "@id"})),
            ("callName", json!("prassi:callName")),
            ("reasons", json!("prassi:reasons")),
            ("scores", json!({"@id": "prassi:scores", "@type": "@json"})),
            (
                "decidedAt",
                json!({"@id": "prassi:decidedAt", "@type": "xsd:dateTime"}),
            ),
            ("criteria", json!("prassi:criteria")),
            (
                "excludeSameOrganization",
                json!("prassi:excludeSameOrganization"),
            ),
            ("closed", json!("prassi:closed")),
            ("step", json!("prassi:step")),
            ("xsd", json!("http://www.w3.org/2001/XMLSchema#")),
        ] {
            terms.insert(k.into(), v);
        }
    }
    c
}

/// The document of a call of ours: its terms, and the practices recognised in it.
pub async fn call_document(ctx: &Ctx, call: &CallRow) -> AppResult<CallDocument> {
    let recognised = recognitions::recognised_in_call(&ctx.db, &call.ap_id).await?;
    let total = recognitions::count_recognised_in_call(&ctx.db, &call.ap_id).await?;
    Ok(CallDocument {
        context: Some(candidacy_context()),
        id: Url::parse(&call.ap_id)?,
        kind: "OrderedCollection".into(),
        name: Some(call.title.clone()),
        summary: Some(call.description.clone()),
        attributed_to: Url::parse(&urls::instance_actor(&ctx.config))?,
        end_time: call.deadline,
        criteria: criteria_of(&call.criteria)
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        exclude_same_organization: call.exclude_same_organization,
        closed: call.closed,
        total_items: total,
        ordered_items: recognised
            .iter()
            .filter_map(|u| Url::parse(u).ok())
            .collect(),
    })
}

/// Reads a call by its URL, signed as our instance actor: unreachable or not a call is 502.
pub async fn resolve_call(ctx: &Ctx, url: &Url) -> AppResult<CallDocument> {
    let fetched = fetch_object_http::<_, Value>(url, ctx).await.map_err(|e| {
        AppError::Upstream(format!("cannot read the call {url}: {}", AppError::from(e)))
    })?;
    let doc: CallDocument = serde_json::from_value(fetched.object)
        .map_err(|e| AppError::Upstream(format!("{url} is not a call: {e}")))?;
    if crate::config::host_port(&doc.id) != crate::config::host_port(url)
        || crate::config::host_port(&doc.attributed_to) != crate::config::host_port(url)
    {
        return Err(AppError::Upstream(format!(
            "{url} names a call or an actor on another host"
        )));
    }
    Ok(doc)
}

/// The hub's `Candidacy` object of a row of ours, with its decision when there is one.
pub fn candidacy_object(row: &CandidacyRow, step: i64) -> AppResult<Candidacy> {
    let decision: Option<Value> = row
        .decision
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok());
    let reasons = decision
        .as_ref()
        .and_then(|d| d.get("reasons"))
        .and_then(Value::as_str)
        .map(String::from);
    let scores = decision
        .as_ref()
        .and_then(|d| d.get("scores").cloned())
        .and_then(|s| serde_json::from_value(s).ok())
        .unwrap_or_default();
    Ok(Candidacy {
        kind: "Candidacy".into(),
        id: Url::parse(row.ap_id.as_deref().unwrap_or(&row.offer_id))?,
        offer: Url::parse(&row.offer_id)?,
        call: Url::parse(&row.call_ap_id)?,
        call_name: row.call_title.clone(),
        status: row.status.as_str().into(),
        message: row.message.clone(),
        reasons,
        scores,
        decided_at: decision.is_some().then_some(row.updated_at),
        step,
    })
}

/// The recognitions of a practice as its Article carries them.
pub async fn recognitions<'c>(
    ex: impl Into<Ex<'c>>,
    row: &PracticeRow,
) -> AppResult<Vec<Recognition>> {
    let rows = recognitions::recognitions_of(ex, row.id).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Recognition {
                call: Url::parse(&r.call_ap_id).ok()?,
                call_name: r.call_title,
                recognised_at: r.recognised_at,
                reasons: r.reasons,
                scores:
                    serde_json::from_str::<std::collections::BTreeMap<String, CriterionResult>>(
                        &r.scores,
                    )
                    .unwrap_or_default(),
            })
        })
        .collect())
}
