//! `Undo` of a `Follow`: a local person stops following (send), a remote follower leaves
//! (receive); and of a `Like` or `Dislike`: an endorsement withdrawn or changed (see
//! `like`).

use activitypub_federation::kinds::activity::{FollowType, UndoType};
use url::Url;

use crate::{
    db::{actors::ActorRow, follows, Tx},
    error::AppResult,
    federation::{
        error::ApplyError,
        outbox,
        protocol::{
            activities::{Follow, Undo, Undone},
            context::context,
        },
        urls,
    },
    state::Ctx,
};

/// Forgets that `me` follows `target` and, for a remote target, queues the `Undo` of the
/// original `Follow` (by its id).
pub async fn send_unfollow(
    ctx: &Ctx,
    tx: &mut Tx,
    me: &ActorRow,
    target: &ActorRow,
    follow_id: &str,
) -> AppResult<()> {
    follows::delete(&mut *tx, me.id, target.id).await?;
    if target.local {
        return Ok(());
    }
    let undo = Undo {
        context: Some(context()),
        id: Url::parse(&urls::new_activity(&ctx.config))?,
        kind: UndoType::Undo,
        actor: me.ap_id.0.clone(),
        object: Undone::Follow(Box::new(Follow {
            context: None,
            id: Url::parse(follow_id)?,
            kind: FollowType::Follow,
            actor: me.ap_id.0.clone(),
            object: target.ap_id.0.clone(),
            to: Vec::new(),
        })),
        to: vec![target.ap_id.to_string()],
    };
    let inbox = Url::parse(&target.inbox)?;
    outbox::enqueue(tx, ctx.app_data(), me, &undo, &[inbox], false).await?;
    Ok(())
}

pub async fn receive(ctx: &Ctx, u: Undo) -> Result<(), ApplyError> {
    // An endorsement taken back; an Undo naming only an id may be one too.
    if matches!(
        u.object,
        Undone::Like(_) | Undone::Dislike(_) | Undone::Id(_)
    ) && super::like::receive_undo(ctx, &u).await?
    {
        return Ok(());
    }
    let (follow_id, pair) = match &u.object {
        Undone::Follow(f) => {
            if f.actor != u.actor {
                return Err(ApplyError::permanent("only the follower can undo a follow"));
            }
            (f.id.clone(), Some((f.actor.as_str(), f.object.as_str())))
        }
        Undone::Id(id) => (id.clone(), None),
        // Handled above (`receive_undo` answers true for every embedded endorsement).
        Undone::Like(_) | Undone::Dislike(_) => return Ok(()),
        Undone::Other { kind, .. } => {
            tracing::info!(
                kind,
                "Undo of an activity type not handled yet; stored only"
            );
            return Ok(());
        }
    };
    let Some(row) = follows::find(&ctx.db, follow_id.as_str(), pair).await? else {
        return Ok(()); // nothing of ours to undo
    };
    let follower = crate::db::actors::by_id(&ctx.db, row.follower_id).await?;
    if follower.map(|a| a.ap_id.as_str() == u.actor.as_str()) != Some(true) {
        return Err(ApplyError::permanent("only the follower can undo a follow"));
    }
    follows::delete(ctx.db.writer(), row.follower_id, row.target_id).await?;
    Ok(())
}
