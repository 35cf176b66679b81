//! Candidacies. On the proposing instance: a manager offers one of the organisation's
//! published practices to a hub's call (with the form, and the self-assessment that stays
//! here) and resubmits it when changes are requested. On the hub: its admins screen, assign
//! reviewers and decide; the assigned reviewers score. Every step is in the history, and the
//! steps reach the other side as activities.

use std::collections::BTreeMap;

use activitypub_federation::fetch::object_id::ObjectId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::{
    db::{
        actors::{self, ActorRow},
        calls,
        candidacies::{self, CandidacyRow, HistoryRow, NewCandidacy, NewRecognition},
        dialect, practices, users,
        users::UserRow,
        Tx,
    },
    domain::{
        actor::Role,
        candidacy::{
            check_scores, criteria_of, results, Form, Scores, SelfAssessment, Status, QUESTIONS,
        },
        practice::PracticeState,
    },
    error::{AppError, AppResult},
    federation::{
        activities::{add, candidacy as step, decision, offer},
        objects::candidacy::resolve_call,
        outbox, urls,
    },
    state::Ctx,
};

/// One step of a candidacy, with who took it and when.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HistoryView {
    pub candidacy_id: i64,
    /// `offered`, `status`, `reviewer_assigned`, `review_submitted`, `resubmitted`,
    /// `decision`, `closed`.
    pub step: String,
    pub status: Option<String>,
    pub message: Option<String>,
    /// A username of this instance, or the id of the remote actor whose activity it was.
    pub who: String,
    pub at: DateTime<Utc>,
}

impl From<HistoryRow> for HistoryView {
    fn from(h: HistoryRow) -> Self {
        Self {
            candidacy_id: h.candidacy_id,
            step: h.step,
            status: h.status,
            message: h.message,
            who: h.who,
            at: h.at,
        }
    }
}

/// A reviewer's review, as the hub's commission sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewView {
    pub reviewer: String,
    #[schema(value_type = Object)]
    pub scores: Value,
}

/// A candidacy as the API shows it, on the hub or on the proposing instance.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CandidacyView {
    pub id: i64,
    /// The hub's id of the candidacy (the origin learns it from the hub's first step).
    pub ap_id: Option<String>,
    /// The Offer that made it.
    pub offer_id: String,
    /// This instance holds the call (the hub's side).
    pub hub: bool,
    pub call: String,
    pub call_title: String,
    pub practice_id: i64,
    pub practice: String,
    pub organization: String,
    pub status: Status,
    pub message: Option<String>,
    /// Where the hub's admins may move it next.
    pub next: Vec<Status>,
    #[schema(value_type = Object)]
    pub form: Value,
    /// The decision's reasons and scores.
    #[schema(value_type = Option<Object>)]
    pub decision: Option<Value>,
    /// Hub only: the reviewers assigned, and their reviews.
    pub reviewers: Vec<String>,
    pub reviews: Vec<ReviewView>,
    /// Proposing instance only, to the organisation's managers: never sent anywhere.
    pub self_assessment: Option<SelfAssessment>,
    pub history: Vec<HistoryView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A candidacy of a practice, as the practice's view lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CandidacySummary {
    pub id: i64,
    pub call: String,
    pub call_title: String,
    pub status: Status,
}

/// A recognition of a practice, as the practice's view shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecognitionView {
    pub call: String,
    pub call_title: String,
    pub recognised_at: DateTime<Utc>,
    pub reasons: String,
    /// Per criterion: the mean and each reviewer's score and reason.
    #[schema(value_type = Object)]
    pub scores: Value,
    /// Recognised by this instance's commission.
    pub here: bool,
}

/// A manager's proposal of a practice to a call.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Propose {
    /// The call's URL, as the hub publishes it.
    pub call: String,
    /// The practice's id here.
    pub practice: i64,
    pub form: Form,
    /// Kept here only, shown only to the organisation's managers.
    #[serde(default)]
    pub self_assessment: Option<SelfAssessment>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Resubmit {
    pub form: Form,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: String,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignReviewer {
    /// A local user with the role reviewer.
    pub reviewer: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// Per criterion in use: `{"score": 1–5, "reason": "…"}`.
    #[schema(value_type = Object)]
    pub scores: Value,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `recognised` or `rejected`.
    pub outcome: String,
    pub reasons: String,
}

/// The self-assessment questions, for a form to show.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Question {
    pub key: &'static str,
    pub text: &'static str,
}

