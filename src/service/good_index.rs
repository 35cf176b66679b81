//! The good index beyond its storage: what the API shows of it, the `Update(Article)` that
//! publishes a local practice's moved index (at most once a minute per practice), and the
//! rankings of organisations and managers.

use std::{collections::HashMap, time::Duration};

use serde::Serialize;
use tokio::sync::watch;

use crate::{
    db::{
        good_index::{self, IndexRow, RankedPractice},
        practices,
    },
    domain::{
        good_index::{ranking, Figure},
        practice::{PracticeRecord, PracticeState},
    },
    error::AppResult,
    federation::{
        activities::create_or_update::{self, Change},
        outbox,
    },
    state::Ctx,
};

/// The shortest time between two `Update`s of one practice sent because its index moved:
/// votes arriving in a burst go out as one Update with the figure they add up to.
pub const MIN_UPDATE_INTERVAL: Duration = Duration::from_secs(60);

/// A practice's good index as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndexView {
    /// The authoritative figure: this instance's for its own practices, the owner's for a
    /// remote one (absent until the owner published one).
    pub figure: Option<Figure>,
    /// `here` or `owner`: who computed `figure`.
    pub source: &'static str,
    /// For a remote practice, the endorsements this instance observed itself and the index
    /// they would give on their own.
    pub observed_here: Option<Figure>,
}

/// The view of a practice's index from its stored row (none: no endorsement yet).
pub fn view(local: bool, row: Option<&IndexRow>) -> IndexView {
    let here = row.map(IndexRow::figure);
    if local {
        return IndexView {
            figure: Some(here.unwrap_or_default()),
            source: "here",
            observed_here: None,
        };
    }
    IndexView {
        figure: row.and_then(IndexRow::owner),
        source: "owner",
        observed_here: here.filter(|f| f.positive + f.negative > 0),
    }
}

/// Sends an `Update(Article)` for every local practice whose index moved and whose Article
/// went out at least [`MIN_UPDATE_INTERVAL`] ago. Returns how many were sent.
pub async fn publish_due(ctx: &Ctx) -> AppResult<usize> {
    let now = crate::db::now_ms();
    let due =
        good_index::due_updates(&ctx.db, now, MIN_UPDATE_INTERVAL.as_millis() as i64, 100).await?;
    let mut sent = 0;
    for id in due {
        let mut tx = ctx.db.begin().await?;
        let row = practices::by_id(&mut tx, id).await?;
        match row {
            Some(row) if row.local && row.state == PracticeState::Published => {
                let record: PracticeRecord = serde_json::from_str(&row.record)?;
                // Marks the index sent, in this transaction.
                create_or_update::send(ctx, &mut tx, Change::Update, &row, &record).await?;
                sent += 1;
            }
            // A draft, a deleted or a remote practice has no Article of ours to update.
            _ => {
                let at = good_index::of(&mut tx, id)
                    .await?
                    .map_or(0, |r| r.changed_at);
                good_index::mark_sent(&mut tx, id, at, now).await?
            }
        }
        tx.commit().await?;
    }
    if sent > 0 {
        tracing::info!(practices = sent, "good index published");
        outbox::wake(ctx.app_data());
    }
    Ok(sent)
}

