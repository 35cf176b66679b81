//! The good index's storage: running totals per practice, class and endorsers' instance
//! (`index_totals`), and each practice's last computed index with its counts
//! (`practice_index`). An endorsement that arrives, changes or is withdrawn touches one
//! totals row and the practice's row, then the index is recomputed from that practice's
//! totals alone: the cost does not grow with the number of endorsements.

use super::{
    query::{execute, fetch_all, fetch_optional, Ex},
    Tx,
};
use crate::domain::good_index::{good_index, halves, Class, Figure, GoodIndex, Totals};

/// One endorsement as the index sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Counted {
    /// The endorser's instance, `host[:port]`.
    pub instance: String,
    pub class: Class,
    /// 0 (unverified, or the practice's own organisation), 0.5 or 1: see
    /// [`crate::domain::good_index::weight`].
    pub weight: f64,
    pub positive: bool,
    pub verified: bool,
}

/// A practice's stored index and counts.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct IndexRow {
    pub practice_id: i64,
    pub g_peer: f64,
    pub g_citizen: f64,
    pub combined: f64,
    pub positive: i64,
    pub negative: i64,
    pub verified: i64,
    pub unverified: i64,
    /// Endorsements with a weight above 0.
    pub counted: i64,
    pub changed_at: i64,
    pub pending_since: Option<i64>,
    pub sent_at: Option<i64>,
    pub owner_figure: Option<String>,
}

impl IndexRow {
    /// A remote practice's figure as its owner published it.
    pub fn owner(&self) -> Option<Figure> {
        parse_figure(self.owner_figure.as_deref())
    }

    /// The figure this row publishes.
    pub fn figure(&self) -> Figure {
        let n = |v: i64| v.max(0) as u64;
        Figure {
            peer: self.g_peer,
            citizen: self.g_citizen,
            combined: self.combined,
            positive: n(self.positive),
            negative: n(self.negative),
            verified: n(self.verified),
            unverified: n(self.unverified),
            counted: n(self.counted),
            updated: chrono::DateTime::from_timestamp_millis(self.changed_at).unwrap_or_default(),
        }
    }
}

/// A stored owner's figure (JSON), if readable.
pub fn parse_figure(stored: Option<&str>) -> Option<Figure> {
    serde_json::from_str(stored?).ok()
}

const COLS: &str = "practice_id, g_peer, g_citizen, combined, positive, negative, verified, \
    unverified, counted, changed_at, pending_since, sent_at, owner_figure";

/// The columns of an [`IndexRow`] from `practice_index i` LEFT JOINed to `practices p`: a
/// practice without a row reads as one with no endorsement.
pub(super) const LEFT_JOINED_COLS: &str = "p.id AS practice_id, \
    COALESCE(i.g_peer, 0.0) AS g_peer, COALESCE(i.g_citizen, 0.0) AS g_citizen, \
    COALESCE(i.combined, 0.0) AS combined, COALESCE(i.positive, 0) AS positive, \
    COALESCE(i.negative, 0) AS negative, COALESCE(i.verified, 0) AS verified, \
    COALESCE(i.unverified, 0) AS unverified, COALESCE(i.counted, 0) AS counted, \
    COALESCE(i.changed_at, 0) AS changed_at, i.pending_since, i.sent_at, i.owner_figure";

#[derive(sqlx::FromRow)]
struct TotalsRow {
    class: String,
    weight: i64,
    positive: i64,
    squares: i64,
}