pub fn questions() -> Vec<Question> {
    QUESTIONS
        .iter()
        .map(|(key, text)| Question { key, text })
        .collect()
}

fn is_manager_of(user: &UserRow, org_id: i64) -> bool {
    user.role == Role::Manager && user.organization_id == Some(org_id)
}

/// Who may see a candidacy here: on the hub its admins and assigned reviewers; on the
/// proposing instance its admins and the organisation's managers.
async fn may_see(ctx: &Ctx, user: &UserRow, row: &CandidacyRow) -> AppResult<()> {
    let ok = user.role == Role::Admin
        || if row.call_id.is_some() {
            user.role == Role::Reviewer
                && candidacies::reviewers(&ctx.db, row.id)
                    .await?
                    .iter()
                    .any(|(id, _)| *id == user.id)
        } else {
            is_manager_of(user, row.organization_id)
        };
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the commission (on the hub) and the organisation's managers see a candidacy"
                .into(),
        ))
    }
}

async fn found(ctx: &Ctx, id: i64) -> AppResult<CandidacyRow> {
    candidacies::by_id(&ctx.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no candidacy {id}")))
}

async fn locked(tx: &mut Tx, id: i64) -> AppResult<CandidacyRow> {
    dialect::candidacy_for_update(tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no candidacy {id}")))
}

async fn view(ctx: &Ctx, user: &UserRow, row: CandidacyRow) -> AppResult<CandidacyView> {
    let practice = practices::by_id(&ctx.db, row.practice_id).await?;
    let org = actors::by_id(&ctx.db, row.organization_id).await?;
    let hub = row.call_id.is_some();
    let (reviewers, reviews) = if hub {
        let r = candidacies::reviewers(&ctx.db, row.id).await?;
        let v = candidacies::reviews(&ctx.db, row.id).await?;
        (
            r.into_iter().map(|(_, n)| n).collect(),
            v.into_iter()
                .map(|(reviewer, s)| ReviewView {
                    reviewer,
                    scores: serde_json::from_str(&s).unwrap_or(Value::Null),
                })
                .collect(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let self_assessment = if !hub && is_manager_of(user, row.organization_id) {
        candidacies::self_assessment(&ctx.db, row.id)
            .await?
            .and_then(|s| serde_json::from_str(&s).ok())
    } else {
        None
    };
    let history = candidacies::history(&ctx.db, row.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(CandidacyView {
        id: row.id,
        ap_id: row.ap_id,
        offer_id: row.offer_id,
        hub,
        call: row.call_ap_id,
        call_title: row.call_title,
        practice_id: row.practice_id,
        practice: practice.map(|p| p.ap_id).unwrap_or_default(),
        organization: org
            .map(|o| format!("{}@{}", o.username, o.domain))
            .unwrap_or_default(),
        status: row.status,
        message: row.message,
        next: row.status.next().to_vec(),
        form: serde_json::from_str(&row.form).unwrap_or(Value::Null),
        decision: row
            .decision
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok()),
        reviewers,
        reviews,
        self_assessment,
        history,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub async fn get(ctx: &Ctx, user: &UserRow, id: i64) -> AppResult<CandidacyView> {
    let row = found(ctx, id).await?;
    may_see(ctx, user, &row).await?;
    view(ctx, user, row).await
}

/// The candidacies the user may see: all for admins, the organisation's for managers, the
/// assigned ones for reviewers.
pub async fn list(ctx: &Ctx, user: &UserRow) -> AppResult<Vec<CandidacyView>> {
    let rows = match user.role {
        Role::Admin | Role::Reviewer => candidacies::list(&ctx.db, None).await?,
        Role::Manager => match user.organization_id {
            Some(o) => candidacies::list(&ctx.db, Some(o)).await?,
            None => Vec::new(),
        },
        Role::Citizen => Vec::new(),
    };
    let mut out = Vec::new();
    for r in rows {
        if may_see(ctx, user, &r).await.is_ok() {
            out.push(view(ctx, user, r).await?);
        }
    }
    Ok(out)
}

fn merge(into: &mut BTreeMap<String, String>, r: Result<(), BTreeMap<String, String>>) {
    if let Err(bad) = r {
        into.extend(bad);
    }
}

/// The call named by `url`, and its holder's inbox: 502 when it cannot be read.
async fn hub_of(
    ctx: &Ctx,
    url: &str,
) -> AppResult<(crate::federation::protocol::objects::CallDocument, ActorRow)> {
    let url = Url::parse(url.trim())
        .map_err(|e| AppError::invalid_field("call", format!("not a URL: {e}")))?;
    if crate::config::host_port(&url) == ctx.config.domain() {
        return Err(AppError::invalid_field(
            "call",
            "a call of this instance: propose to another instance's call",
        ));
    }
    let doc = resolve_call(ctx, &url).await?;
    let hub = ObjectId::<ActorRow>::from(doc.attributed_to.clone())
        .dereference(ctx)
        .await
        .map_err(|e| AppError::Upstream(format!("cannot read the call's holder: {e}")))?;
    Ok((doc, hub))
}

/// A manager offers one of the organisation's published practices to a call.
pub async fn propose(ctx: &Ctx, user: &UserRow, p: Propose) -> AppResult<CandidacyView> {
    let practice = practices::by_id(&ctx.db, p.practice)
        .await?
        .filter(|r| r.local && r.state != PracticeState::Deleted)
        .ok_or_else(|| AppError::NotFound(format!("no practice {} here", p.practice)))?;
    if !is_manager_of(user, practice.organization_id) {
        return Err(AppError::Forbidden(
            "only a manager of the practice's organisation proposes it".into(),
        ));
    }
    let mut bad = BTreeMap::new();
    if practice.state != PracticeState::Published {
        bad.insert(
            "practice".into(),
            "only a published practice is proposed".into(),
        );
    }
    merge(&mut bad, p.form.check());
    if let Some(s) = &p.self_assessment {
        merge(&mut bad, s.check());
    }
    if !bad.is_empty() {
        return Err(AppError::Invalid(bad));
    }
    let (doc, hub) = hub_of(ctx, &p.call).await?;
    if !doc.open_at(crate::db::now()) {
        return Err(AppError::Conflict(format!(
            "the call \"{}\" is closed (deadline {}): it takes no more candidacies",
            doc.name.as_deref().unwrap_or_default(),
            doc.end_time.to_rfc3339()
        )));
    }
    let already = candidacies::of_practice(&ctx.db, practice.id).await?;
    if let Some(c) = already
        .iter()
        .find(|c| c.call_ap_id == doc.id.as_str() && !c.status.is_final())
    {
        return Err(AppError::Conflict(format!(
            "this practice is already a candidate to this call (candidacy {})",
            c.id
        )));
    }
    let org = actors::by_id(&ctx.db, practice.organization_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("practice without organisation")))?;
    let hub_inbox = Url::parse(hub.shared_inbox.as_deref().unwrap_or(&hub.inbox))?;
    let offer_id = Url::parse(&urls::new_activity(&ctx.config))?;
    let mut tx = ctx.db.begin().await?;
    let row = candidacies::insert(
        &mut tx,
        NewCandidacy {
            offer_id: offer_id.to_string(),
            ap_id: None,
            call_id: None,
            call_ap_id: doc.id.to_string(),
            call_title: doc.name.clone().unwrap_or_default(),
            hub_inbox: Some(hub_inbox.to_string()),
            practice_id: practice.id,
            organization_id: org.id,
            form: serde_json::to_string(&p.form)?,
            status: Status::Offered,
        },
    )
    .await?
    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a fresh Offer id was taken")))?;
    if let Some(s) = &p.self_assessment {
        candidacies::insert_self_assessment(&mut tx, row.id, &serde_json::to_string(s)?).await?;
    }
    candidacies::add_history(
        &mut tx,
        row.id,
        "offered",
        Some(Status::Offered),
        None,
        &user.username,
        crate::db::now(),
    )
    .await?;
    let practice_url = Url::parse(&practice.ap_id)?;
    offer::send(
        ctx,
        &mut tx,
        &org,
        &offer::Proposal {
            offer_id: &offer_id,
            practice: &practice_url,
            call: &doc.id,
            hub_actor: &hub.ap_id.0,
            hub_inbox: &hub_inbox,
            form: &p.form,
        },
    )
    .await?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    view(ctx, user, row).await
}

/// The manager resubmits the form after the hub asked for changes.
pub async fn resubmit(ctx: &Ctx, user: &UserRow, id: i64, r: Resubmit) -> AppResult<CandidacyView> {
    let row = found(ctx, id).await?;
    if row.call_id.is_some() || !is_manager_of(user, row.organization_id) {
        return Err(AppError::Forbidden(
            "only a manager of the proposing organisation resubmits, on its own instance".into(),
        ));
    }
    if let Err(bad) = r.form.check() {
        return Err(AppError::Invalid(bad));
    }
    let practice = practices::by_id(&ctx.db, row.practice_id)
        .await?
        .ok_or_else(|| AppError::NotFound("the practice is gone".into()))?;
    let org = actors::by_id(&ctx.db, row.organization_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("candidacy without organisation")))?;
    // Read again for its holder, before the transaction (no lock across network I/O).
    let (doc, _) = hub_of(ctx, &row.call_ap_id).await?;
    let hub_actor = doc.attributed_to;
    let mut tx = ctx.db.begin().await?;
    let row = locked(&mut tx, id).await?;
    if row.status != Status::ChangesRequested {
        return Err(AppError::Conflict(format!(
            "candidacy {id} is {}: a resubmission answers a request for changes",
            row.status
        )));
    }
    let inbox = row
        .hub_inbox
        .as_deref()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no hub inbox")))?;
    let (hub_inbox, call, offer_id, practice_url) = (
        Url::parse(inbox)?,
        Url::parse(&row.call_ap_id)?,
        Url::parse(&row.offer_id)?,
        Url::parse(&practice.ap_id)?,
    );
    candidacies::set_form(&mut tx, row.id, &serde_json::to_string(&r.form)?).await?;
    candidacies::set_status(&mut tx, row.id, Status::Resubmitted, None).await?;
    candidacies::add_history(
        &mut tx,
        row.id,
        "resubmitted",
        Some(Status::Resubmitted),
        None,
        &user.username,
        crate::db::now(),
    )
    .await?;
    offer::send_update(
        ctx,
        &mut tx,
        &org,
        &offer::Proposal {
            offer_id: &offer_id,
            practice: &practice_url,
            call: &call,
            hub_actor: &hub_actor,
            hub_inbox: &hub_inbox,
            form: &r.form,
        },
    )
    .await?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    get(ctx, user, id).await
}

fn admin(user: &UserRow) -> AppResult<()> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only this instance's admins (its commission) do this".into(),
        ))
    }
}

/// A candidacy to one of our calls, locked in `tx`.
async fn ours(tx: &mut Tx, id: i64) -> AppResult<CandidacyRow> {
    let row = locked(tx, id).await?;
    if row.call_id.is_none() {
        return Err(AppError::Conflict(format!(
            "candidacy {id} is to another instance's call: its commission decides there"
        )));
    }
    Ok(row)
}

async fn org_of(tx: &mut Tx, row: &CandidacyRow) -> AppResult<ActorRow> {
    actors::by_id(&mut *tx, row.organization_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("candidacy without organisation")))
}

/// A hub admin moves a candidacy along the graph (not to a decision: that is [`decide`]).
pub async fn set_status(
    ctx: &Ctx,
    user: &UserRow,
    id: i64,
    s: StatusChange,
) -> AppResult<CandidacyView> {
    admin(user)?;
    let to: Status = s
        .status
        .parse()
        .map_err(|e: String| AppError::invalid_field("status", e))?;
    let message = s
        .message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    let mut tx = ctx.db.begin().await?;
    let row = ours(&mut tx, id).await?;
    if matches!(to, Status::Recognised | Status::Rejected) {
        return Err(AppError::Conflict(format!(
            "a decision is recorded with POST /api/v1/candidacies/{id}/decision, after the reviews"
        )));
    }
    if to == Status::Resubmitted || !row.status.allows(to) {
        return Err(AppError::Conflict(format!(
            "candidacy {id} cannot go from {} to {to}; allowed: {}",
            row.status,
            row.status.listed()
        )));
    }
    candidacies::set_status(&mut tx, id, to, message).await?;
    candidacies::add_history(
        &mut tx,
        id,
        "status",
        Some(to),
        message,
        &user.username,
        crate::db::now(),
    )
    .await?;
    let org = org_of(&mut tx, &row).await?;
    let fresh = CandidacyRow {
        status: to,
        message: message.map(String::from),
        ..row
    };
    step::send(ctx, &mut tx, &fresh, &org).await?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    get(ctx, user, id).await
}

/// Whether two organisations are the same administration: their IPA codes match.
fn same_administration(a: &ActorRow, b: &ActorRow) -> bool {
    a.id == b.id
        || match (a.ipa_code.as_deref(), b.ipa_code.as_deref()) {
            (Some(x), Some(y)) => !x.trim().is_empty() && x.trim().eq_ignore_ascii_case(y.trim()),
            _ => false,
        }
}

/// A hub admin assigns a local reviewer, unless the reviewer's organisation is the
/// proposer's (same IPA code) where the call excludes it.
pub async fn assign_reviewer(
    ctx: &Ctx,
    user: &UserRow,
    id: i64,
    a: AssignReviewer,
) -> AppResult<CandidacyView> {
    admin(user)?;
    let reviewer = users::by_username(&ctx.db, a.reviewer.trim())
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or_else(|| AppError::invalid_field("reviewer", "no such user here"))?;
    if reviewer.role != Role::Reviewer {
        return Err(AppError::invalid_field(
            "reviewer",
            format!(
                "{} is a {}, not a reviewer",
                reviewer.username, reviewer.role
            ),
        ));
    }
    let mut tx = ctx.db.begin().await?;
    let row = ours(&mut tx, id).await?;
    if row.status.is_final() {
        return Err(AppError::Conflict(format!(
            "candidacy {id} is {}",
            row.status
        )));
    }
    let call = calls::by_id(&mut tx, row.call_id.unwrap_or_default())
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("candidacy without call")))?;
    let proposer = org_of(&mut tx, &row).await?;
    let theirs = match reviewer.organization_id {
        Some(o) => actors::by_id(&mut tx, o).await?,
        None => None,
    };
    if call.exclude_same_organization
        && theirs
            .as_ref()
            .is_some_and(|o| same_administration(o, &proposer))
    {
        return Err(AppError::conflict_of(
            "conflict_of_interest",
            format!(
                "{} works for the proposing administration (IPA code {}): they cannot review its candidacy",
                reviewer.username,
                proposer.ipa_code.as_deref().unwrap_or_default()
            ),
        ));
    }
    if candidacies::assign(&mut tx, id, reviewer.id).await? {
        candidacies::add_history(
            &mut tx,
            id,
            "reviewer_assigned",
            None,
            Some(&reviewer.username),
            &user.username,
            crate::db::now(),
        )
        .await?;
    }
    tx.commit().await?;
    get(ctx, user, id).await
}

