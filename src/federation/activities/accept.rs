//! `Accept` or `Reject` of a `Follow` one of our actors sent.

use serde_json::Value;

use crate::{
    db::{actors, follows},
    federation::{
        apply::ApplyError,
        protocol::activities::{Follow, Wrapping},
    },
    state::Ctx,
};

pub async fn receive(ctx: &Ctx, value: &Value, accepted: bool) -> Result<(), ApplyError> {
    let w: Wrapping = serde_json::from_value(value.clone())?;
    let object_id = w
        .object_id()
        .ok_or_else(|| ApplyError::Permanent("the object has no id".into()))?;
    let mut follow = follows::by_activity_id(&ctx.db, object_id.as_str()).await?;
    // Some servers answer with a Follow whose id they made up: match on the pair then.
    if follow.is_none() {
        if let Some(f) = w.embedded::<Follow>() {
            let follower = actors::by_ap_id(&ctx.db, f.actor.as_str()).await?;
            let target = actors::by_ap_id(&ctx.db, f.object.as_str()).await?;
            if let (Some(a), Some(b)) = (follower, target) {
                follow = follows::get(&ctx.db, a.id, b.id).await?;
            }
        }
    }
    let follow = follow
        .ok_or_else(|| ApplyError::Permanent(format!("no follow of ours matches {object_id}")))?;
    let target = actors::by_id(&ctx.db, follow.target_id)
        .await?
        .ok_or_else(|| ApplyError::Permanent("the followed actor is gone".into()))?;
    if target.ap_id.as_str() != w.actor.as_str() {
        return Err(ApplyError::Permanent(format!(
            "{} cannot answer a follow of {}",
            w.actor, target.ap_id
        )));
    }
    if accepted {
        follows::mark_accepted(&ctx.db, follow.id).await?;
    } else {
        follows::delete(&ctx.db, follow.follower_id, follow.target_id).await?;
    }
    Ok(())
}
