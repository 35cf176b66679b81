//! `Offer` of a practice to a hub's call, and its `Update` (a resubmission): sent by the
//! practice's organisation to the hub's inbox, received by the hub, which fetches the
//! practice from its origin (admitted because it was offered to an open call) and opens the
//! candidacy in screening.

use activitypub_federation::kinds::activity::UpdateType;
use url::Url;

use crate::{
    config::host_port,
    db::{
        actors::{self, ActorRow},
        calls,
        candidacies::{self, NewCandidacy},
        dialect, practices, Tx,
    },
    domain::{
        candidacy::{Form, Status},
        practice::PracticeState,
    },
    error::AppResult,
    federation::{
        activities::{candidacy, decision},
        error::ApplyError,
        objects::{
            admission::Arrival,
            candidacy::candidacy_context,
            practice::{fetch, store_article},
        },
        outbox,
        protocol::activities::{
            offer::{CandidacyForm, OfferType},
            Offer, Posted, UpdateOffer,
        },
        urls,
    },
    state::Ctx,
};

/// Where an Offer goes and what it offers.
pub struct Proposal<'a> {
    /// The Offer's id (the candidacy is stored under it before it is sent).
    pub offer_id: &'a Url,
    pub practice: &'a Url,
    pub call: &'a Url,
    /// The actor the call is attributed to, and its inbox.
    pub hub_actor: &'a Url,
    pub hub_inbox: &'a Url,
    pub form: &'a Form,
}

fn offer(org: &ActorRow, p: &Proposal<'_>, updated: bool) -> Offer {
    Offer {
        context: None,
        id: p.offer_id.clone(),
        kind: OfferType::Offer,
        actor: org.ap_id.0.clone(),
        object: p.practice.clone(),
        target: p.call.clone(),
        instrument: CandidacyForm {
            kind: "CandidacyForm".into(),
            why: p.form.why.clone(),
            transferable: p.form.transferable.clone(),
            contacts: p.form.contacts.clone(),
        },
        to: vec![p.hub_actor.to_string()],
        updated: updated.then(crate::db::now),
    }
}

/// Queues `org`'s `Offer` to the hub's inbox.
pub async fn send(ctx: &Ctx, tx: &mut Tx, org: &ActorRow, p: &Proposal<'_>) -> AppResult<()> {
    let mut o = offer(org, p, false);
    o.context = Some(candidacy_context());
    outbox::enqueue(
        tx,
        ctx.app_data(),
        org,
        &o,
        std::slice::from_ref(p.hub_inbox),
        false,
    )
    .await?;
    Ok(())
}

/// Queues `org`'s `Update` of its Offer (the form resubmitted) to the hub's inbox.
pub async fn send_update(
    ctx: &Ctx,
    tx: &mut Tx,
    org: &ActorRow,
    p: &Proposal<'_>,
) -> AppResult<()> {
    let u = UpdateOffer {
        context: Some(candidacy_context()),
        id: Url::parse(&urls::new_activity(&ctx.config))?,
        kind: UpdateType::Update,
        actor: org.ap_id.0.clone(),
        object: offer(org, p, true),
        to: vec![p.hub_actor.to_string()],
    };
    outbox::enqueue(
        tx,
        ctx.app_data(),
        org,
        &u,
        std::slice::from_ref(p.hub_inbox),
        false,
    )
    .await?;
    Ok(())
}

fn form_of(f: &CandidacyForm) -> Result<Form, ApplyError> {
    let form = Form {
        why: f.why.clone(),
        transferable: f.transferable.clone(),
        contacts: f.contacts.clone(),
    };
    form.check().map_err(|bad| {
        let why: Vec<String> = bad.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        ApplyError::permanent(format!(
            "the candidacy form is incomplete: {}",
            why.join("; ")
        ))
    })?;
    Ok(form)
}

/// The hub receives an Offer: to one of its calls, open now, of a practice of the offering
/// organisation (fetched from its origin), with a complete form.
pub async fn receive(ctx: &Ctx, o: Offer) -> Result<(), ApplyError> {
    let call = calls::by_ap_id(&ctx.db, o.target.as_str())
        .await?
        .ok_or_else(|| ApplyError::permanent(format!("{} is not a call of ours", o.target)))?;
    if candidacies::by_offer(&ctx.db, o.id.as_str())
        .await?
        .is_some()
    {
        return Ok(()); // the same Offer again
    }
    match admit(ctx, &o, &call).await {
        Err(ApplyError::Permanent(why)) => {
            // Every permanent refusal is answered, so the origin does not wait for ever.
            refuse(ctx, &o, &call.title, &why).await?;
            Err(ApplyError::Permanent(why))
        }
        other => other,
    }
}

