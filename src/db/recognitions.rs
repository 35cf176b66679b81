//! The `recognitions` table: a practice recognised by a call's commission, on the origin
//! (from the hub's `Accept`) and on the hub itself (`local`: listed in `/actor/recognised`).

use chrono::{DateTime, Utc};

use super::{
    query::{execute, fetch_all, fetch_one, Ex},
    Tx,
};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RecognitionRow {
    pub id: i64,
    pub offer_id: String,
    pub practice_id: i64,
    pub call_ap_id: String,
    pub call_title: String,
    pub local: bool,
    pub reasons: String,
    /// Per criterion: the mean and each review (JSON).
    pub scores: String,
    pub recognised_at: DateTime<Utc>,
}

const RCOLS: &str =
    "id, offer_id, practice_id, call_ap_id, call_title, local, reasons, scores, recognised_at";

pub struct NewRecognition<'a> {
    pub offer_id: &'a str,
    pub practice_id: i64,
    pub call_ap_id: &'a str,
    pub call_title: &'a str,
    pub local: bool,
    pub reasons: &'a str,
    pub scores: &'a str,
    pub recognised_at: DateTime<Utc>,
}

/// Records a recognition; false when this Offer's was recorded already.
pub async fn insert_recognition(tx: &mut Tx, r: NewRecognition<'_>) -> Result<bool, sqlx::Error> {
    let n = execute!(
        tx,
        "INSERT INTO recognitions (offer_id, practice_id, call_ap_id, call_title, local, reasons, \
           scores, recognised_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (offer_id) DO NOTHING",
        r.offer_id,
        r.practice_id,
        r.call_ap_id,
        r.call_title,
        r.local,
        r.reasons,
        r.scores,
        r.recognised_at
    )?;
    if n == 1 {
        super::search::changed(tx, r.practice_id).await?;
    }
    Ok(n == 1)
}

pub async fn recognitions_of<'c>(
    ex: impl Into<Ex<'c>>,
    practice_id: i64,
) -> Result<Vec<RecognitionRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {RCOLS} FROM recognitions WHERE practice_id = $1 ORDER BY recognised_at, id"
    );
    fetch_all!(ex.into(), RecognitionRow, &sql, practice_id)
}

/// The practices this instance's commission recognised (their ids), newest first, and how
/// many they are.
pub async fn recognised_here<'c>(
    ex: impl Into<Ex<'c>>,
    limit: i64,
    offset: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = fetch_all!(
        ex.into(),
        (String,),
        "SELECT p.ap_id FROM recognitions r JOIN practices p ON p.id = r.practice_id \
         WHERE r.local AND p.state = 'published' ORDER BY r.id DESC LIMIT $1 OFFSET $2",
        limit,
        offset
    )?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

pub async fn count_recognised_here<'c>(ex: impl Into<Ex<'c>>) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        ex.into(),
        (i64,),
        "SELECT COUNT(*) FROM recognitions r JOIN practices p ON p.id = r.practice_id \
         WHERE r.local AND p.state = 'published'"
    )?;
    Ok(n)
}

/// Recognised candidacies of one call of ours.
pub async fn count_recognised_in_call<'c>(
    ex: impl Into<Ex<'c>>,
    call_ap_id: &str,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        ex.into(),
        (i64,),
        "SELECT COUNT(*) FROM recognitions WHERE local AND call_ap_id = $1",
        call_ap_id
    )?;
    Ok(n)
}

pub async fn recognised_in_call<'c>(
    ex: impl Into<Ex<'c>>,
    call_ap_id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = fetch_all!(
        ex.into(),
        (String,),
        "SELECT p.ap_id FROM recognitions r JOIN practices p ON p.id = r.practice_id \
         WHERE r.local AND r.call_ap_id = $1 ORDER BY r.id DESC LIMIT 100",
        call_ap_id
    )?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
