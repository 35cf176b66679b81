//! `Announce` of a practice: each of its sectors' topics shares a new publication with the
//! topic's followers (FEP-1b12 style); an announced practice from elsewhere is fetched from
//! its origin and stored.
//!
//! `Announce` of a comment: the organisation that owns a practice's thread shares each
//! comment it accepts (and again each edit) with its followers, by the comment's id as
//! Mastodon boosts; a follower fetches it from its origin, so an edit is read afresh and a
//! comment gone (410) is deleted.
//!
//! The relay: an instance actor announces every public change of its instance to the
//! instances that follow it (`outbox::relay`); a practice announced by its host's instance
//! actor that answers 410 is deleted here.

use activitypub_federation::kinds::activity::AnnounceType;
use url::Url;

use crate::{
    db::{actors, actors::ActorRow, comments, practices::PracticeRow, Tx},
    domain::vocab::Sector,
    error::AppResult,
    federation::{
        error::ApplyError,
        objects::{
            admission::Arrival,
            comment::{self, Fetched, Via},
            practice::{gone as practice_gone, practice_context, store_article},
        },
        outbox,
        protocol::{
            activities::{Announce, Posted},
            context::{context, AS_PUBLIC},
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

/// Queues `org`'s `Announce` of the comment `note` (on one of its practices) to its
/// followers: on acceptance and after each edit.
pub async fn send_comment(ctx: &Ctx, tx: &mut Tx, org: &ActorRow, note: &Url) -> AppResult<()> {
    let announce = Announce {
        context: Some(context()),
        id: Url::parse(&urls::new_activity(&ctx.config))?,
        kind: AnnounceType::Announce,
        actor: org.ap_id.0.clone(),
        to: vec![AS_PUBLIC.into()],
        cc: org.followers_url.iter().cloned().collect(),
        object: note.clone(),
    };
    let sent = outbox::to_followers(tx, ctx.app_data(), org, &announce, true).await?;
    outbox::relay(tx, ctx.app_data(), sent, note).await?;
    Ok(())
}

/// A topic or anyone else shares a practice or a comment: fetch it from its origin (never
/// trust an embedded copy from another server) and store it.
pub async fn receive(ctx: &Ctx, a: Announce) -> Result<(), ApplyError> {
    if crate::config::host_port(&a.object) == ctx.config.domain() {
        return Ok(()); // one of ours shared back: we hold it
    }
    let held = comments::by_ap_id(&ctx.db, a.object.as_str())
        .await?
        .is_some();
    if !held {
        crate::federation::objects::admission::worth_fetching(ctx, &a.actor, &a.object).await?;
    }
    match comment::fetch_object(ctx, &a.object).await? {
        Fetched::Gone
            if crate::db::practices::by_ap_id(&ctx.db, a.object.as_str())
                .await?
                .is_some() =>
        {
            // A relayed deletion: the instance actor of the practice's host announced it.
            if crate::config::host_port(&a.actor) == crate::config::host_port(&a.object) {
                practice_gone(ctx, &a.object).await?;
            }
            Ok(())
        }
        Fetched::Gone if !held => {
            // Neither a practice nor a comment held here: when the instance actor of its host
            // announces it gone, it is a practice deleted there before we stored it (a walk
            // in progress may still hold a page that lists it): remembered, so that copy is
            // refused.
            if announced_by_its_host(ctx, &a).await? {
                crate::db::practices::insert_tombstone(
                    ctx.db.writer(),
                    a.object.as_str(),
                    crate::db::now(),
                )
                .await?;
                tracing::info!(object = %a.object, "announced gone by its host before we held it; tombstone kept");
            }
            Ok(())
        }
        Fetched::Gone => comment::announced_gone(ctx, &a.actor, &a.object).await,
        Fetched::Posted(Posted::Article(article)) => {
            store_article(ctx, &article, Arrival::Shared(&a.actor)).await
        }
        Fetched::Posted(Posted::Note(note)) if comment::concerns_us(ctx, &note).await? => {
            comment::store_note(ctx, &note, Via::Fetched, 0)
                .await
                .map(|_| ())
        }
        Fetched::Posted(_) => Ok(()),
    }
}

/// Whether `a` is by the instance actor (an `Application` followed here) of its object's host.
async fn announced_by_its_host(ctx: &Ctx, a: &Announce) -> Result<bool, ApplyError> {
    if crate::config::host_port(&a.actor) != crate::config::host_port(&a.object) {
        return Ok(false);
    }
    let Some(actor) = crate::db::actors::by_ap_id(&ctx.db, a.actor.as_str()).await? else {
        return Ok(false);
    };
    Ok(actor.kind == crate::domain::actor::ActorKind::Application
        && crate::db::follows::followed_here(&ctx.db, actor.id).await?)
}
