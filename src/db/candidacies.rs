//! Candidacies (`candidacies`, on the hub and on the proposing instance), the proposer's
//! self-assessment (`self_assessments`, never sent), the commission's reviewers and reviews,
//! every step (`candidacy_history`), and the recognitions of practices (`recognitions`).

use chrono::{DateTime, Utc};

use super::{
    query::{execute, fetch_all, fetch_one, fetch_optional, Ex},
    Tx,
};
use crate::domain::candidacy::{Status, DELETED_AT_ORIGIN};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CandidacyRow {
    pub id: i64,
    pub offer_id: String,
    /// The hub's id of the candidacy.
    pub ap_id: Option<String>,
    /// Set on the hub: the call is ours.
    pub call_id: Option<i64>,
    pub call_ap_id: String,
    pub call_title: String,
    pub hub_inbox: Option<String>,
    pub practice_id: i64,
    pub organization_id: i64,
    /// The candidacy form (JSON).
    pub form: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub message: Option<String>,
    /// The decision's reasons and scores (JSON).
    pub decision: Option<String>,
    /// On the origin: the step of the hub's latest Update applied.
    pub hub_step: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(super) const COLS: &str = "id, offer_id, ap_id, call_id, call_ap_id, call_title, hub_inbox, \
    practice_id, organization_id, form, status, message, decision, hub_step, created_at, updated_at";

pub struct NewCandidacy {
    pub offer_id: String,
    pub ap_id: Option<String>,
    pub call_id: Option<i64>,
    pub call_ap_id: String,
    pub call_title: String,
    pub hub_inbox: Option<String>,
    pub practice_id: i64,
    pub organization_id: i64,
    pub form: String,
    pub status: Status,
}

/// Inserts a candidacy unless its Offer is known already (`None` then: a replayed Offer).
pub async fn insert(tx: &mut Tx, c: NewCandidacy) -> Result<Option<CandidacyRow>, sqlx::Error> {
    let sql = format!(
        "INSERT INTO candidacies (offer_id, ap_id, call_id, call_ap_id, call_title, hub_inbox, \
           practice_id, organization_id, form, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
         ON CONFLICT (offer_id) DO NOTHING RETURNING {COLS}"
    );
    fetch_optional!(
        tx,
        CandidacyRow,
        &sql,
        c.offer_id,
        c.ap_id,
        c.call_id,
        c.call_ap_id,
        c.call_title,
        c.hub_inbox,
        c.practice_id,
        c.organization_id,
        c.form,
        c.status.as_str(),
        super::now()
    )
}

pub async fn by_id<'c>(
    ex: impl Into<Ex<'c>>,
    id: i64,
) -> Result<Option<CandidacyRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM candidacies WHERE id = $1");
    fetch_optional!(ex.into(), CandidacyRow, &sql, id)
}

pub async fn by_ap_id<'c>(
    ex: impl Into<Ex<'c>>,
    ap_id: &str,
) -> Result<Option<CandidacyRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM candidacies WHERE ap_id = $1 AND call_id IS NOT NULL");
    fetch_optional!(ex.into(), CandidacyRow, &sql, ap_id)
}

pub async fn by_offer<'c>(
    ex: impl Into<Ex<'c>>,
    offer_id: &str,
) -> Result<Option<CandidacyRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM candidacies WHERE offer_id = $1");
    fetch_optional!(ex.into(), CandidacyRow, &sql, offer_id)
}

/// Candidacies, newest first: all of them, or those of one organisation.
pub async fn list<'c>(
    ex: impl Into<Ex<'c>>,
    organization_id: Option<i64>,
) -> Result<Vec<CandidacyRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLS} FROM candidacies WHERE ($1 IS NULL OR organization_id = $1) ORDER BY id DESC"
    );
    fetch_all!(ex.into(), CandidacyRow, &sql, organization_id)
}

/// The candidacies to one of our calls, newest first.
pub async fn of_call<'c>(
    ex: impl Into<Ex<'c>>,
    call_id: i64,
) -> Result<Vec<CandidacyRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM candidacies WHERE call_id = $1 ORDER BY id DESC");
    fetch_all!(ex.into(), CandidacyRow, &sql, call_id)
}

pub async fn of_practice<'c>(
    ex: impl Into<Ex<'c>>,
    practice_id: i64,
) -> Result<Vec<CandidacyRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM candidacies WHERE practice_id = $1 ORDER BY id");
    fetch_all!(ex.into(), CandidacyRow, &sql, practice_id)
}