/// Applies one endorsement's change to the practice's totals and recomputes its index:
/// `before` is what it was (None: new), `after` what it is now (None: withdrawn). A local
/// practice whose index moved is marked for an `Update` of its Article. Returns the new row.
pub async fn endorsement_changed(
    tx: &mut Tx,
    practice_id: i64,
    local: bool,
    before: Option<&Counted>,
    after: Option<&Counted>,
    now_ms: i64,
) -> Result<IndexRow, sqlx::Error> {
    let mut counts = [0i64; 5]; // positive, negative, verified, unverified, counted
    for (c, sign) in before
        .map(|c| (c, -1))
        .into_iter()
        .chain(after.map(|c| (c, 1)))
    {
        counts[if c.positive { 0 } else { 1 }] += sign;
        counts[if c.verified { 2 } else { 3 }] += sign;
        let w = halves(c.weight);
        if w == 0 {
            continue;
        }
        counts[4] += sign;
        let pos = if c.positive { w } else { 0 };
        execute!(
            &mut *tx,
            "INSERT INTO index_totals (practice_id, class, instance, weight, positive, squares) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (practice_id, class, instance) DO UPDATE SET \
               weight = index_totals.weight + excluded.weight, \
               positive = index_totals.positive + excluded.positive, \
               squares = index_totals.squares + excluded.squares",
            practice_id,
            c.class.as_str(),
            &c.instance,
            sign * w,
            sign * pos,
            sign * w * w
        )?;
    }
    let old = of(&mut *tx, practice_id).await?;
    let g = compute(&mut *tx, practice_id).await?;
    // When the index changed, by this server's clock and never backwards: followers keep
    // the newest figure by it, and the served Article is cached under it. (`now_ms` may be
    // a remote activity's own time, which can be older than the last change.)
    let now_ms = crate::db::now_ms()
        .max(now_ms)
        .max(old.as_ref().map_or(0, |o| o.changed_at + 1));
    // The counts go out in the Article too: any change of them is a change to publish.
    let moved = counts.iter().any(|n| *n != 0)
        || old.is_none_or(|o| o.g_peer != g.peer.g || o.g_citizen != g.citizen.g);
    let pending = (local && moved).then_some(now_ms);
    execute!(
        &mut *tx,
        "INSERT INTO practice_index (practice_id, g_peer, g_citizen, combined, positive, negative, \
           verified, unverified, counted, changed_at, pending_since) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (practice_id) DO UPDATE SET \
           g_peer = excluded.g_peer, g_citizen = excluded.g_citizen, combined = excluded.combined, \
           positive = practice_index.positive + excluded.positive, \
           negative = practice_index.negative + excluded.negative, \
           verified = practice_index.verified + excluded.verified, \
           unverified = practice_index.unverified + excluded.unverified, \
           counted = practice_index.counted + excluded.counted, \
           changed_at = excluded.changed_at, \
           pending_since = COALESCE(practice_index.pending_since, excluded.pending_since)",
        practice_id,
        g.peer.g,
        g.citizen.g,
        g.combined,
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        counts[4],
        now_ms,
        pending
    )?;
    // Sorting by index reads the new figure.
    super::search::changed(tx, practice_id).await?;
    Ok(of(&mut *tx, practice_id).await?.unwrap_or_default())
}

/// The practice's good index from its stored totals, with the figures behind it.
pub async fn compute(ex: impl Into<Ex<'_>>, practice_id: i64) -> Result<GoodIndex, sqlx::Error> {
    let rows = fetch_all!(
        ex.into(),
        TotalsRow,
        "SELECT class, weight, positive, squares FROM index_totals \
         WHERE practice_id = $1 AND weight > 0",
        practice_id
    )?;
    let (mut peers, mut citizens) = (Vec::new(), Vec::new());
    for r in rows {
        let t = Totals::from_units(r.weight, r.positive, r.squares);
        if r.class == Class::Peer.as_str() {
            peers.push(t);
        } else {
            citizens.push(t);
        }
    }
    Ok(good_index(&peers, &citizens))
}

/// The stored index of a practice, if it ever had an endorsement or an owner's figure.
pub async fn of(ex: impl Into<Ex<'_>>, practice_id: i64) -> Result<Option<IndexRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM practice_index WHERE practice_id = $1");
    fetch_optional!(ex.into(), IndexRow, &sql, practice_id)
}

/// Forgets a practice's totals and counts, before they are rebuilt from its endorsements
/// (after the trusted list changed the class of some endorsers). Its owner's figure stays.
pub async fn clear(tx: &mut Tx, practice_id: i64) -> Result<(), sqlx::Error> {
    execute!(
        &mut *tx,
        "DELETE FROM index_totals WHERE practice_id = $1",
        practice_id
    )?;
    execute!(
        &mut *tx,
        "UPDATE practice_index SET g_peer = 0, g_citizen = 0, combined = 0, positive = 0, \
           negative = 0, verified = 0, unverified = 0, counted = 0 WHERE practice_id = $1",
        practice_id
    )?;
    super::search::changed(tx, practice_id).await
}