/// An assigned reviewer scores the candidacy on each criterion of the call, 1–5 with a
/// reason; every bad field is named and nothing is stored otherwise.
pub async fn review(ctx: &Ctx, user: &UserRow, id: i64, r: Review) -> AppResult<CandidacyView> {
    let row = found(ctx, id).await?;
    let assigned = candidacies::reviewers(&ctx.db, id)
        .await?
        .iter()
        .any(|(u, _)| *u == user.id);
    if row.call_id.is_none() || user.role != Role::Reviewer || !assigned {
        return Err(AppError::Forbidden(
            "only a reviewer assigned to this candidacy scores it".into(),
        ));
    }
    let call = calls::by_id(&ctx.db, row.call_id.unwrap_or_default())
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("candidacy without call")))?;
    let scores = parse_scores(&r.scores)?;
    check_scores(&scores, &criteria_of(&call.criteria)).map_err(AppError::Invalid)?;
    let mut tx = ctx.db.begin().await?;
    let row = ours(&mut tx, id).await?;
    if row.status != Status::UnderReview {
        return Err(AppError::Conflict(format!(
            "candidacy {id} is {}: reviews are given while it is under_review",
            row.status
        )));
    }
    candidacies::upsert_review(&mut tx, id, user.id, &serde_json::to_string(&scores)?).await?;
    candidacies::add_history(
        &mut tx,
        id,
        "review_submitted",
        None,
        None,
        &user.username,
        crate::db::now(),
    )
    .await?;
    tx.commit().await?;
    get(ctx, user, id).await
}

