//! `Announce` of a practice: each of its sectors' topics shares a new publication with the
//! topic's followers (FEP-1b12 style); an announced practice from elsewhere is fetched from
//! its origin and stored.

use activitypub_federation::kinds::activity::AnnounceType;
use url::Url;

use crate::{
    db::{actors, practices::PracticeRow, Tx},
    domain::vocab::Sector,
    error::AppResult,
    federation::{
        error::ApplyError,
        objects::{
            admission::Arrival,
            practice::{fetch, practice_context, store_article},
        },
        outbox,
        protocol::{
            activities::{Announce, Posted},
            context::AS_PUBLIC,
        },
        urls,
    },
    state::Ctx,
};

/// Queues an `Announce` of the practice by each of its sectors' topics, to the topic's
/// followers.
pub async fn send_by_topics(
    ctx: &Ctx,
    tx: &mut Tx,
    row: &PracticeRow,
    sectors: &[Sector],
) -> AppResult<()> {
    for s in sectors {
        let Some(topic) = actors::local_by_username(&mut *tx, s.slug()).await? else {
            continue;
        };
        let announce = Announce {
            context: Some(practice_context()),
            id: Url::parse(&urls::new_activity(&ctx.config))?,
            kind: AnnounceType::Announce,
            actor: topic.ap_id.0.clone(),
            to: vec![AS_PUBLIC.into()],
            cc: topic.followers_url.iter().cloned().collect(),
            object: Url::parse(&row.ap_id)?,
        };
        outbox::to_followers(tx, ctx.app_data(), &topic, &announce, true).await?;
    }
    Ok(())
}

/// A topic or anyone else shares a practice: fetch it from its origin (never trust an
/// embedded copy from another server) and store it.
pub async fn receive(ctx: &Ctx, a: Announce) -> Result<(), ApplyError> {
    crate::federation::objects::admission::worth_fetching(ctx, &a.actor, &a.object).await?;
    match fetch(ctx, &a.object).await? {
        Posted::Article(article) => store_article(ctx, &article, Arrival::Shared(&a.actor)).await,
        _ => Ok(()),
    }
}