/// Moves a candidacy to `status` with `message`.
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    status: Status,
    message: Option<&str>,
) -> Result<(), sqlx::Error> {
    execute!(
        tx,
        "UPDATE candidacies SET status = $1, message = $2, updated_at = $3 WHERE id = $4",
        status.as_str(),
        message,
        super::now(),
        id
    )?;
    Ok(())
}

/// Records that the hub's step `step` was applied (origin side): false when a later one
/// was applied already, and this one is not to be.
pub async fn take_step(tx: &mut Tx, id: i64, step: i64) -> Result<bool, sqlx::Error> {
    let n = execute!(
        tx,
        "UPDATE candidacies SET hub_step = $1 WHERE id = $2 AND hub_step < $1",
        step,
        id
    )?;
    Ok(n == 1)
}

/// The latest step of a candidacy here (its newest history entry's id; 0 when none).
pub async fn last_step(tx: &mut Tx, id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (Option<i64>,) = fetch_one!(
        tx,
        (Option<i64>,),
        "SELECT MAX(id) FROM candidacy_history WHERE candidacy_id = $1",
        id
    )?;
    Ok(n.unwrap_or(0))
}

/// The hub's id of the candidacy, as its first Update names it (origin side).
pub async fn set_ap_id(tx: &mut Tx, id: i64, ap_id: &str) -> Result<(), sqlx::Error> {
    execute!(
        tx,
        "UPDATE candidacies SET ap_id = $1 WHERE id = $2 AND ap_id IS NULL",
        ap_id,
        id
    )?;
    Ok(())
}

pub async fn set_form(tx: &mut Tx, id: i64, form: &str) -> Result<(), sqlx::Error> {
    execute!(
        tx,
        "UPDATE candidacies SET form = $1, updated_at = $2 WHERE id = $3",
        form,
        super::now(),
        id
    )?;
    Ok(())
}

pub async fn set_decision(
    tx: &mut Tx,
    id: i64,
    status: Status,
    decision: &str,
) -> Result<(), sqlx::Error> {
    execute!(
        tx,
        "UPDATE candidacies SET status = $1, decision = $2, message = NULL, updated_at = $3 \
         WHERE id = $4",
        status.as_str(),
        decision,
        super::now(),
        id
    )?;
    Ok(())
}

/// The hubs' inboxes of the candidacies of one of our practices (origin side): of those not
/// final yet, or of every one (`all`: the hub keeps a copy of the practice whatever the
/// outcome, so a deletion goes to all of them).
pub async fn hub_inboxes(
    tx: &mut Tx,
    practice_id: i64,
    all: bool,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = fetch_all!(
        &mut *tx,
        (String,),
        "SELECT DISTINCT hub_inbox FROM candidacies WHERE practice_id = $1 AND call_id IS NULL \
         AND hub_inbox IS NOT NULL AND ($2 OR status NOT IN ('recognised', 'rejected', 'closed'))",
        practice_id,
        all
    )?;
    Ok(rows.into_iter().map(|(i,)| i).collect())
}

/// Closes every candidacy of a practice that is not decided yet, because the practice was
/// deleted at its origin; each closing is in its history. Returns how many were closed.
pub async fn close_for_deleted_practice(
    tx: &mut Tx,
    practice_id: i64,
    at: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    // One statement that checks the status as it updates: a decision committed meanwhile
    // (its row locked) is seen and kept, and only the rows closed here get a history step.
    let open: Vec<(i64,)> = fetch_all!(
        &mut *tx,
        (i64,),
        "UPDATE candidacies SET status = 'closed', message = $1, updated_at = $2 \
         WHERE practice_id = $3 AND status NOT IN ('recognised', 'rejected', 'closed') \
         RETURNING id",
        DELETED_AT_ORIGIN,
        at,
        practice_id
    )?;
    for (id,) in &open {
        add_history(
            &mut *tx,
            *id,
            "closed",
            Some(Status::Closed),
            Some(DELETED_AT_ORIGIN),
            "system",
            at,
        )
        .await?;
    }
    Ok(open.len() as u64)
}

// --- self-assessment (proposing instance only) ---

pub async fn insert_self_assessment(
    tx: &mut Tx,
    candidacy_id: i64,
    answers: &str,
) -> Result<(), sqlx::Error> {
    execute!(
        tx,
        "INSERT INTO self_assessments (candidacy_id, answers, created_at) VALUES ($1, $2, $3)",
        candidacy_id,
        answers,
        super::now()
    )?;
    Ok(())
}

