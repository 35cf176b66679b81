//! A comment removed: by a `Delete` from its author or its thread's owner, or found gone
//! (410) when announced.

use url::Url;

use super::refresh_document;
use crate::{
    config::host_port,
    db::{
        actors::{self, ActorRow},
        comments::{self, CommentRow},
        practices::{self, PracticeRow},
        Db,
    },
    error::AppError,
    federation::{activities::delete, error::ApplyError, outbox, protocol::activities::Delete},
    state::Ctx,
};

/// A `Delete` of a comment held here, honoured from its author or from the organisation of
/// its practice (which moderates the thread it owns). When the practice is ours, the deletion
/// goes on to the organisation's followers. `false`: not a comment held here.
pub async fn receive_delete(ctx: &Ctx, d: &Delete) -> Result<bool, ApplyError> {
    let id = d.object_id();
    let Some(c) = comments::by_ap_id(&ctx.db, id.as_str()).await? else {
        return Ok(false);
    };
    let (practice, org, author) = owners(&ctx.db, &c).await?;
    let by = d.actor.as_str();
    // Our comment on a remote practice leaves its thread when the thread's owner removes it;
    // nobody else deletes a local comment.
    if c.local && (practice.local || by != org.ap_id.as_str()) {
        return Err(ApplyError::permanent(
            "cannot delete a local comment from outside",
        ));
    }
    if by != author.ap_id.as_str() && by != org.ap_id.as_str() {
        return Err(ApplyError::permanent(format!(
            "{by} neither wrote {id} nor owns its thread"
        )));
    }
    mark_gone(ctx, &c, &practice, &org).await?;
    Ok(true)
}

/// An announced comment that answers 410 at its origin: deleted here too, when the announcer
/// owns its thread, or is the instance actor of the practice's host (the relay to the
/// instances that follow it: a comment removed there is announced by that actor).
pub async fn announced_gone(ctx: &Ctx, by: &Url, id: &Url) -> Result<(), ApplyError> {
    let Some(c) = comments::by_ap_id(&ctx.db, id.as_str()).await? else {
        return Ok(());
    };
    let (practice, org, _) = owners(&ctx.db, &c).await?;
    if c.local {
        return Ok(());
    }
    if org.ap_id.as_str() != by.as_str() && !relayed_by_host(ctx, by, &practice).await? {
        return Ok(());
    }
    mark_gone(ctx, &c, &practice, &org).await
}

/// Whether `by` is the instance actor (an `Application`) of the host of `practice`.
async fn relayed_by_host(ctx: &Ctx, by: &Url, practice: &PracticeRow) -> Result<bool, ApplyError> {
    let Ok(p) = Url::parse(&practice.ap_id) else {
        return Ok(false);
    };
    if host_port(by) != host_port(&p) {
        return Ok(false);
    }
    Ok(actors::by_ap_id(&ctx.db, by.as_str())
        .await?
        .is_some_and(|a| a.kind == crate::domain::actor::ActorKind::Application))
}

async fn owners(db: &Db, c: &CommentRow) -> Result<(PracticeRow, ActorRow, ActorRow), ApplyError> {
    let practice = practices::by_id(db, c.practice_id)
        .await?
        .ok_or_else(|| ApplyError::permanent("a comment without its practice"))?;
    let org = actors::by_id(db, practice.organization_id)
        .await?
        .ok_or_else(|| ApplyError::permanent("a practice without its organisation"))?;
    let author = actors::by_id(db, c.author_id)
        .await?
        .ok_or_else(|| ApplyError::permanent("a comment without its author"))?;
    Ok((practice, org, author))
}

async fn mark_gone(
    ctx: &Ctx,
    c: &CommentRow,
    practice: &PracticeRow,
    org: &ActorRow,
) -> Result<(), ApplyError> {
    if c.deleted_at.is_some() {
        return Ok(());
    }
    let mut tx = ctx.db.begin().await?;
    comments::mark_deleted(&mut tx, c.id, crate::db::now()).await?;
    if practice.local {
        delete::send_comment_by_owner(
            ctx,
            &mut tx,
            org,
            &Url::parse(&c.ap_id).map_err(AppError::from)?,
        )
        .await?;
    }
    tx.commit().await?;
    if practice.local {
        outbox::wake(ctx.app_data());
        refresh_document(ctx, practice).await;
    }
    Ok(())
}
