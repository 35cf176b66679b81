//! `Accept` (and `Reject`) of a `Follow`: we accept every follow of our actors (send), and
//! remote actors answer the follows our persons sent (receive).

use activitypub_federation::kinds::activity::AcceptType;
use url::Url;

use crate::{
    db::{actors, actors::ActorRow, follows, Tx},
    error::AppResult,
    federation::{
        error::ApplyError,
        outbox,
        protocol::{
            activities::{Accept, Answer, Follow, ObjectOrId},
            context::context,
        },
        urls,
    },
    state::Ctx,
};

/// Queues `target`'s `Accept` of `follow` to `follower`'s inbox.
pub async fn send(
    ctx: &Ctx,
    tx: &mut Tx,
    target: &ActorRow,
    follower: &ActorRow,
    mut follow: Follow,
) -> AppResult<()> {
    follow.context = None;
    let accept = Accept {
        context: Some(context()),
        id: Url::parse(&urls::new_activity(&ctx.config))?,
        kind: AcceptType::Accept,
        actor: target.ap_id.0.clone(),
        object: ObjectOrId::Object(Box::new(follow)),
        to: vec![follower.ap_id.to_string()],
    };
    let inbox = Url::parse(&follower.inbox)?;
    outbox::enqueue(tx, ctx.app_data(), target, &accept, &[inbox], false).await?;
    Ok(())
}

/// The target of a follow one of ours sent answers it: accepted, or rejected (forgotten).
pub async fn receive<K>(ctx: &Ctx, a: &Answer<K>, accepted: bool) -> Result<(), ApplyError> {
    let pair = a
        .object
        .embedded()
        .map(|f| (f.actor.as_str(), f.object.as_str()));
    let follow = follows::find(&ctx.db, a.follow_id().as_str(), pair)
        .await?
        .ok_or_else(|| {
            ApplyError::permanent(format!("no follow of ours matches {}", a.follow_id()))
        })?;
    let target = actors::by_id(&ctx.db, follow.target_id)
        .await?
        .ok_or_else(|| ApplyError::permanent("the followed actor is gone"))?;
    if target.ap_id.as_str() != a.actor.as_str() {
        return Err(ApplyError::permanent(format!(
            "{} cannot answer a follow of {}",
            a.actor, target.ap_id
        )));
    }
    if accepted {
        follows::mark_accepted(ctx.db.writer(), follow.id).await?;
    } else {
        follows::delete(ctx.db.writer(), follow.follower_id, follow.target_id).await?;
    }
    Ok(())
}
