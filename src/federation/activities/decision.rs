//! `Accept` (recognised) or `Reject` (rejected) of an `Offer`: the commission's decision on a
//! candidacy, with its reasons and every reviewer's scores, from the hub to the proposing
//! organisation. The origin records it; a recognition goes on the practice (its view and its
//! Article), and the organisation's followers get the Article's `Update`.

use activitypub_federation::kinds::activity::{AcceptType, RejectType};
use serde::Serialize;
use url::Url;

use crate::{
    db::{
        actors::ActorRow,
        candidacies::{self, CandidacyRow},
        practices,
        recognitions::{self, NewRecognition},
        Tx,
    },
    domain::{candidacy::Status, practice::PracticeRecord},
    error::AppResult,
    federation::{
        activities::{
            candidacy::{inbox_of, ours},
            create_or_update::{self, Change},
        },
        error::ApplyError,
        objects::candidacy::{candidacy_context, candidacy_object},
        outbox,
        protocol::activities::OfferAnswer,
        urls,
    },
    state::Ctx,
};

/// Queues the hub's decision on `row` (decided, in `tx`) to the organisation `org`.
pub async fn send(ctx: &Ctx, tx: &mut Tx, row: &CandidacyRow, org: &ActorRow) -> AppResult<()> {
    let step = candidacies::last_step(tx, row.id).await?;
    let result = candidacy_object(row, step)?;
    fn answer<K: Serialize>(
        ctx: &Ctx,
        kind: K,
        row: &CandidacyRow,
        org: &ActorRow,
        result: crate::federation::protocol::activities::offer::Candidacy,
    ) -> AppResult<OfferAnswer<K>> {
        Ok(OfferAnswer {
            context: Some(candidacy_context()),
            id: Url::parse(&urls::new_activity(&ctx.config))?,
            kind,
            actor: ctx.instance_actor.ap_id.0.clone(),
            object: Url::parse(&row.offer_id)?,
            result,
            to: vec![org.ap_id.to_string()],
        })
    }
    let me = &ctx.instance_actor;
    let inbox = [inbox_of(org)?];
    if row.status == Status::Recognised {
        let a = answer(ctx, AcceptType::Accept, row, org, result)?;
        outbox::enqueue(tx, ctx.app_data(), me, &a, &inbox, false).await?;
    } else {
        let a = answer(ctx, RejectType::Reject, row, org, result)?;
        outbox::enqueue(tx, ctx.app_data(), me, &a, &inbox, false).await?;
    }
    Ok(())
}

/// Queues the hub's `Reject` of an Offer it refused before any candidacy existed (the call
/// `call_title` was closed when it arrived), with the reason, so the origin does not wait.
pub async fn send_refusal(
    ctx: &Ctx,
    tx: &mut Tx,
    offer: &crate::federation::protocol::activities::Offer,
    call_title: &str,
    org: &ActorRow,
    reason: &str,
) -> AppResult<()> {
    let a = OfferAnswer {
        context: Some(candidacy_context()),
        id: Url::parse(&urls::new_activity(&ctx.config))?,
        kind: RejectType::Reject,
        actor: ctx.instance_actor.ap_id.0.clone(),
        object: offer.id.clone(),
        result: crate::federation::protocol::activities::offer::Candidacy {
            kind: "Candidacy".into(),
            // No candidacy was opened: the Offer names it.
            id: offer.id.clone(),
            offer: offer.id.clone(),
            call: offer.target.clone(),
            call_name: call_title.to_string(),
            status: Status::Rejected.as_str().into(),
            message: None,
            reasons: Some(reason.to_string()),
            scores: Default::default(),
            decided_at: Some(crate::db::now()),
            step: 0,
        },
        to: vec![org.ap_id.to_string()],
    };
    let me = &ctx.instance_actor;
    outbox::enqueue(tx, ctx.app_data(), me, &a, &[inbox_of(org)?], false).await?;
    Ok(())
}

/// The origin receives the decision on its candidacy.
pub async fn receive<K>(ctx: &Ctx, a: OfferAnswer<K>, accepted: bool) -> Result<(), ApplyError> {
    let c = &a.result;
    let status = if accepted {
        Status::Recognised
    } else {
        Status::Rejected
    };
    if c.status != status.as_str() || c.offer != a.object {
        return Err(ApplyError::permanent(format!(
            "the decision's candidacy is {} of {}, not {status} of {}",
            c.status, c.offer, a.object
        )));
    }
    let mut tx = ctx.db.begin().await?;
    if let Some(f) = candidacies::by_offer(&mut tx, a.object.as_str()).await? {
        // The practice before the candidacy, in the order its deletion takes them
        // (PostgreSQL): a recognition and a deletion at once wait, never deadlock.
        crate::db::dialect::practice_for_update(&mut tx, f.practice_id).await?;
    }
    let row = ours(&mut tx, &a.actor, &a.object, &c.call).await?;
    if row.status.is_final() {
        tx.commit().await?;
        return Ok(()); // decided already (the same decision again)
    }
    if c.id != c.offer {
        candidacies::set_ap_id(&mut tx, row.id, c.id.as_str()).await?;
    }
    candidacies::take_step(&mut tx, row.id, c.step).await?;
    let reasons = c.reasons.clone().unwrap_or_default();
    let decision = serde_json::json!({"reasons": reasons, "scores": c.scores});
    candidacies::set_decision(&mut tx, row.id, status, &decision.to_string()).await?;
    let now = crate::db::now();
    candidacies::add_history(
        &mut tx,
        row.id,
        "decision",
        Some(status),
        Some(&reasons),
        a.actor.as_str(),
        now,
    )
    .await?;
    let mut changed = false;
    if accepted {
        recognitions::insert_recognition(
            &mut tx,
            NewRecognition {
                offer_id: &row.offer_id,
                practice_id: row.practice_id,
                call_ap_id: &row.call_ap_id,
                call_title: &row.call_title,
                local: false,
                reasons: &reasons,
                scores: &serde_json::to_string(&c.scores)?,
                recognised_at: c.decided_at.unwrap_or(now),
            },
        )
        .await?;
        changed = republish(ctx, &mut tx, row.practice_id, now).await?;
    }
    tx.commit().await?;
    if changed {
        outbox::wake(ctx.app_data());
    }
    Ok(())
}

/// A local published practice whose Article changed beside its record (a recognition):
/// its version stamp moves on and its organisation's followers get an `Update`.
pub async fn republish(
    ctx: &Ctx,
    tx: &mut Tx,
    practice_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<bool> {
    let Some(p) = crate::db::dialect::practice_for_update(tx, practice_id).await? else {
        return Ok(false);
    };
    if !p.local || p.state != crate::domain::practice::PracticeState::Published {
        return Ok(false);
    }
    practices::touch(tx, p.id, now).await?;
    let record: PracticeRecord = serde_json::from_str(&p.record)?;
    let fresh = practices::PracticeRow {
        updated_at: now,
        ..p
    };
    create_or_update::send(ctx, tx, Change::Update, &fresh, &record).await?;
    Ok(true)
}
