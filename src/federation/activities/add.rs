//! `Add` of a recognised practice to the hub's `/actor/recognised` collection, with the
//! instance actor's `Announce` of the practice (Mastodon shows the boost; Prassi peers read
//! the `Add`), both to the instance actor's followers.

use activitypub_federation::kinds::activity::AnnounceType;
use url::Url;

use crate::{
    db::Tx,
    error::AppResult,
    federation::{
        objects::candidacy::candidacy_context,
        outbox,
        protocol::{
            activities::{offer::Add, Announce},
            context::AS_PUBLIC,
        },
        urls,
    },
    state::Ctx,
};

/// Queues the instance actor's `Announce` of `practice` and its `Add` to the recognised
/// practices, for its followers.
pub async fn send_recognised(ctx: &Ctx, tx: &mut Tx, practice: &Url) -> AppResult<()> {
    let me = &ctx.instance_actor;
    let cc: Vec<String> = me.followers_url.iter().cloned().collect();
    let announce = Announce {
        context: Some(candidacy_context()),
        id: Url::parse(&urls::new_activity(&ctx.config))?,
        kind: AnnounceType::Announce,
        actor: me.ap_id.0.clone(),
        to: vec![AS_PUBLIC.into()],
        cc: cc.clone(),
        object: practice.clone(),
    };
    outbox::to_followers(tx, ctx.app_data(), me, &announce, true).await?;
    let add = Add {
        context: Some(candidacy_context()),
        id: Url::parse(&urls::new_activity(&ctx.config))?,
        kind: "Add".into(),
        actor: me.ap_id.0.clone(),
        object: practice.clone(),
        target: Url::parse(&urls::recognised(&ctx.config))?,
        to: vec![AS_PUBLIC.into()],
        cc,
    };
    outbox::to_followers(tx, ctx.app_data(), me, &add, true).await?;
    Ok(())
}