/// Publishes moved indexes until `stopped` turns true, looking every poll interval.
pub async fn run_publisher(ctx: Ctx, mut stopped: watch::Receiver<bool>) {
    loop {
        if let Err(e) = publish_due(&ctx).await {
            tracing::warn!(error = %e, "cannot publish the good index; will try again");
        }
        tokio::select! {
            _ = tokio::time::sleep(ctx.config.delivery.poll_interval) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// One practice in a ranking, with the index it counts with.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RankedPracticeView {
    pub id: i64,
    pub ap_id: String,
    pub title: String,
    /// Its combined index (the owner's figure for a remote practice).
    pub combined: f64,
}

/// A ranked organisation or manager, with the figures that produced its rank.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RankingRow {
    /// 1 for the first.
    pub rank: usize,
    /// The organisation's handle (`name@domain` when remote), or the manager's user name.
    pub handle: String,
    pub name: String,
    /// (3·μ + ΣG) / (3 + N).
    pub score: f64,
    /// N: practices with at least one counted endorsement.
    pub practices_counted: usize,
    /// ΣG: the sum of their combined indexes.
    pub sum_index: f64,
    /// μ: the mean combined index of all practices held here with a counted endorsement.
    pub mean_index: f64,
    pub practices: Vec<RankedPracticeView>,
}

/// A practice's combined index for rankings, when it has a counted endorsement: the owner's
/// figure for a remote practice, this instance's for its own.
fn counted_index(p: &RankedPractice) -> Option<f64> {
    if p.local {
        return (p.counted > 0).then_some(p.combined);
    }
    let f = good_index::parse_figure(p.owner_figure.as_deref())?;
    (f.counted > 0).then_some(f.combined)
}

/// Ranks the groups `key` puts practices in (an organisation, a manager), by the Bayesian
/// average of their practices' combined indexes. Groups without a counted practice are not
/// ranked; ties keep the name order.
fn rank<K: std::hash::Hash + Eq + Clone>(
    practices: &[RankedPractice],
    keys: impl Fn(&RankedPractice) -> Vec<K>,
    names: &HashMap<K, (String, String)>,
) -> Vec<RankingRow> {
    let counted: Vec<(&RankedPractice, f64)> = practices
        .iter()
        .filter_map(|p| counted_index(p).map(|g| (p, g)))
        .collect();
    let mu = if counted.is_empty() {
        0.0
    } else {
        counted.iter().map(|(_, g)| g).sum::<f64>() / counted.len() as f64
    };
    let mut groups: HashMap<K, Vec<(&RankedPractice, f64)>> = HashMap::new();
    for (p, g) in &counted {
        for k in keys(p) {
            groups.entry(k).or_default().push((p, *g));
        }
    }
    let mut rows: Vec<RankingRow> = groups
        .into_iter()
        .filter_map(|(k, ps)| {
            let (handle, name) = names.get(&k)?.clone();
            let gs: Vec<f64> = ps.iter().map(|(_, g)| *g).collect();
            Some(RankingRow {
                rank: 0,
                handle,
                name,
                score: ranking(mu, &gs),
                practices_counted: gs.len(),
                sum_index: gs.iter().sum(),
                mean_index: mu,
                practices: ps
                    .iter()
                    .map(|(p, g)| RankedPracticeView {
                        id: p.id,
                        ap_id: p.ap_id.clone(),
                        title: p.title.clone(),
                        combined: *g,
                    })
                    .collect(),
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.name.cmp(&b.name))
    });
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i + 1;
        r.practices
            .sort_by(|a, b| b.combined.total_cmp(&a.combined));
    }
    rows
}

/// Organisations ranked by their practices' index (local and remote ones held here).
pub async fn organisations(ctx: &Ctx) -> AppResult<Vec<RankingRow>> {
    let practices = good_index::ranked_practices(&ctx.db).await?;
    let mut names = HashMap::new();
    for p in &practices {
        let handle = if p.org_local {
            p.org_username.clone()
        } else {
            format!("{}@{}", p.org_username, p.org_domain)
        };
        names.insert(p.organization_id, (handle, p.org_name.clone()));
    }
    Ok(rank(&practices, |p| vec![p.organization_id], &names))
}

/// Managers of this instance who opted in, ranked by the index of the practices of their
/// organisation whose team names them as a manager (by their display name, or user name).
pub async fn managers(ctx: &Ctx) -> AppResult<Vec<RankingRow>> {
    let practices = good_index::ranked_practices(&ctx.db).await?;
    let managers = good_index::ranked_managers(&ctx.db).await?;
    let mut names = HashMap::new();
    for m in &managers {
        names.insert(m.actor_id, (m.username.clone(), m.display_name.clone()));
    }
    let keys = |p: &RankedPractice| -> Vec<i64> {
        let team: Vec<String> = serde_json::from_str::<PracticeRecord>(&p.record)
            .map(|r| {
                r.team
                    .into_iter()
                    .filter(|t| t.manager)
                    .map(|t| t.name.trim().to_lowercase())
                    .collect()
            })
            .unwrap_or_default();
        managers
            .iter()
            .filter(|m| m.organization_id == Some(p.organization_id))
            .filter(|m| {
                team.contains(&m.display_name.trim().to_lowercase())
                    || team.contains(&m.username.to_lowercase())
            })
            .map(|m| m.actor_id)
            .collect()
    };
    Ok(rank(&practices, keys, &names))
}
