//! `Update` of a candidacy: the hub tells the proposing organisation each step between the
//! Offer and the decision (its status and the commission's message); the origin applies the
//! newest step it has seen, whatever order they arrive in.

use activitypub_federation::kinds::activity::UpdateType;
use url::Url;

use crate::{
    config::host_port,
    db::{actors::ActorRow, candidacies, candidacies::CandidacyRow, dialect, Tx},
    domain::candidacy::Status,
    error::AppResult,
    federation::{
        error::ApplyError,
        objects::candidacy::{candidacy_context, candidacy_object},
        outbox,
        protocol::activities::UpdateCandidacy,
        urls,
    },
    state::Ctx,
};

/// The inbox of an organisation that offered a practice.
pub fn inbox_of(org: &ActorRow) -> AppResult<Url> {
    Ok(Url::parse(
        org.shared_inbox.as_deref().unwrap_or(&org.inbox),
    )?)
}

/// Queues the hub's `Update` of `row` (as it now stands, in `tx`) to the organisation `org`.
pub async fn send(ctx: &Ctx, tx: &mut Tx, row: &CandidacyRow, org: &ActorRow) -> AppResult<()> {
    let step = candidacies::last_step(tx, row.id).await?;
    let u = UpdateCandidacy {
        context: Some(candidacy_context()),
        id: Url::parse(&urls::new_activity(&ctx.config))?,
        kind: UpdateType::Update,
        actor: ctx.instance_actor.ap_id.0.clone(),
        object: candidacy_object(row, step)?,
        to: vec![org.ap_id.to_string()],
    };
    let me = &ctx.instance_actor;
    outbox::enqueue(tx, ctx.app_data(), me, &u, &[inbox_of(org)?], false).await?;
    Ok(())
}

/// The candidacy of ours (origin side) that the hub's activity `actor` answers about the
/// Offer `offer` of the call `call`.
pub async fn ours(
    tx: &mut Tx,
    actor: &Url,
    offer: &Url,
    call: &Url,
) -> Result<CandidacyRow, ApplyError> {
    let Some(found) = candidacies::by_offer(&mut *tx, offer.as_str()).await? else {
        return Err(ApplyError::permanent(format!(
            "no Offer of ours is {offer}"
        )));
    };
    let Some(row) = dialect::candidacy_for_update(tx, found.id).await? else {
        return Err(ApplyError::permanent("the candidacy is gone"));
    };
    if row.call_id.is_some() {
        return Err(ApplyError::permanent(
            "a candidacy to one of our own calls is changed here, not from outside",
        ));
    }
    let held = Url::parse(&row.call_ap_id).map_err(|e| ApplyError::permanent(e.to_string()))?;
    if host_port(actor) != host_port(&held) || call.as_str() != row.call_ap_id {
        return Err(ApplyError::permanent(format!(
            "{actor} does not hold the call {}",
            row.call_ap_id
        )));
    }
    Ok(row)
}

/// The origin receives a step of its candidacy.
pub async fn receive(ctx: &Ctx, u: UpdateCandidacy) -> Result<(), ApplyError> {
    let c = &u.object;
    let status: Status = c
        .status
        .parse()
        .map_err(|e: String| ApplyError::permanent(e))?;
    if matches!(status, Status::Recognised | Status::Rejected) {
        return Err(ApplyError::permanent(
            "a decision comes as Accept or Reject of the Offer",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    let row = ours(&mut tx, &u.actor, &c.offer, &c.call).await?;
    candidacies::set_ap_id(&mut tx, row.id, c.id.as_str()).await?;
    if row.status.is_final() || !candidacies::take_step(&mut tx, row.id, c.step).await? {
        tracing::info!(
            candidacy = row.id,
            step = c.step,
            "an older step of the candidacy; ignored"
        );
        tx.commit().await?;
        return Ok(());
    }
    candidacies::set_status(&mut tx, row.id, status, c.message.as_deref()).await?;
    candidacies::add_history(
        &mut tx,
        row.id,
        "status",
        Some(status),
        c.message.as_deref(),
        u.actor.as_str(),
        crate::db::now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