pub async fn self_assessment<'c>(
    ex: impl Into<Ex<'c>>,
    candidacy_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let r: Option<(String,)> = fetch_optional!(
        ex.into(),
        (String,),
        "SELECT answers FROM self_assessments WHERE candidacy_id = $1",
        candidacy_id
    )?;
    Ok(r.map(|r| r.0))
}

// --- reviewers and reviews (hub) ---

/// Assigns a reviewer; false when they were assigned already.
pub async fn assign(tx: &mut Tx, candidacy_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    let n = execute!(
        tx,
        "INSERT INTO candidacy_reviewers (candidacy_id, user_id, assigned_at) VALUES ($1, $2, $3) \
         ON CONFLICT (candidacy_id, user_id) DO NOTHING",
        candidacy_id,
        user_id,
        super::now()
    )?;
    Ok(n == 1)
}

/// The usernames of the reviewers assigned, with their user ids, in assignment order.
pub async fn reviewers<'c>(
    ex: impl Into<Ex<'c>>,
    candidacy_id: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    fetch_all!(
        ex.into(),
        (i64, String),
        "SELECT u.id, a.username FROM candidacy_reviewers r JOIN users u ON u.id = r.user_id \
         JOIN actors a ON a.id = u.actor_id WHERE r.candidacy_id = $1 ORDER BY r.assigned_at, u.id",
        candidacy_id
    )
}

/// Stores (or replaces) a reviewer's scores (JSON).
pub async fn upsert_review(
    tx: &mut Tx,
    candidacy_id: i64,
    user_id: i64,
    scores: &str,
) -> Result<(), sqlx::Error> {
    execute!(
        tx,
        "INSERT INTO candidacy_reviews (candidacy_id, user_id, scores, submitted_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (candidacy_id, user_id) DO UPDATE SET \
           scores = excluded.scores, submitted_at = excluded.submitted_at",
        candidacy_id,
        user_id,
        scores,
        super::now()
    )?;
    Ok(())
}

/// The current reviews of the reviewers currently assigned: (username, scores JSON). A review
/// given before the latest resubmission scored an earlier version, and does not count.
pub async fn reviews<'c>(
    ex: impl Into<Ex<'c>>,
    candidacy_id: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    fetch_all!(
        ex.into(),
        (String, String),
        "SELECT a.username, v.scores FROM candidacy_reviews v \
         JOIN candidacy_reviewers r ON r.candidacy_id = v.candidacy_id AND r.user_id = v.user_id \
         JOIN users u ON u.id = v.user_id JOIN actors a ON a.id = u.actor_id \
         WHERE v.candidacy_id = $1 AND NOT EXISTS (SELECT 1 FROM candidacy_history h \
           WHERE h.candidacy_id = v.candidacy_id AND h.step = 'resubmitted' \
           AND h.at >= v.submitted_at) \
         ORDER BY v.submitted_at, u.id",
        candidacy_id
    )
}

// --- history ---

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    pub id: i64,
    pub candidacy_id: i64,
    pub step: String,
    pub status: Option<String>,
    pub message: Option<String>,
    pub who: String,
    pub at: DateTime<Utc>,
}

pub async fn add_history(
    tx: &mut Tx,
    candidacy_id: i64,
    step: &str,
    status: Option<Status>,
    message: Option<&str>,
    who: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    execute!(
        tx,
        "INSERT INTO candidacy_history (candidacy_id, step, status, message, who, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        candidacy_id,
        step,
        status.map(|s| s.as_str()),
        message,
        who,
        at
    )?;
    Ok(())
}

pub async fn history<'c>(
    ex: impl Into<Ex<'c>>,
    candidacy_id: i64,
) -> Result<Vec<HistoryRow>, sqlx::Error> {
    fetch_all!(
        ex.into(),
        HistoryRow,
        "SELECT id, candidacy_id, step, status, message, who, at FROM candidacy_history \
         WHERE candidacy_id = $1 ORDER BY id",
        candidacy_id
    )
}

/// The steps of every candidacy of a practice, oldest first.
pub async fn practice_history<'c>(
    ex: impl Into<Ex<'c>>,
    practice_id: i64,
) -> Result<Vec<HistoryRow>, sqlx::Error> {
    fetch_all!(
        ex.into(),
        HistoryRow,
        "SELECT h.id, h.candidacy_id, h.step, h.status, h.message, h.who, h.at \
         FROM candidacy_history h JOIN candidacies c ON c.id = h.candidacy_id \
         WHERE c.practice_id = $1 ORDER BY h.id",
        practice_id
    )
}