/// Local practices whose index changed and whose Article last went out at least
/// `min_interval_ms` ago (or never), oldest change first.
pub async fn due_updates(
    ex: impl Into<Ex<'_>>,
    now_ms: i64,
    min_interval_ms: i64,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = fetch_all!(
        ex.into(),
        (i64,),
        "SELECT practice_id FROM practice_index WHERE pending_since IS NOT NULL \
           AND (sent_at IS NULL OR sent_at <= $1) ORDER BY pending_since LIMIT $2",
        now_ms - min_interval_ms,
        limit
    )?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Records that the practice's Article went out at `now_ms` with the index as it was at
/// `changed_at`. A change committed meanwhile (by another transaction) stays pending.
pub async fn mark_sent(
    tx: &mut Tx,
    practice_id: i64,
    changed_at: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    execute!(
        &mut *tx,
        "UPDATE practice_index SET sent_at = $1, \
           pending_since = CASE WHEN changed_at = $2 THEN NULL ELSE pending_since END \
         WHERE practice_id = $3",
        now_ms,
        changed_at,
        practice_id
    )?;
    Ok(())
}

/// Keeps a remote practice's `goodIndex` as its owner published it (JSON).
pub async fn set_owner_figure(
    tx: &mut Tx,
    practice_id: i64,
    figure: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    execute!(
        &mut *tx,
        "INSERT INTO practice_index (practice_id, changed_at, owner_figure) VALUES ($1, $2, $3) \
         ON CONFLICT (practice_id) DO UPDATE SET owner_figure = excluded.owner_figure",
        practice_id,
        now_ms,
        figure
    )?;
    super::search::changed(tx, practice_id).await
}

/// A published practice as rankings read it, with its organisation and index.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RankedPractice {
    pub id: i64,
    pub ap_id: String,
    pub title: String,
    pub local: bool,
    pub record: String,
    pub author_id: Option<i64>,
    pub organization_id: i64,
    pub org_username: String,
    pub org_domain: String,
    pub org_local: bool,
    pub org_name: String,
    /// This instance's figures (0 without endorsements).
    pub combined: f64,
    pub counted: i64,
    pub owner_figure: Option<String>,
}

/// Every published practice held here that has an index row (an endorsement, or its
/// owner's figure), with its organisation.
pub async fn ranked_practices(ex: impl Into<Ex<'_>>) -> Result<Vec<RankedPractice>, sqlx::Error> {
    fetch_all!(
        ex.into(),
        RankedPractice,
        "SELECT p.id, p.ap_id, p.title, p.local, p.record, p.author_id, p.organization_id, \
           o.username AS org_username, o.domain AS org_domain, o.local AS org_local, \
           COALESCE(o.name, o.username) AS org_name, \
           i.combined, i.counted, i.owner_figure \
         FROM practice_index i \
         JOIN practices p ON p.id = i.practice_id \
         JOIN actors o ON o.id = p.organization_id \
         WHERE p.state = 'published' AND p.deleted_at IS NULL \
         ORDER BY p.id"
    )
}

/// A local manager who opted in to the ranking.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RankedManager {
    pub actor_id: i64,
    pub username: String,
    pub display_name: String,
    pub organization_id: Option<i64>,
}

pub async fn ranked_managers(ex: impl Into<Ex<'_>>) -> Result<Vec<RankedManager>, sqlx::Error> {
    fetch_all!(
        ex.into(),
        RankedManager,
        "SELECT a.id AS actor_id, a.username, COALESCE(a.name, a.username) AS display_name, \
           u.organization_id \
         FROM users u JOIN actors a ON a.id = u.actor_id \
         WHERE u.ranked AND u.deleted_at IS NULL AND u.disabled_at IS NULL \
         ORDER BY a.username"
    )
}
