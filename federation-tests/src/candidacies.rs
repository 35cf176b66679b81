//! Helpers for candidacy scenarios: a call opened on the hub, an administration's manager
//! with a published practice, the candidacy form and self-assessment, reviewers on the hub,
//! complete and bad reviews, and waiting for a candidacy to reach a state on either side.

use std::time::Duration;

use prassi::domain::actor::Role;
use reqwest::Method;
use serde_json::{json, Value};

use crate::{client::ApiError, eventually, example, participation::administration};
use crate::{ApiClient, TestInstance};

const T: Duration = Duration::from_secs(30);

/// The six criteria, as the API names them.
pub const CRITERIA: [&str; 6] = [
    "relevance",
    "innovation",
    "stakeholder_engagement",
    "impact",
    "sustainability",
    "transferability",
];

/// Opens a call on `hub` (its admin), open for a day, with all six criteria; its view.
pub async fn open_call(hub: &TestInstance, title: &str) -> Value {
    let deadline = prassi::db::now() + Duration::from_secs(24 * 3600);
    hub.admin
        .call(
            Method::POST,
            "/api/v1/calls",
            Some(json!({
                "title": title,
                "description": format!("{title}: good practices of participation"),
                "deadline": deadline.to_rfc3339(),
            })),
        )
        .await
        .expect("open a call")
}

/// An administration `org` (IPA code `ipa`) on `inst`, its manager, and one of its
/// practices published: (manager, the practice's view).
pub async fn published_practice(
    inst: &TestInstance,
    org: &str,
    ipa: &str,
    n: usize,
) -> (ApiClient, Value) {
    administration(inst, org, ipa).await;
    let (_, manager) = inst
        .user(&format!("m-{org}"), Role::Manager, Some(org))
        .await;
    let p = manager.publish(example(n)).await;
    (manager, p)
}

/// A complete candidacy form; `why` says which version it is.
pub fn form(why: &str) -> Value {
    json!({
        "why": why,
        "transferable": "The method and the open-source tools, documented step by step.",
        "contacts": [{"name": "Anna Rossi", "email": "anna.rossi@example.org", "phone": "+39 06 0000"}],
    })
}

/// A complete self-assessment whose notes carry `marker`.
pub fn self_assessment(marker: &str) -> Value {
    json!({
        "answers": {"objectives": 4, "participation": 5, "results": 3, "organisation": 4, "continuity": 2},
        "notes": format!("Private notes of the administration: {marker}"),
    })
}

/// The manager proposes practice `practice` (its id) to the call at `call`.
pub async fn propose(
    manager: &ApiClient,
    call: &str,
    practice: i64,
    why: &str,
    marker: &str,
) -> Result<Value, ApiError> {
    manager
        .call(
            Method::POST,
            "/api/v1/candidacies",
            Some(json!({
                "call": call,
                "practice": practice,
                "form": form(why),
                "self_assessment": self_assessment(marker),
            })),
        )
        .await
}

/// The candidacy made by the Offer `offer_id`, as `client`'s instance lists it, once it is
/// there and `ok` holds.
pub async fn candidacy_where(
    client: &ApiClient,
    offer_id: &str,
    what: &str,
    ok: impl Fn(&Value) -> bool,
) -> Value {
    eventually(T, what, || async {
        let l = client
            .call(Method::GET, "/api/v1/candidacies", None)
            .await
            .ok()?;
        l.as_array()?
            .iter()
            .find(|c| c["offer_id"] == offer_id && ok(c))
            .cloned()
    })
    .await
}

/// The same, once its status is `status`.
pub async fn candidacy_in(client: &ApiClient, offer_id: &str, status: &str) -> Value {
    candidacy_where(
        client,
        offer_id,
        &format!("the candidacy is {status}"),
        |c| c["status"] == status,
    )
    .await
}

/// A reviewer `name` on `hub`, in the administration `org` (created with IPA code `ipa`
/// unless it exists).
pub async fn reviewer(hub: &TestInstance, name: &str, org: &str, ipa: &str) -> ApiClient {
    let exists = prassi::db::actors::local_by_username(&hub.store(), org)
        .await
        .expect("db")
        .is_some();
    if !exists {
        administration(hub, org, ipa).await;
    }
    hub.user(name, Role::Reviewer, Some(org)).await.1
}

