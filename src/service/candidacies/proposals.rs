//! The proposing side: a manager offers a published practice to another instance's call,
//! and resubmits the form when the hub asks for changes.

use std::collections::BTreeMap;

use activitypub_federation::fetch::object_id::ObjectId;
use url::Url;

use crate::{
    db::{
        actors::{self, ActorRow},
        candidacies::{self, NewCandidacy},
        practices,
        users::UserRow,
    },
    domain::{candidacy::Status, practice::PracticeState},
    error::{AppError, AppResult},
    federation::{activities::offer, objects::candidacy::resolve_call, outbox, urls},
    state::Ctx,
};

use super::{found, get, is_manager_of, locked, view, CandidacyView, Propose, Resubmit};

fn merge(into: &mut BTreeMap<String, String>, r: Result<(), BTreeMap<String, String>>) {
    if let Err(bad) = r {
        into.extend(bad);
    }
}

/// The call named by `url`, and its holder's inbox: 502 when it cannot be read.
async fn hub_of(
    ctx: &Ctx,
    url: &str,
) -> AppResult<(crate::federation::protocol::objects::CallDocument, ActorRow)> {
    let url = Url::parse(url.trim())
        .map_err(|e| AppError::invalid_field("call", format!("not a URL: {e}")))?;
    if crate::config::host_port(&url) == ctx.config.domain() {
        return Err(AppError::invalid_field(
            "call",
            "a call of this instance: propose to another instance's call",
        ));
    }
    let doc = resolve_call(ctx, &url).await?;
    let hub = ObjectId::<ActorRow>::from(doc.attributed_to.clone())
        .dereference(ctx)
        .await
        .map_err(|e| AppError::Upstream(format!("cannot read the call's holder: {e}")))?;
    Ok((doc, hub))
}

/// A manager offers one of the organisation's published practices to a call.
pub async fn propose(ctx: &Ctx, user: &UserRow, p: Propose) -> AppResult<CandidacyView> {
    let practice = practices::by_id(&ctx.db, p.practice)
        .await?
        .filter(|r| r.local && r.state != PracticeState::Deleted)
        .ok_or_else(|| AppError::NotFound(format!("no practice {} here", p.practice)))?;
    if !is_manager_of(user, practice.organization_id) {
        return Err(AppError::Forbidden(
            "only a manager of the practice's organisation proposes it".into(),
        ));
    }
    let mut bad = BTreeMap::new();
    if practice.state != PracticeState::Published {
        bad.insert(
            "practice".into(),
            "only a published practice is proposed".into(),
        );
    }
    merge(&mut bad, p.form.check());
    if let Some(s) = &p.self_assessment {
        merge(&mut bad, s.check());
    }
    if !bad.is_empty() {
        return Err(AppError::Invalid(bad));
    }
    let (doc, hub) = hub_of(ctx, &p.call).await?;
    if !doc.open_at(crate::db::now()) {
        return Err(AppError::Conflict(format!(
            "the call \"{}\" is closed (deadline {}): it takes no more candidacies",
            doc.name.as_deref().unwrap_or_default(),
            doc.end_time.to_rfc3339()
        )));
    }
    let already = candidacies::of_practice(&ctx.db, practice.id).await?;
    if let Some(c) = already
        .iter()
        .find(|c| c.call_ap_id == doc.id.as_str() && !c.status.is_final())
    {
        return Err(AppError::Conflict(format!(
            "this practice is already a candidate to this call (candidacy {})",
            c.id
        )));
    }
    let org = actors::by_id(&ctx.db, practice.organization_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("practice without organisation")))?;
    let hub_inbox = Url::parse(hub.shared_inbox.as_deref().unwrap_or(&hub.inbox))?;
    let offer_id = Url::parse(&urls::new_activity(&ctx.config))?;
    let mut tx = ctx.db.begin().await?;
    let row = candidacies::insert(
        &mut tx,
        NewCandidacy {
            offer_id: offer_id.to_string(),
            ap_id: None,
            call_id: None,
            call_ap_id: doc.id.to_string(),
            call_title: doc.name.clone().unwrap_or_default(),
            hub_inbox: Some(hub_inbox.to_string()),
            practice_id: practice.id,
            organization_id: org.id,
            form: serde_json::to_string(&p.form)?,
            status: Status::Offered,
        },
    )
    .await
    .map_err(|e| match e {
        // Proposed twice at once: the index of open candidacies keeps one.
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            AppError::Conflict("this practice is already a candidate to this call".into())
        }
        e => e.into(),
    })?
    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a fresh Offer id was taken")))?;
    if let Some(s) = &p.self_assessment {
        candidacies::insert_self_assessment(&mut tx, row.id, &serde_json::to_string(s)?).await?;
    }
    candidacies::add_history(
        &mut tx,
        row.id,
        "offered",
        Some(Status::Offered),
        None,
        &user.username,
        crate::db::now(),
    )
    .await?;
    let practice_url = Url::parse(&practice.ap_id)?;
    offer::send(
        ctx,
        &mut tx,
        &org,
        &offer::Proposal {
            offer_id: &offer_id,
            practice: &practice_url,
            call: &doc.id,
            hub_actor: &hub.ap_id.0,
            hub_inbox: &hub_inbox,
            form: &p.form,
        },
    )
    .await?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    view(ctx, user, row).await
}

/// The manager resubmits the form after the hub asked for changes.
pub async fn resubmit(ctx: &Ctx, user: &UserRow, id: i64, r: Resubmit) -> AppResult<CandidacyView> {
    let row = found(ctx, id).await?;
    if row.call_id.is_some() || !is_manager_of(user, row.organization_id) {
        return Err(AppError::Forbidden(
            "only a manager of the proposing organisation resubmits, on its own instance".into(),
        ));
    }
    if let Err(bad) = r.form.check() {
        return Err(AppError::Invalid(bad));
    }
    let practice = practices::by_id(&ctx.db, row.practice_id)
        .await?
        .ok_or_else(|| AppError::NotFound("the practice is gone".into()))?;
    let org = actors::by_id(&ctx.db, row.organization_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("candidacy without organisation")))?;
    // Read again for its holder, before the transaction (no lock across network I/O).
    let (doc, _) = hub_of(ctx, &row.call_ap_id).await?;
    let hub_actor = doc.attributed_to;
    let mut tx = ctx.db.begin().await?;
    let row = locked(&mut tx, id).await?;
    if row.status != Status::ChangesRequested {
        return Err(AppError::Conflict(format!(
            "candidacy {id} is {}: a resubmission answers a request for changes",
            row.status
        )));
    }
    let inbox = row
        .hub_inbox
        .as_deref()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no hub inbox")))?;
    let (hub_inbox, call, offer_id, practice_url) = (
        Url::parse(inbox)?,
        Url::parse(&row.call_ap_id)?,
        Url::parse(&row.offer_id)?,
        Url::parse(&practice.ap_id)?,
    );
    candidacies::set_form(&mut tx, row.id, &serde_json::to_string(&r.form)?).await?;
    candidacies::set_status(&mut tx, row.id, Status::Resubmitted, None).await?;
    candidacies::add_history(
        &mut tx,
        row.id,
        "resubmitted",
        Some(Status::Resubmitted),
        None,
        &user.username,
        crate::db::now(),
    )
    .await?;
    offer::send_update(
        ctx,
        &mut tx,
        &org,
        &offer::Proposal {
            offer_id: &offer_id,
            practice: &practice_url,
            call: &call,
            hub_actor: &hub_actor,
            hub_inbox: &hub_inbox,
            form: &r.form,
        },
    )
    .await?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    get(ctx, user, id).await
}
