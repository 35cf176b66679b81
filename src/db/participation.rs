//! Proof of reading and endorsements: what local persons opened of a practice
//! (`reading_parts`), completed readings (`reads`, a local person's or a remote person's
//! `Read` of one of our practices), and one endorsement per person and practice
//! (`endorsements`), stored with what the good index counted for it.

use super::{
    good_index::Counted,
    query::{execute, fetch_all, fetch_optional, Ex},
    Tx,
};
use crate::domain::{good_index::Class, reading::Opened};

/// Records that the person opened `parts` of `version` at `now_ms`: the first opening of
/// each part is kept, the last one moves.
pub async fn open_parts(
    tx: &mut Tx,
    practice_id: i64,
    actor_id: i64,
    version: &str,
    parts: &[String],
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    for part in parts {
        execute!(
            &mut *tx,
            "INSERT INTO reading_parts (practice_id, actor_id, version, part, first_at, last_at) \
             VALUES ($1, $2, $3, $4, $5, $5) \
             ON CONFLICT (practice_id, actor_id, version, part) DO UPDATE SET \
               last_at = excluded.last_at",
            practice_id,
            actor_id,
            version,
            part,
            now_ms
        )?;
    }
    Ok(())
}

/// What the person opened of `version`.
pub async fn opened(
    ex: impl Into<Ex<'_>>,
    practice_id: i64,
    actor_id: i64,
    version: &str,
) -> Result<Opened, sqlx::Error> {
    let rows: Vec<(String, i64, i64)> = fetch_all!(
        ex.into(),
        (String, i64, i64),
        "SELECT part, first_at, last_at FROM reading_parts \
         WHERE practice_id = $1 AND actor_id = $2 AND version = $3 ORDER BY first_at, part",
        practice_id,
        actor_id,
        version
    )?;
    Ok(Opened {
        first_ms: rows.iter().map(|r| r.1).min(),
        last_ms: rows.iter().map(|r| r.2).max(),
        parts: rows.into_iter().map(|r| r.0).collect(),
    })
}

/// Records a completed reading of `version`; false when it was known already (a replayed
/// `Read`, whatever its id, changes nothing).
pub async fn insert_read(
    tx: &mut Tx,
    practice_id: i64,
    actor_id: i64,
    version: &str,
    activity_id: Option<&str>,
    at_ms: i64,
) -> Result<bool, sqlx::Error> {
    let n = execute!(
        &mut *tx,
        "INSERT INTO reads (practice_id, actor_id, version, activity_id, read_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (practice_id, actor_id, version) DO NOTHING",
        practice_id,
        actor_id,
        version,
        activity_id,
        at_ms
    )?;
    Ok(n == 1)
}

/// Whether the person completed reading `version`.
pub async fn has_read(
    ex: impl Into<Ex<'_>>,
    practice_id: i64,
    actor_id: i64,
    version: &str,
) -> Result<bool, sqlx::Error> {
    let r: Option<(i64,)> = fetch_optional!(
        ex.into(),
        (i64,),
        "SELECT read_at FROM reads WHERE practice_id = $1 AND actor_id = $2 AND version = $3",
        practice_id,
        actor_id,
        version
    )?;
    Ok(r.is_some())
}

/// One endorsement as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EndorsementRow {
    pub id: i64,
    pub practice_id: i64,
    pub actor_id: i64,
    pub positive: bool,
    /// The `Like` or `Dislike` that made it (ours when the person is local).
    pub activity_id: String,
    pub comment_ref: Option<String>,
    pub verified: bool,
    /// The version the endorser's reading was verified on.
    pub version: Option<String>,
    /// The endorser's organisation has an IPA code on the endorser's own host.
    pub administration: bool,
    pub own_organisation: bool,
    pub class: String,
    /// In halves (0, 1 or 2).
    pub weight: i64,
    /// The endorser's instance, `host[:port]`.
    pub instance: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl EndorsementRow {
    /// Exactly what the index counted for this endorsement.
    pub fn counted(&self) -> Counted {
        Counted {
            instance: self.instance.clone(),
            class: if self.class == Class::Peer.as_str() {
                Class::Peer
            } else {
                Class::Citizen
            },
            weight: self.weight as f64 / 2.0,
            positive: self.positive,
            verified: self.verified,
        }
    }
}

const COLS: &str = "id, practice_id, actor_id, positive, activity_id, comment_ref, verified, \
    version, administration, own_organisation, class, weight, instance, created_at, updated_at";

/// An endorsement to store (the row without its id and times).
#[derive(Debug, Clone)]
pub struct NewEndorsement {
    pub practice_id: i64,
    pub actor_id: i64,
    pub positive: bool,
    pub activity_id: String,
    pub comment_ref: Option<String>,
    pub verified: bool,
    pub version: Option<String>,
    pub administration: bool,
    pub own_organisation: bool,
    pub counted: Counted,
}

