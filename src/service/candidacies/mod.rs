//! Candidacies. On the proposing instance: a manager offers one of the organisation's
//! published practices to a hub's call (with the form, and the self-assessment that stays
//! here) and resubmits it when changes are requested. On the hub: its admins screen, assign
//! reviewers and decide; the assigned reviewers score. Every step is in the history, and the
//! steps reach the other side as activities. This file: the views, who sees what, and the
//! practice's candidacies; [`proposals`] the proposing side, [`commission`] the hub's.

mod commission;
mod proposals;

pub use commission::{assign_reviewer, decide, review, set_status};
pub use proposals::{propose, resubmit};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{
    db::{
        actors,
        candidacies::{self, CandidacyRow, HistoryRow},
        dialect, practices, recognitions,
        users::UserRow,
        Tx,
    },
    domain::{
        actor::Role,
        candidacy::{Form, SelfAssessment, Status, QUESTIONS},
        practice::PracticeState,
    },
    error::{AppError, AppResult},
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

pub(super) fn is_manager_of(user: &UserRow, org_id: i64) -> bool {
    user.role == Role::Manager && user.organization_id == Some(org_id)
}

/// Who may see a candidacy here: on the hub its admins and assigned reviewers; on the
/// proposing instance its admins and the organisation's managers.
pub(super) async fn may_see(ctx: &Ctx, user: &UserRow, row: &CandidacyRow) -> AppResult<()> {
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

pub(super) async fn found(ctx: &Ctx, id: i64) -> AppResult<CandidacyRow> {
    candidacies::by_id(&ctx.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no candidacy {id}")))
}

pub(super) async fn locked(tx: &mut Tx, id: i64) -> AppResult<CandidacyRow> {
    dialect::candidacy_for_update(tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no candidacy {id}")))
}

pub(super) async fn view(ctx: &Ctx, user: &UserRow, row: CandidacyRow) -> AppResult<CandidacyView> {
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

/// The candidacies of a practice and its recognitions, for its view.
pub async fn of_practice(
    ctx: &Ctx,
    practice_id: i64,
) -> AppResult<(Vec<CandidacySummary>, Vec<RecognitionView>)> {
    let (c, r) = tokio::try_join!(
        candidacies::of_practice(&ctx.db, practice_id),
        recognitions::recognitions_of(&ctx.db, practice_id)
    )?;
    Ok(summaries(c, r))
}

/// A practice's candidacies and recognitions as its view shows them, from their rows.
pub fn summaries(
    c: Vec<candidacies::CandidacyRow>,
    r: Vec<recognitions::RecognitionRow>,
) -> (Vec<CandidacySummary>, Vec<RecognitionView>) {
    let c = c
        .into_iter()
        .map(|c| CandidacySummary {
            id: c.id,
            call: c.call_ap_id,
            call_title: c.call_title,
            status: c.status,
        })
        .collect();
    let r = r
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
    (c, r)
}

/// Every step of every candidacy of a practice, oldest first: all of them, with their
/// messages, for a user who may see the candidacy (the commission, the proposing
/// organisation's managers); for anyone else only the steps that move its status, without
/// their messages (no requests for changes, no reviewers, no reviews).
pub async fn practice_history(
    ctx: &Ctx,
    user: Option<&UserRow>,
    practice_id: i64,
) -> AppResult<Vec<HistoryView>> {
    let p = practices::by_id(&ctx.db, practice_id)
        .await?
        .filter(|p| p.state != PracticeState::Draft)
        .ok_or_else(|| AppError::NotFound(format!("no practice {practice_id}")))?;
    let mut full: std::collections::HashMap<i64, bool> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for h in candidacies::practice_history(&ctx.db, p.id).await? {
        let sees = match full.get(&h.candidacy_id) {
            Some(s) => *s,
            None => {
                let s = match user {
                    Some(u) => match candidacies::by_id(&ctx.db, h.candidacy_id).await? {
                        Some(row) => may_see(ctx, u, &row).await.is_ok(),
                        None => false,
                    },
                    None => false,
                };
                full.insert(h.candidacy_id, s);
                s
            }
        };
        if sees {
            out.push(h.into());
        } else if h.status.is_some() {
            let mut v: HistoryView = h.into();
            v.message = None;
            out.push(v);
        }
    }
    Ok(out)
}