/// The scores of a review body, each criterion's entry read on its own so that every bad
/// one is named.
fn parse_scores(v: &Value) -> AppResult<Scores> {
    let Some(obj) = v.as_object() else {
        return Err(AppError::invalid_field(
            "scores",
            "an object: per criterion {\"score\": 1–5, \"reason\": \"…\"}",
        ));
    };
    let mut out = Scores::new();
    let mut bad = BTreeMap::new();
    for (k, e) in obj {
        let score = e.get("score").and_then(Value::as_i64);
        let reason = e.get("reason").and_then(Value::as_str);
        if score.is_none() {
            bad.insert(
                format!("scores.{k}.score"),
                "a whole number from 1 to 5".into(),
            );
        }
        if reason.is_none() {
            bad.insert(format!("scores.{k}.reason"), "a written reason".into());
        }
        if let (Some(score), Some(reason)) = (score, reason) {
            out.insert(
                k.clone(),
                crate::domain::candidacy::Score {
                    score,
                    reason: reason.to_string(),
                },
            );
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Invalid(bad))
    }
}

/// A hub admin records the commission's decision: at least two assigned reviewers must
/// have scored every criterion of the call.
pub async fn decide(ctx: &Ctx, user: &UserRow, id: i64, d: Decision) -> AppResult<CandidacyView> {
    admin(user)?;
    let outcome = match d.outcome.as_str() {
        "recognised" => Status::Recognised,
        "rejected" => Status::Rejected,
        other => {
            return Err(AppError::invalid_field(
                "outcome",
                format!("`{other}` is not `recognised` or `rejected`"),
            ))
        }
    };
    let reasons = d.reasons.trim();
    if reasons.is_empty() {
        return Err(AppError::invalid_field(
            "reasons",
            "the decision's reasons are required",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    let row = ours(&mut tx, id).await?;
    if row.status != Status::UnderReview {
        return Err(AppError::Conflict(format!(
            "candidacy {id} is {}: a decision follows the reviews (under_review); allowed: {}",
            row.status,
            row.status.listed()
        )));
    }
    let call = calls::by_id(&mut tx, row.call_id.unwrap_or_default())
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("candidacy without call")))?;
    let in_use = criteria_of(&call.criteria);
    let reviews: Vec<(String, Scores)> = candidacies::reviews(&mut tx, id)
        .await?
        .into_iter()
        .filter_map(|(who, s)| Some((who, serde_json::from_str::<Scores>(&s).ok()?)))
        .filter(|(_, s)| check_scores(s, &in_use).is_ok())
        .collect();
    if reviews.len() < 2 {
        return Err(AppError::Conflict(format!(
            "a decision needs the complete reviews of at least two assigned reviewers; \
             candidacy {id} has {}",
            reviews.len()
        )));
    }
    let scores = results(&in_use, &reviews);
    let decision = serde_json::json!({"reasons": reasons, "scores": scores});
    candidacies::set_decision(&mut tx, id, outcome, &decision.to_string()).await?;
    let now = crate::db::now();
    candidacies::add_history(
        &mut tx,
        id,
        "decision",
        Some(outcome),
        Some(reasons),
        &user.username,
        now,
    )
    .await?;
    if outcome == Status::Recognised {
        let practice = practices::by_id(&mut tx, row.practice_id)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("candidacy without practice")))?;
        candidacies::insert_recognition(
            &mut tx,
            NewRecognition {
                offer_id: &row.offer_id,
                practice_id: row.practice_id,
                call_ap_id: &row.call_ap_id,
                call_title: &row.call_title,
                local: true,
                reasons,
                scores: &serde_json::to_string(&scores)?,
                recognised_at: now,
            },
        )
        .await?;
        add::send_recognised(ctx, &mut tx, &Url::parse(&practice.ap_id)?).await?;
    }
    let org = org_of(&mut tx, &row).await?;
    let fresh = candidacies::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no candidacy {id}")))?;
    decision::send(ctx, &mut tx, &fresh, &org).await?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    get(ctx, user, id).await
}

