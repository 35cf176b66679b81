//! `Undo`: for now, of a `Follow` (later steps add likes and announces).

use serde_json::Value;

use crate::{
    db::{actors, follows},
    federation::{
        apply::ApplyError,
        protocol::activities::{Follow, Wrapping},
    },
    state::Ctx,
};

pub async fn receive(ctx: &Ctx, value: &Value) -> Result<(), ApplyError> {
    let w: Wrapping = serde_json::from_value(value.clone())?;
    let inner_kind = w.object.get("type").and_then(Value::as_str);
    let follow = match (inner_kind, w.embedded::<Follow>()) {
        (Some("Follow"), Some(f)) => Some(f),
        (Some(_), _) => None,
        // A bare id: look the follow up by its activity id.
        (None, _) => {
            let id = w
                .object_id()
                .ok_or_else(|| ApplyError::Permanent("Undo of nothing".into()))?;
            match follows::by_activity_id(&ctx.db, id.as_str()).await? {
                Some(row) => {
                    let follower = actors::by_id(&ctx.db, row.follower_id).await?;
                    if follower.map(|a| a.ap_id.as_str() == w.actor.as_str()) != Some(true) {
                        return Err(ApplyError::Permanent(
                            "only the follower can undo a follow".into(),
                        ));
                    }
                    follows::delete(&ctx.db, row.follower_id, row.target_id).await?;
                    return Ok(());
                }
                None => return Ok(()),
            }
        }
    };
    let Some(f) = follow else {
        tracing::info!("Undo of an activity type not handled yet; stored only");
        return Ok(());
    };
    if f.actor != w.actor {
        return Err(ApplyError::Permanent(
            "only the follower can undo a follow".into(),
        ));
    }
    let follower = actors::by_ap_id(&ctx.db, f.actor.as_str()).await?;
    let target = actors::by_ap_id(&ctx.db, f.object.as_str()).await?;
    if let (Some(a), Some(b)) = (follower, target) {
        follows::delete(&ctx.db, a.id, b.id).await?;
    }
    Ok(())
}
