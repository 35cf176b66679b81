//! `Delete` of a practice: sent to followers when a published practice is deleted here (its
//! URL answers 410 afterwards), honoured from another instance only from the organisation.
//!
//! `Delete` of a comment: by its author to the practice's organisation (a comment on a remote
//! practice), and by the organisation to its followers (a comment on one of ours, deleted by
//! its author or by a moderator); honoured from the author or the thread's organisation.

use activitypub_federation::kinds::activity::DeleteType;
use url::Url;

use crate::{
    db::{actors, actors::ActorRow, practices, practices::PracticeRow, Tx},
    error::AppResult,
    federation::{
        error::ApplyError,
        objects::{
            comment,
            practice::{org_of, practice_context},
        },
        outbox,
        protocol::{
            activities::{Delete, ObjectOrId},
            context::{context, AS_PUBLIC},
            objects::Tombstone,
        },
        urls,
    },
    state::Ctx,
};

pub async fn send(ctx: &Ctx, tx: &mut Tx, row: &PracticeRow) -> AppResult<()> {
    let org = org_of(&mut *tx, row).await?;
    let delete = Delete {
        context: Some(practice_context()),
        id: Url::parse(&urls::new_activity(&ctx.config))?,
        kind: DeleteType::Delete,
        actor: org.ap_id.0.clone(),
        to: vec![AS_PUBLIC.into()],
        cc: org.followers_url.iter().cloned().collect(),
        object: ObjectOrId::Object(Box::new(Tombstone::of_article(
            Url::parse(&row.ap_id)?,
            None,
        ))),
    };
    let sent = outbox::to_followers(tx, ctx.app_data(), &org, &delete, true).await?;
    outbox::to_candidacy_hubs(tx, ctx.app_data(), sent, row.id, true).await?;
    // Relayed by id: the instance's followers fetch it, get 410, and delete their copy.
    outbox::relay(tx, ctx.app_data(), sent, &Url::parse(&row.ap_id)?).await?;
    Ok(())
}

fn comment_delete(ctx: &Ctx, actor: &ActorRow, cc: Vec<String>, note: &Url) -> AppResult<Delete> {
    Ok(Delete {
        context: Some(context()),
        id: Url::parse(&urls::new_activity(&ctx.config))?,
        kind: DeleteType::Delete,
        actor: actor.ap_id.0.clone(),
        to: vec![AS_PUBLIC.into()],
        cc,
        object: ObjectOrId::Object(Box::new(Tombstone::of(note.clone(), "Note", None))),
    })
}

/// Queues `org`'s `Delete` of a comment on one of its practices, to its followers.
pub async fn send_comment_by_owner(
    ctx: &Ctx,
    tx: &mut Tx,
    org: &ActorRow,
    note: &Url,
) -> AppResult<()> {
    let d = comment_delete(ctx, org, org.followers_url.iter().cloned().collect(), note)?;
    let sent = outbox::to_followers(tx, ctx.app_data(), org, &d, true).await?;
    outbox::relay(tx, ctx.app_data(), sent, note).await?;
    Ok(())
}

/// Queues the local `author`'s `Delete` of their comment on a practice of ours, to the
/// followers of its organisation `org` (beside the organisation's own `Delete`).
pub async fn send_comment_by_author_to_followers(
    ctx: &Ctx,
    tx: &mut Tx,
    author: &ActorRow,
    org: &ActorRow,
    note: &Url,
) -> AppResult<()> {
    let d = comment_delete(
        ctx,
        author,
        org.followers_url.iter().cloned().collect(),
        note,
    )?;
    outbox::to_followers_of(tx, ctx.app_data(), author, org, &d, true).await?;
    Ok(())
}

/// Queues the local `author`'s `Delete` of their comment on a remote practice, to the
/// practice's organisation (which tells its followers).
pub async fn send_comment_by_author(
    ctx: &Ctx,
    tx: &mut Tx,
    author: &ActorRow,
    org: &ActorRow,
    note: &Url,
) -> AppResult<()> {
    let d = comment_delete(ctx, author, vec![org.ap_id.to_string()], note)?;
    let inbox = Url::parse(org.shared_inbox.as_deref().unwrap_or(&org.inbox))?;
    outbox::enqueue(tx, ctx.app_data(), author, &d, &[inbox], true).await?;
    Ok(())
}

pub async fn receive(ctx: &Ctx, d: Delete) -> Result<(), ApplyError> {
    if comment::receive_delete(ctx, &d).await? {
        return Ok(());
    }
    let id = d.object_id();
    let mut tx = ctx.db.begin().await?;
    let Some(row) = practices::by_ap_id(&mut tx, id.as_str()).await? else {
        return Ok(()); // not a practice we hold (an actor, a note…)
    };
    if row.local {
        return Err(ApplyError::permanent(
            "cannot delete a local practice from outside",
        ));
    }
    let owner = actors::by_id(&mut tx, row.organization_id).await?;
    if owner.map(|o| o.ap_id.as_str() == d.actor.as_str()) != Some(true) {
        return Err(ApplyError::permanent(format!(
            "{} does not own {id}",
            d.actor
        )));
    }
    practices::mark_deleted(&mut tx, row.id, crate::db::now()).await?;
    tx.commit().await?;
    Ok(())
}
