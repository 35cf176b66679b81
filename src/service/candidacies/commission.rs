//! The hub's side: its admins screen, assign reviewers and decide; the assigned reviewers
//! score. Each step goes back to the proposing organisation.

use std::collections::BTreeMap;

use serde_json::Value;
use url::Url;

use crate::{
    db::{
        actors::{self, ActorRow},
        calls,
        candidacies::{self, CandidacyRow},
        practices,
        recognitions::{self, NewRecognition},
        users,
        users::UserRow,
        Tx,
    },
    domain::{
        actor::Role,
        candidacy::{check_scores, criteria_of, results, Scores, Status},
    },
    error::{AppError, AppResult},
    federation::{
        activities::{add, candidacy as step, decision},
        outbox,
    },
    state::Ctx,
};

use super::{found, get, locked, AssignReviewer, CandidacyView, Decision, Review, StatusChange};

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
        recognitions::insert_recognition(
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
