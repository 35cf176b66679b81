//! Sending: an activity is stored with its deliveries in the caller's transaction, so the change
//! that caused it and the promise to deliver it commit together, or not at all.

use activitypub_federation::kinds::activity::AnnounceType;
use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::{
    config::host_port,
    db::{activities, actors::ActorRow, deliveries, Tx},
    error::AppResult,
    federation::{
        protocol::{activities::Announce, context::context, context::AS_PUBLIC},
        urls,
    },
    state::AppData,
};

/// Stores `activity` (authored by the local `actor`) and queues it for `inboxes`; local and
/// duplicate inboxes are dropped. Call [`wake`] after the transaction commits.
pub async fn enqueue(
    tx: &mut Tx,
    data: &AppData,
    actor: &ActorRow,
    activity: &impl Serialize,
    inboxes: &[Url],
    public: bool,
) -> AppResult<i64> {
    let q = store(tx, data, actor, activity, inboxes, public).await?;
    tracing::info!(activity = %q.ap_id, kind = %q.kind, inboxes = q.inboxes, "activity queued");
    Ok(q.id)
}

/// An activity stored with its first deliveries.
struct Queued {
    id: i64,
    ap_id: String,
    kind: String,
    inboxes: u64,
}

async fn store(
    tx: &mut Tx,
    data: &AppData,
    actor: &ActorRow,
    activity: &impl Serialize,
    inboxes: &[Url],
    public: bool,
) -> AppResult<Queued> {
    let activity = serde_json::to_value(activity)?;
    let ap_id = activity
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let kind = activity
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let body = serde_json::to_string(&activity)?;
    let id = activities::insert(tx, &ap_id, actor.id, &kind, &body, public).await?;
    let own = data.config.domain();
    let mut targets: Vec<(String, String)> = Vec::new();
    for inbox in inboxes {
        let dest = host_port(inbox);
        if dest == own || targets.iter().any(|(i, _)| i == inbox.as_str()) {
            continue;
        }
        targets.push((inbox.to_string(), dest));
    }
    deliveries::enqueue(tx, id, &targets, crate::db::now_ms()).await?;
    Ok(Queued {
        id,
        ap_id,
        kind,
        inboxes: targets.len() as u64,
    })
}

/// Tells the delivery worker there is new work.
pub fn wake(data: &AppData) {
    data.delivery_wake.notify_one();
}

/// Queues `activity` of the local `actor` for all its accepted remote followers (one delivery
/// per shared inbox), however many they are, in a constant number of statements.
pub async fn to_followers(
    tx: &mut Tx,
    data: &AppData,
    actor: &ActorRow,
    activity: &impl Serialize,
    public: bool,
) -> AppResult<i64> {
    let q = store(tx, data, actor, activity, &[], public).await?;
    let n = deliveries::enqueue_to_followers(tx, q.id, actor.id, crate::db::now_ms()).await?;
    // One line per activity sent.
    tracing::info!(activity = %q.ap_id, kind = %q.kind, inboxes = n, "activity queued for followers");
    Ok(q.id)
}

/// Queues `activity` of the local `actor` for the accepted remote followers of another local
/// actor, `audience`: a comment's author writing to the followers of the organisation that
/// owns the thread (Mastodon honours an edit or a deletion only from the author).
pub async fn to_followers_of(
    tx: &mut Tx,
    data: &AppData,
    actor: &ActorRow,
    audience: &ActorRow,
    activity: &impl Serialize,
    public: bool,
) -> AppResult<i64> {
    let q = store(tx, data, actor, activity, &[], public).await?;
    let n = deliveries::enqueue_to_followers(tx, q.id, audience.id, crate::db::now_ms()).await?;
    tracing::info!(activity = %q.ap_id, kind = %q.kind, inboxes = n, "activity queued for another's followers");
    Ok(q.id)
}

/// Also queues `activity` (a `Create`, `Update` or `Delete` of the practice `practice_id`,
/// queued already as `activity_id`) for the hubs its candidacies went to (all of them for a
/// deletion, else those not final): a hub holds an offered practice whether or not it
/// follows the organisation, and must hear of its changes. Call it before [`relay`], which
/// then skips these hubs.
pub async fn to_candidacy_hubs(
    tx: &mut Tx,
    data: &AppData,
    activity_id: i64,
    practice_id: i64,
    deletion: bool,
) -> AppResult<()> {
    let inboxes = crate::db::candidacies::hub_inboxes(tx, practice_id, deletion).await?;
    let own = data.config.domain();
    let targets: Vec<(String, String)> = inboxes
        .iter()
        .filter_map(|i| Url::parse(i).ok())
        .map(|u| (u.to_string(), host_port(&u)))
        .filter(|(_, d)| *d != own)
        .collect();
    if targets.is_empty() {
        return Ok(());
    }
    let n = deliveries::enqueue_new_destinations(tx, activity_id, &targets, crate::db::now_ms())
        .await?;
    tracing::info!(
        activity_id,
        inboxes = n,
        "queued for the hubs of the practice's candidacies"
    );
    Ok(())
}

/// The relay (FEP-ae0c, as PeerTube and Mobilizon do it): the instance actor announces
/// `object` (a practice, a comment, something deleted: by id, so each follower fetches it
/// from its origin) to the instances that follow this one, right after the activity
/// `original` that published the change was queued in the same transaction. Destinations
/// `original` goes to already are skipped: an instance that follows both this instance and
/// the organisation gets the change once. Nothing is stored when no instance follows this
/// one.
pub async fn relay(tx: &mut Tx, data: &AppData, original: i64, object: &Url) -> AppResult<()> {
    let me = &data.instance_actor;
    if !crate::db::follows::has_remote_followers(&mut *tx, me.id).await? {
        return Ok(());
    }
    let announce = Announce {
        context: Some(context()),
        id: Url::parse(&urls::new_activity(&data.config))?,
        kind: AnnounceType::Announce,
        actor: me.ap_id.0.clone(),
        to: vec![AS_PUBLIC.into()],
        cc: me.followers_url.iter().cloned().collect(),
        object: object.clone(),
    };
    let q = store(tx, data, me, &announce, &[], true).await?;
    let n = deliveries::enqueue_to_followers_except(tx, q.id, me.id, original, crate::db::now_ms())
        .await?;
    if n > 0 {
        tracing::info!(activity = %q.ap_id, %object, inboxes = n, "relayed to the instances that follow this one");
    }
    Ok(())
}