/// The candidacies of a practice and its recognitions, for its view.
pub async fn of_practice(
    ctx: &Ctx,
    practice_id: i64,
) -> AppResult<(Vec<CandidacySummary>, Vec<RecognitionView>)> {
    let c = candidacies::of_practice(&ctx.db, practice_id)
        .await?
        .into_iter()
        .map(|c| CandidacySummary {
            id: c.id,
            call: c.call_ap_id,
            call_title: c.call_title,
            status: c.status,
        })
        .collect();
    let r = candidacies::recognitions_of(&ctx.db, practice_id)
        .await?
        .into_iter()
        .map(|r| RecognitionView {
            call: r.call_ap_id,
            call_title: r.call_title,
            recognised_at: r.recognised_at,
            reasons: r.reasons,
            scores: serde_json::from_str(&r.scores).unwrap_or(Value::Null),
            here: r.local,
        })
        .collect();
    Ok((c, r))
}

/// Every step of every candidacy of a practice, oldest first.
pub async fn practice_history(ctx: &Ctx, practice_id: i64) -> AppResult<Vec<HistoryView>> {
    let p = practices::by_id(&ctx.db, practice_id)
        .await?
        .filter(|p| p.state != PracticeState::Draft)
        .ok_or_else(|| AppError::NotFound(format!("no practice {practice_id}")))?;
    Ok(candidacies::practice_history(&ctx.db, p.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}
