//! `Create` (on publication) and `Update` (on an edit) of a practice's whole `Article`: sent by
//! its organisation to its followers (a publication is also announced by the sectors' topics),
//! received from other instances' organisations.
//!
//! The same of a comment's `Note`: sent by a local author to the organisation of the remote
//! practice it discusses (the owner of the thread, which announces it on), received from any
//! author whose reply belongs to a thread held here.
//!
//! An `Update` of an actor by itself is received by reading the actor again from its server.

use activitypub_federation::{
    fetch::object_id::ObjectId,
    kinds::activity::{CreateType, UpdateType},
};
use serde::Serialize;
use url::Url;

use crate::{
    db::{actors::ActorRow, practices::PracticeRow, Tx},
    domain::{actor::ActorKind, practice::PracticeRecord},
    error::AppResult,
    federation::{
        activities::announce,
        error::ApplyError,
        objects::{
            admission::Arrival,
            comment::{concerns_us, store_note, Via},
            practice::{author_of, fetch, org_of, practice_context, store_remote, to_article},
            practice_index::figure_of,
        },
        outbox,
        protocol::{
            activities::{CreateOrUpdate, Posted},
            context::AS_PUBLIC,
            objects::{ArticleKind, Note},
        },
        urls,
    },
    state::Ctx,
};

/// Which of the two is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Create,
    Update,
}

fn wrap<K: Serialize>(
    ctx: &Ctx,
    kind: K,
    actor: &Url,
    cc: Vec<String>,
    object: Posted,
) -> AppResult<CreateOrUpdate<K>> {
    Ok(CreateOrUpdate {
        context: Some(practice_context()),
        id: Url::parse(&urls::new_activity(&ctx.config))?,
        kind,
        actor: actor.clone(),
        to: vec![AS_PUBLIC.into()],
        cc,
        object,
    })
}

/// Queues the `Create` or `Update` of a published practice for its organisation's followers.
pub async fn send(
    ctx: &Ctx,
    tx: &mut Tx,
    change: Change,
    row: &PracticeRow,
    record: &PracticeRecord,
) -> AppResult<()> {
    // Read in the transaction that changes the practice, not beside it.
    let org = org_of(&mut *tx, row).await?;
    let author = author_of(&mut *tx, row).await?;
    let mut article = to_article(ctx, row, record, &org, author.as_ref())?;
    article.context = None;
    article.good_index = figure_of(&mut *tx, row).await?;
    if let Some(f) = &article.good_index {
        // This Article carries the index as of `f.updated`: nothing left to publish for it,
        // unless it changed since.
        let at = f.updated.timestamp_millis();
        crate::db::good_index::mark_sent(tx, row.id, at, crate::db::now_ms()).await?;
    }
    article.recognitions =
        crate::federation::objects::candidacy::recognitions(&mut *tx, row).await?;
    let cc: Vec<String> = org.followers_url.iter().cloned().collect();
    let object = Posted::Article(Box::new(article));
    let sent = match change {
        Change::Create => {
            let a = wrap(ctx, CreateType::Create, &org.ap_id, cc, object)?;
            let sent = outbox::to_followers(tx, ctx.app_data(), &org, &a, true).await?;
            announce::send_by_topics(ctx, tx, row, &record.sectors).await?;
            sent
        }
        Change::Update => {
            let a = wrap(ctx, UpdateType::Update, &org.ap_id, cc, object)?;
            outbox::to_followers(tx, ctx.app_data(), &org, &a, true).await?
        }
    };
    outbox::to_candidacy_hubs(tx, ctx.app_data(), sent, row.id, false).await?;
    outbox::relay(tx, ctx.app_data(), sent, &Url::parse(&row.ap_id)?).await?;
    Ok(())
}

/// Queues the local `author`'s `Create` or `Update` of their comment `note` on a remote
/// practice, to the practice's organisation `org` (mentioned in the note).
pub async fn send_note(
    ctx: &Ctx,
    tx: &mut Tx,
    change: Change,
    author: &ActorRow,
    org: &ActorRow,
    mut note: Note,
) -> AppResult<()> {
    let context = note.context.take();
    let cc = note.cc.clone();
    let object = Posted::Note(Box::new(note));
    let inbox = Url::parse(org.shared_inbox.as_deref().unwrap_or(&org.inbox))?;
    match change {
        Change::Create => {
            let mut a = wrap(ctx, CreateType::Create, &author.ap_id, cc, object)?;
            a.context = context;
            outbox::enqueue(tx, ctx.app_data(), author, &a, &[inbox], true).await?;
        }
        Change::Update => {
            let mut a = wrap(ctx, UpdateType::Update, &author.ap_id, cc, object)?;
            a.context = context;
            outbox::enqueue(tx, ctx.app_data(), author, &a, &[inbox], true).await?;
        }
    }
    Ok(())
}

/// Queues the local `author`'s `Update` of their comment `note` on a practice of ours, to
/// the followers of the practice's organisation `org` (who got the comment announced).
pub async fn send_note_edit_to_followers(
    ctx: &Ctx,
    tx: &mut Tx,
    author: &ActorRow,
    org: &ActorRow,
    mut note: Note,
) -> AppResult<()> {
    let context = note.context.take();
    let cc = note.cc.clone();
    let mut a = wrap(
        ctx,
        UpdateType::Update,
        &author.ap_id,
        cc,
        Posted::Note(Box::new(note)),
    )?;
    a.context = context;
    outbox::to_followers_of(tx, ctx.app_data(), author, org, &a, true).await?;
    Ok(())
}

/// A practice created or changed on another instance: stored as its actor's, when the actor
/// is its organisation.
pub async fn receive(ctx: &Ctx, actor: Url, object: Posted) -> Result<(), ApplyError> {
    let object = match object {
        Posted::Id(id) => {
            crate::federation::objects::admission::worth_fetching(ctx, &actor, &id).await?;
            fetch(ctx, &id).await?
        }
        other => other,
    };
    match object {
        Posted::Article(a) if a.kind == ArticleKind::Article => {
            store_remote(ctx, &a, &actor, Arrival::Sent).await
        }
        Posted::Note(n) if concerns_us(ctx, &n).await? => {
            store_note(ctx, &n, Via::Sent(&actor), 0).await.map(|_| ())
        }
        // An actor's `Update` of itself (a new name, summary or key): read again from its
        // server rather than taken from the activity, so what is stored is what it serves
        // (and its practices are reindexed when its name changed).
        Posted::Other { kind, id: Some(id) }
            if id == actor && kind.parse::<ActorKind>().is_ok() =>
        {
            ObjectId::<ActorRow>::from(id)
                .dereference_forced(ctx)
                .await
                .map(|_| ())
                .map_err(ApplyError::from)
        }
        other => {
            let object = other.id().map(Url::as_str).unwrap_or("(no id)");
            tracing::info!(%object, "object type not handled yet; stored only");
            Ok(())
        }
    }
}