/// A POST or PUT on candidacy `id`'s `what` (`status`, `reviewers`, `decision`,
/// `reviews/me`, `resubmit`).
pub async fn act(client: &ApiClient, id: i64, what: &str, body: Value) -> Result<Value, ApiError> {
    let method = if what == "reviews/me" {
        Method::PUT
    } else {
        Method::POST
    };
    client
        .call(
            method,
            &format!("/api/v1/candidacies/{id}/{what}"),
            Some(body),
        )
        .await
}

/// A complete review: `score` on every criterion, each with a reason naming the reviewer.
pub fn scores(score: i64, who: &str) -> Value {
    let mut s = serde_json::Map::new();
    for c in CRITERIA {
        s.insert(
            c.into(),
            json!({"score": score, "reason": format!("{who} on {c}: see the indicators")}),
        );
    }
    json!({ "scores": s })
}

/// Takes practice `practice` (its id where `manager` works) through the whole candidacy to
/// the call at `call` on `hub`: proposed, screened, put under review, scored by two
/// reviewers of the hub and recognised. The hub's candidacy once decided.
pub async fn recognised(
    hub: &TestInstance,
    manager: &ApiClient,
    call: &str,
    practice: i64,
) -> Value {
    let mine = propose(manager, call, practice, "Why it works", "private notes")
        .await
        .expect("propose");
    let offer = mine["offer_id"].as_str().expect("offer id").to_string();
    let cid = candidacy_in(&hub.admin, &offer, "screening").await["id"]
        .as_i64()
        .expect("candidacy id");
    act(&hub.admin, cid, "status", json!({"status": "under_review"}))
        .await
        .expect("under review");
    for k in 1..=2 {
        let name = format!("rev{cid}-{k}");
        let r = reviewer(hub, &name, "commissione", "comm0001").await;
        act(&hub.admin, cid, "reviewers", json!({"reviewer": name}))
            .await
            .expect("assign");
        act(&r, cid, "reviews/me", scores(4, &name))
            .await
            .expect("review");
    }
    let decided = act(
        &hub.admin,
        cid,
        "decision",
        json!({"outcome": "recognised", "reasons": "A model to follow."}),
    )
    .await
    .expect("decide");
    assert_eq!(decided["status"], "recognised", "{decided}");
    decided
}

/// Whether any text the hub stored in `table.column` contains `needle`.
pub async fn stored_anywhere(inst: &TestInstance, table: &str, column: &str, needle: &str) -> bool {
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} LIKE $1");
    let (n,): (i64,) = crate::sql!(
        fetch_one,
        inst.store().writer(),
        (i64,),
        &sql,
        format!("%{needle}%")
    )
    .expect("count");
    n > 0
}

/// Signs `activity` as the local actor `username` of `from` and posts it to `to`'s shared
/// inbox; returns the activity's id once `to` has applied it or failed to, with the error.
pub async fn deliver_signed(
    from: &TestInstance,
    username: &str,
    to: &TestInstance,
    activity: &Value,
) -> Option<String> {
    let status = crate::post_signed(
        from,
        username,
        &format!("{}inbox", to.base),
        activity.to_string().as_bytes(),
        |_, _| {},
        std::time::SystemTime::now(),
    )
    .await;
    assert_eq!(status, 202, "the inbox takes {activity}");
    let id = activity["id"].as_str().expect("id").to_string();
    eventually(T, "the activity is applied or refused", || async {
        let row: Option<(String, Option<String>)> = crate::sql!(
            fetch_optional,
            to.store().writer(),
            (String, Option<String>),
            "SELECT state, last_error FROM inbox_activities WHERE ap_id = $1",
            id.clone()
        )
        .expect("inbox row");
        row.filter(|r| r.0 != "pending").map(|r| r.1)
    })
    .await
}

/// The steps of a candidacy's history, in order.
pub fn history_steps(view: &Value) -> Vec<String> {
    view["history"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| h["step"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The `id` of an API answer.
pub fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}
