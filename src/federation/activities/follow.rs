//! `Follow` of a local actor: record the follower and answer `Accept`.

use activitypub_federation::fetch::object_id::ObjectId;
use serde_json::Value;

use crate::{
    db::actors::{self, ActorRow},
    federation::{apply::ApplyError, protocol::activities::Follow},
    service::follows,
    state::Ctx,
};

pub async fn receive(ctx: &Ctx, value: &Value) -> Result<(), ApplyError> {
    let f: Follow = serde_json::from_value(value.clone())?;
    let target = actors::by_ap_id(&ctx.db, f.object.as_str())
        .await?
        .filter(|a| a.local)
        .ok_or_else(|| ApplyError::Permanent(format!("{} is not a local actor", f.object)))?;
    let follower = ObjectId::<ActorRow>::from(f.actor.clone())
        .dereference(ctx)
        .await
        .map_err(ApplyError::from)?;
    follows::accept_incoming(ctx, value, f.id.as_str(), &follower, &target).await?;
    Ok(())
}
