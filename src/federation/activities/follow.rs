//! `Follow`: a local person follows an actor anywhere (send), and a remote actor follows one of
//! ours (receive: record the follower and answer `Accept`).

use activitypub_federation::{fetch::object_id::ObjectId, kinds::activity::FollowType};
use url::Url;

use crate::{
    db::{
        actors::{self, ActorRow},
        follows, Tx,
    },
    error::AppResult,
    federation::{
        activities::accept, error::ApplyError, outbox, protocol::activities::Follow,
        protocol::context::context, urls,
    },
    state::Ctx,
};

/// Records that `me` follows `target` (accepted at once when the target is local) and, for a
/// remote target, queues the `Follow`. Returns the follow's activity id.
pub async fn send(ctx: &Ctx, tx: &mut Tx, me: &ActorRow, target: &ActorRow) -> AppResult<Url> {
    let id = Url::parse(&urls::new_activity(&ctx.config))?;
    follows::upsert(tx, me.id, target.id, id.as_str(), target.local).await?;
    if !target.local {
        let follow = Follow {
            context: Some(context()),
            id: id.clone(),
            kind: FollowType::Follow,
            actor: me.ap_id.0.clone(),
            object: target.ap_id.0.clone(),
            to: vec![target.ap_id.to_string()],
        };
        let inbox = Url::parse(&target.inbox)?;
        outbox::enqueue(tx, ctx.app_data(), me, &follow, &[inbox], false).await?;
    }
    Ok(id)
}

pub async fn receive(ctx: &Ctx, f: Follow) -> Result<(), ApplyError> {
    let target = actors::by_ap_id(&ctx.db, f.object.as_str())
        .await?
        .filter(|a| a.local)
        .ok_or_else(|| ApplyError::permanent(format!("{} is not a local actor", f.object)))?;
    let follower = ObjectId::<ActorRow>::from(f.actor.clone())
        .dereference(ctx)
        .await
        .map_err(ApplyError::from)?;
    let mut tx = ctx.db.begin().await?;
    follows::upsert(&mut tx, follower.id, target.id, f.id.as_str(), true).await?;
    accept::send(ctx, &mut tx, &target, &follower, f).await?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    Ok(())
}
