//! `Read`: proof of reading. A local person who opened every part of a version of a remote
//! practice sends it to the practice's organisation once per version (send); the owner
//! records a remote person's reading of its current version (receive). An endorsement that
//! reached the owner before the `Read` stays unverified there: the reader's instance gives it
//! again after the `Read` (and verifies at once one of a practice of its own).

use activitypub_federation::{fetch::object_id::ObjectId, kinds::activity::ReadType};
use url::Url;

use crate::{
    db::{
        actors::ActorRow,
        good_index::{self, Counted},
        participation,
        practices::{self, PracticeRow},
        Tx,
    },
    domain::{
        good_index::{halves, weight},
        practice::PracticeState,
    },
    error::AppResult,
    federation::{
        error::ApplyError,
        objects::practice::{clamp_time, org_of},
        outbox,
        protocol::{activities::Read, context::context},
        urls,
    },
    state::Ctx,
};

/// Records that `reader` completed reading `version` of `practice` and, when the practice is
/// remote, queues the `Read` for its organisation. Nothing happens twice for one version.
pub async fn send(
    ctx: &Ctx,
    tx: &mut Tx,
    reader: &ActorRow,
    practice: &PracticeRow,
    version: &str,
    now_ms: i64,
) -> AppResult<()> {
    if practice.local {
        // The owner is this instance: the endorsement given before the reading ended is
        // the reader's, whose reading we have just seen complete.
        if completed(tx, practice, reader, version, None, now_ms).await? {
            verify_pending(tx, practice, reader, version, None, now_ms).await?;
        }
        return Ok(());
    }
    let id = Url::parse(&urls::new_activity(&ctx.config))?;
    if !completed(tx, practice, reader, version, Some(id.as_str()), now_ms).await? {
        return Ok(());
    }
    let org = org_of(&mut *tx, practice).await?;
    let read = Read {
        context: Some(context()),
        id,
        kind: ReadType::Read,
        actor: reader.ap_id.0.clone(),
        object: Url::parse(&practice.ap_id)?,
        content_digest: version.to_string(),
        to: vec![org.ap_id.to_string()],
        published: chrono::DateTime::from_timestamp_millis(now_ms),
    };
    let inbox = Url::parse(&org.inbox)?;
    outbox::enqueue(tx, ctx.app_data(), reader, &read, &[inbox], false).await?;
    Ok(())
}

pub async fn receive(ctx: &Ctx, r: Read) -> Result<(), ApplyError> {
    let Some(practice) = practices::by_ap_id(&ctx.db, r.object.as_str())
        .await?
        .filter(|p| p.local && p.state == PracticeState::Published)
    else {
        tracing::info!(object = %r.object, "Read of nothing we publish; ignored");
        return Ok(());
    };
    // A reading proves something only of the version the owner holds now.
    if practice.content_digest.as_deref() != Some(r.content_digest.as_str()) {
        tracing::info!(practice = %practice.ap_id, version = %r.content_digest,
            "Read of another version than the current one; ignored");
        return Ok(());
    }
    let reader = ObjectId::<ActorRow>::from(r.actor.clone())
        .dereference(ctx)
        .await
        .map_err(ApplyError::from)?;
    let now = crate::db::now_ms();
    let at = r
        .published
        .and_then(clamp_time)
        .map_or(now, |t| t.timestamp_millis().min(now));
    let mut tx = ctx.db.begin().await?;
    if completed(
        &mut tx,
        &practice,
        &reader,
        &r.content_digest,
        Some(r.id.as_str()),
        at,
    )
    .await?
    {
        // An endorsement given after this reading may have overtaken it on the way.
        verify_pending(&mut tx, &practice, &reader, &r.content_digest, Some(at), at).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Records a completed reading: false when it was known (a replay, whatever its id). An
/// endorsement that reached us before it stays unverified: it was not given after reading
/// (the reader's instance sends it again once the reading is complete).
pub async fn completed(
    tx: &mut Tx,
    practice: &PracticeRow,
    reader: &ActorRow,
    version: &str,
    activity_id: Option<&str>,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    participation::insert_read(tx, practice.id, reader.id, version, activity_id, now_ms).await
}

/// Verifies the reader's unverified endorsement of `practice` once their reading of
/// `version`, the current one, is complete: a local reader's at once (this instance saw the
/// reading end), a remote reader's only if it was last given at or after `read_at`, the
/// reading's own time (it overtook the `Read` on the way); one given before stays
/// unverified.
async fn verify_pending(
    tx: &mut Tx,
    practice: &PracticeRow,
    reader: &ActorRow,
    version: &str,
    read_at: Option<i64>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    crate::db::dialect::practice_for_update(tx, practice.id).await?;
    let current = practice.content_digest.as_deref() == Some(version);
    let pending = participation::endorsement_of(&mut *tx, practice.id, reader.id)
        .await?
        .filter(|e| !e.verified && current)
        .filter(|e| read_at.is_none_or(|t| e.updated_at >= t));
    if let Some(e) = pending {
        let before = e.counted();
        let w = weight(before.class, true, e.own_organisation);
        participation::set_verified(tx, e.id, version, halves(w), now_ms).await?;
        let after = Counted {
            weight: w,
            verified: true,
            ..before.clone()
        };
        good_index::endorsement_changed(
            tx,
            practice.id,
            practice.local,
            Some(&before),
            Some(&after),
            now_ms,
        )
        .await?;
    }
    Ok(())
}