/// The person's endorsement of the practice, if any.
pub async fn endorsement_of(
    ex: impl Into<Ex<'_>>,
    practice_id: i64,
    actor_id: i64,
) -> Result<Option<EndorsementRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM endorsements WHERE practice_id = $1 AND actor_id = $2");
    fetch_optional!(ex.into(), EndorsementRow, &sql, practice_id, actor_id)
}

/// The endorsement an activity made, if any.
pub async fn by_activity(
    ex: impl Into<Ex<'_>>,
    activity_id: &str,
) -> Result<Option<EndorsementRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM endorsements WHERE activity_id = $1");
    fetch_optional!(ex.into(), EndorsementRow, &sql, activity_id)
}

/// Every endorsement of a practice (to rebuild its totals).
pub async fn of_practice(
    ex: impl Into<Ex<'_>>,
    practice_id: i64,
) -> Result<Vec<EndorsementRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM endorsements WHERE practice_id = $1 ORDER BY id");
    fetch_all!(ex.into(), EndorsementRow, &sql, practice_id)
}

/// Stores the person's endorsement of the practice, replacing the one they had.
pub async fn put(
    tx: &mut Tx,
    e: &NewEndorsement,
    now_ms: i64,
) -> Result<EndorsementRow, sqlx::Error> {
    let sql = format!(
        "INSERT INTO endorsements (practice_id, actor_id, positive, activity_id, comment_ref, \
           verified, version, administration, own_organisation, class, weight, instance, \
           created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) \
         ON CONFLICT (practice_id, actor_id) DO UPDATE SET positive = excluded.positive, \
           activity_id = excluded.activity_id, comment_ref = excluded.comment_ref, \
           verified = excluded.verified, version = excluded.version, \
           administration = excluded.administration, \
           own_organisation = excluded.own_organisation, class = excluded.class, \
           weight = excluded.weight, instance = excluded.instance, \
           created_at = excluded.created_at, updated_at = excluded.updated_at \
         RETURNING {COLS}"
    );
    super::query::fetch_one!(
        &mut *tx,
        EndorsementRow,
        &sql,
        e.practice_id,
        e.actor_id,
        e.positive,
        &e.activity_id,
        &e.comment_ref,
        e.verified,
        &e.version,
        e.administration,
        e.own_organisation,
        e.counted.class.as_str(),
        crate::domain::good_index::halves(e.counted.weight),
        &e.counted.instance,
        now_ms
    )
}

/// The comment an endorsement points to, changed without touching what it counts.
pub async fn set_comment(tx: &mut Tx, id: i64, comment: Option<&str>) -> Result<(), sqlx::Error> {
    execute!(
        &mut *tx,
        "UPDATE endorsements SET comment_ref = $1 WHERE id = $2",
        comment,
        id
    )?;
    Ok(())
}

/// Records that an unverified endorsement was given again at `at` (its latest giving).
pub async fn given_again(tx: &mut Tx, id: i64, at: i64) -> Result<(), sqlx::Error> {
    execute!(
        &mut *tx,
        "UPDATE endorsements SET updated_at = $1 WHERE id = $2 AND updated_at < $1",
        at,
        id
    )?;
    Ok(())
}

/// Marks an endorsement verified on `version`, with what it now counts.
pub async fn set_verified(
    tx: &mut Tx,
    id: i64,
    version: &str,
    weight_halves: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    execute!(
        &mut *tx,
        "UPDATE endorsements SET verified = TRUE, version = $1, weight = $2, updated_at = $3 \
         WHERE id = $4",
        version,
        weight_halves,
        now_ms,
        id
    )?;
    Ok(())
}

/// Changes the class (and weight) an endorsement counts in.
pub async fn set_class(
    tx: &mut Tx,
    id: i64,
    class: Class,
    weight_halves: i64,
) -> Result<(), sqlx::Error> {
    execute!(
        &mut *tx,
        "UPDATE endorsements SET class = $1, weight = $2 WHERE id = $3",
        class.as_str(),
        weight_halves,
        id
    )?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<(), sqlx::Error> {
    execute!(&mut *tx, "DELETE FROM endorsements WHERE id = $1", id)?;
    Ok(())
}

/// Practices holding an endorsement by an administration's person whose stored class no
/// longer matches the trusted list (`own` is this instance, always trusted), at most `limit`.
pub async fn misclassified(
    ex: impl Into<Ex<'_>>,
    own: &str,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = fetch_all!(
        ex.into(),
        (i64,),
        "SELECT DISTINCT e.practice_id FROM endorsements e WHERE e.administration AND \
           (e.class = 'peer') <> (e.instance = $1 OR EXISTS \
             (SELECT 1 FROM trusted_instances t WHERE t.host = e.instance)) \
         ORDER BY e.practice_id LIMIT $2",
        own,
        limit
    )?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