/// Whether a unique index refused the row: the practice has an open candidacy to the call.
fn is_duplicate(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// The checks of an Offer to one of our calls, and the candidacy it opens.
async fn admit(ctx: &Ctx, o: &Offer, call: &calls::CallRow) -> Result<(), ApplyError> {
    if !call.open_at(crate::db::now()) {
        let why = format!(
            "refused: the call \"{}\" is closed (deadline {}{})",
            call.title,
            call.deadline.to_rfc3339(),
            if call.closed {
                ", closed by the commission"
            } else {
                ""
            }
        );
        return Err(ApplyError::Permanent(why));
    }
    if host_port(&o.object) != host_port(&o.actor) {
        return Err(ApplyError::permanent(format!(
            "{} cannot offer {}: another host's practice",
            o.actor, o.object
        )));
    }
    let form = form_of(&o.instrument)?;
    let Posted::Article(article) = fetch(ctx, &o.object).await? else {
        return Err(ApplyError::permanent(format!(
            "{} is not a practice",
            o.object
        )));
    };
    if article.id != o.object || article.attributed_to != o.actor {
        return Err(ApplyError::permanent(format!(
            "{} is not a practice of {}",
            o.object, o.actor
        )));
    }
    store_article(ctx, &article, Arrival::Offered).await?;
    let practice = practices::by_ap_id(&ctx.db, o.object.as_str())
        .await?
        .filter(|p| p.state == PracticeState::Published)
        .ok_or_else(|| ApplyError::permanent(format!("{} was not stored", o.object)))?;
    let org = actors::by_ap_id(&ctx.db, o.actor.as_str())
        .await?
        .ok_or_else(|| ApplyError::permanent("the organisation was not stored"))?;
    let duplicate = || {
        ApplyError::permanent(format!(
            "{} is already a candidate to the call \"{}\"",
            o.object, call.title
        ))
    };
    let mut tx = ctx.db.begin().await?;
    let Some(row) = candidacies::insert(
        &mut tx,
        NewCandidacy {
            offer_id: o.id.to_string(),
            ap_id: Some(urls::new_candidacy(&ctx.config)),
            call_id: Some(call.id),
            call_ap_id: call.ap_id.clone(),
            call_title: call.title.clone(),
            hub_inbox: None,
            practice_id: practice.id,
            organization_id: org.id,
            form: serde_json::to_string(&form)?,
            status: Status::Screening,
        },
    )
    .await
    .map_err(|e| {
        if is_duplicate(&e) {
            duplicate()
        } else {
            e.into()
        }
    })?
    else {
        return Ok(());
    };
    let now = crate::db::now();
    candidacies::add_history(
        &mut tx,
        row.id,
        "offered",
        Some(Status::Screening),
        None,
        o.actor.as_str(),
        now,
    )
    .await?;
    candidacy::send(ctx, &mut tx, &row, &org).await?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    tracing::info!(offer = %o.id, call = %call.ap_id, practice = %o.object, "candidacy received");
    Ok(())
}

/// Tells the offering organisation (stored when its signature was checked) that its Offer
/// is refused, and why.
async fn refuse(ctx: &Ctx, o: &Offer, call_title: &str, why: &str) -> Result<(), ApplyError> {
    let Some(org) = actors::by_ap_id(&ctx.db, o.actor.as_str()).await? else {
        return Ok(());
    };
    let mut tx = ctx.db.begin().await?;
    decision::send_refusal(ctx, &mut tx, o, call_title, &org, why).await?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    Ok(())
}

/// The hub receives a resubmission: from the candidacy's organisation, when changes were
/// requested.
pub async fn receive_update(ctx: &Ctx, u: UpdateOffer) -> Result<(), ApplyError> {
    let o = &u.object;
    if o.actor != u.actor {
        return Err(ApplyError::permanent("an Offer updated by another actor"));
    }
    let Some(found) = candidacies::by_offer(&ctx.db, o.id.as_str()).await? else {
        return Err(ApplyError::permanent(format!(
            "no candidacy of ours for {}",
            o.id
        )));
    };
    if found.call_id.is_none() {
        return Err(ApplyError::permanent("not a candidacy to one of our calls"));
    }
    let org = actors::by_id(&ctx.db, found.organization_id).await?;
    if org.as_ref().map(|a| a.ap_id.as_str()) != Some(u.actor.as_str()) {
        return Err(ApplyError::permanent(format!(
            "{} did not offer {}",
            u.actor, o.id
        )));
    }
    let form = form_of(&o.instrument)?;
    // The practice resubmitted is read again from its origin: the reviewers score the text
    // as it is now, whether or not its Update reached us.
    refetch(ctx, found.practice_id).await?;
    let mut tx = ctx.db.begin().await?;
    let Some(row) = dialect::candidacy_for_update(&mut tx, found.id).await? else {
        return Ok(());
    };
    if row.status != Status::ChangesRequested {
        return Err(ApplyError::permanent(format!(
            "candidacy {} is {}: no changes were requested",
            row.id, row.status
        )));
    }
    candidacies::set_form(&mut tx, row.id, &serde_json::to_string(&form)?).await?;
    candidacies::set_status(&mut tx, row.id, Status::Resubmitted, None).await?;
    candidacies::add_history(
        &mut tx,
        row.id,
        "resubmitted",
        Some(Status::Resubmitted),
        None,
        u.actor.as_str(),
        crate::db::now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Reads a remote practice held here again from its origin, and stores what it answers.
async fn refetch(ctx: &Ctx, practice_id: i64) -> Result<(), ApplyError> {
    let Some(p) = practices::by_id(&ctx.db, practice_id).await? else {
        return Ok(());
    };
    if p.local || p.state != PracticeState::Published {
        return Ok(());
    }
    let id = Url::parse(&p.ap_id).map_err(|e| ApplyError::permanent(e.to_string()))?;
    if let Posted::Article(article) = fetch(ctx, &id).await? {
        if article.id == id {
            store_article(ctx, &article, Arrival::Offered).await?;
        }
    }
    Ok(())
}
