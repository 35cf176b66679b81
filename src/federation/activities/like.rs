//! `Like` and `Dislike`: a positive or negative endorsement of a practice, at most one per
//! person and practice. A local person endorses (send: stored and counted here, and for a
//! remote practice the old endorsement's `Undo` then the new one go to its organisation);
//! a remote person's endorsement of one of our practices is stored and counted (receive).
//! An endorsement is verified when the person's reading of the then-current version is
//! known here; one that is not (every Mastodon like) is kept and weighs 0.

use activitypub_federation::{
    fetch::object_id::ObjectId,
    kinds::activity::{DislikeType, LikeType, UndoType},
};
use url::Url;

use crate::{
    config::host_port,
    db::{
        actors::{self, ActorRow},
        good_index::{self, Counted},
        participation::{self, EndorsementRow, NewEndorsement},
        practices::{self, PracticeRow},
        trusted, Tx,
    },
    domain::{
        actor::ActorKind,
        good_index::{class_of, weight},
        practice::PracticeState,
    },
    error::AppResult,
    federation::{
        error::ApplyError,
        objects::practice::{clamp_time, org_of},
        outbox,
        protocol::{
            activities::{Dislike, Like, Undo, Undone, Vote},
            context::context,
        },
        urls,
    },
    state::Ctx,
};

/// Who a person is to the good index: whether their `prassi:organization` names an
/// `Organization` with an IPA code on their own host, and that organisation.
#[derive(Debug, Clone, Default)]
pub struct Standing {
    pub administration: bool,
    pub organization: Option<ActorRow>,
}

/// The standing of `person`, fetching their organisation when it is not known yet. What a
/// person's document claims counts only for an organisation of the same host: anyone can
/// name someone else's organisation.
pub async fn standing(ctx: &Ctx, person: &ActorRow) -> Result<Standing, ApplyError> {
    let Some(org_id) = person
        .organization_ap_id
        .as_deref()
        .filter(|_| person.kind == ActorKind::Person)
        .and_then(|u| Url::parse(u).ok())
    else {
        return Ok(Standing::default());
    };
    if host_port(&org_id) != host_port(&person.ap_id) {
        return Ok(Standing::default());
    }
    let org = ObjectId::<ActorRow>::from(org_id)
        .dereference(ctx)
        .await
        .map_err(ApplyError::from)?;
    let administration = org.kind == ActorKind::Organization
        && org
            .ipa_code
            .as_deref()
            .is_some_and(|c| !c.trim().is_empty());
    Ok(Standing {
        administration,
        organization: Some(org),
    })
}

/// Whether the person's organisation is the practice's own: the same actor, or the same
/// IPA code (one administration present on two instances).
fn own_organisation(standing: &Standing, practice_org: &ActorRow) -> bool {
    let Some(o) = &standing.organization else {
        return false;
    };
    let ipa = |a: &ActorRow| {
        a.ipa_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_ascii_lowercase)
    };
    o.ap_id == practice_org.ap_id || (ipa(o).is_some() && ipa(o) == ipa(practice_org))
}

/// A person who endorses, with their standing.
pub struct Endorser<'a> {
    pub person: &'a ActorRow,
    pub standing: &'a Standing,
}

/// What an endorsement says: positive or not, and maybe the comment that says why.
#[derive(Debug, Clone)]
pub struct Judgement {
    pub positive: bool,
    pub comment: Option<String>,
}

/// Stores the endorser's endorsement of `practice` (replacing theirs) and feeds the change
/// to the index. `None` when they had the same one already: a replay changes nothing.
async fn record(
    ctx: &Ctx,
    tx: &mut Tx,
    practice: &PracticeRow,
    who: &Endorser<'_>,
    judgement: Judgement,
    activity_id: &str,
    now_ms: i64,
) -> AppResult<Option<(Option<EndorsementRow>, EndorsementRow)>> {
    let Endorser { person, standing } = *who;
    let Judgement { positive, comment } = judgement;
    // One writer per practice at a time (PostgreSQL; SQLite's transactions are serial
    // already): two endorsements at once would each recompute the index without the other.
    crate::db::dialect::practice_for_update(tx, practice.id).await?;
    let old = participation::endorsement_of(&mut *tx, practice.id, person.id).await?;
    // Deliveries run in parallel: a judgement older than the one held arrived late.
    if old
        .as_ref()
        .is_some_and(|o| o.positive != positive && now_ms < o.updated_at)
    {
        return Ok(None);
    }
    let version = practice.content_digest.clone();
    let verified = match &version {
        Some(v) => participation::has_read(&mut *tx, practice.id, person.id, v).await?,
        None => false,
    };
    // The same judgement again is a replay, unless it is now given after a reading that the
    // earlier one lacked: then it replaces it, verified.
    if let Some(o) = old
        .as_ref()
        .filter(|o| o.positive == positive && (o.verified || !verified))
    {
        if comment.is_some() && o.comment_ref != comment {
            participation::set_comment(tx, o.id, comment.as_deref()).await?;
        }
        if !o.verified {
            // Given again, still without a reading here: a `Read` that was on its way
            // (deliveries run in parallel) verifies it when it arrives, being older.
            participation::given_again(tx, o.id, now_ms).await?;
        }
        return Ok(None);
    }
    let instance = host_port(&person.ap_id);
    let trusted = trusted::trusts(&ctx.db, &ctx.config.domain(), &instance).await?;
    let class = class_of(standing.administration, trusted);
    let org = org_of(&mut *tx, practice).await?;
    // Claiming one's own organisation, on whatever host, only ever takes weight away.
    let own = own_organisation(standing, &org)
        || person.organization_ap_id.as_deref() == Some(org.ap_id.as_str());
    let counted = Counted {
        instance,
        class,
        weight: weight(class, verified, own),
        positive,
        verified,
    };
    let new = participation::put(
        tx,
        &NewEndorsement {
            practice_id: practice.id,
            actor_id: person.id,
            positive,
            activity_id: activity_id.to_string(),
            comment_ref: comment,
            verified,
            version: version.filter(|_| verified),
            administration: standing.administration,
            own_organisation: own,
            counted: counted.clone(),
        },
        now_ms,
    )
    .await?;
    let before = old.as_ref().map(EndorsementRow::counted);
    good_index::endorsement_changed(
        tx,
        practice.id,
        practice.local,
        before.as_ref(),
        Some(&counted),
        now_ms,
    )
    .await?;
    Ok(Some((old, new)))
}

/// Takes an endorsement back and out of the index.
pub(crate) async fn forget(
    tx: &mut Tx,
    practice: &PracticeRow,
    e: &EndorsementRow,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    crate::db::dialect::practice_for_update(tx, practice.id).await?;
    // Read again under the lock: it may have changed since it was found.
    let Some(e) = participation::endorsement_of(&mut *tx, practice.id, e.actor_id)
        .await?
        .filter(|now| now.id == e.id && now.activity_id == e.activity_id)
    else {
        return Ok(());
    };
    let e = &e;
    participation::delete(tx, e.id).await?;
    good_index::endorsement_changed(
        tx,
        practice.id,
        practice.local,
        Some(&e.counted()),
        None,
        now_ms,
    )
    .await?;
    Ok(())
}

/// The activity that made an endorsement, as we sent it (`context` only when it travels on
/// its own, not embedded in its `Undo`).
fn vote(
    e: &EndorsementRow,
    actor: &ActorRow,
    practice: &PracticeRow,
    to: &ActorRow,
    context: Option<serde_json::Value>,
) -> AppResult<Undone> {
    let id = Url::parse(&e.activity_id)?;
    let object = Url::parse(&practice.ap_id)?;
    let to = vec![to.ap_id.to_string()];
    let actor = actor.ap_id.0.clone();
    let published = chrono::DateTime::from_timestamp_millis(e.updated_at);
    Ok(if e.positive {
        Undone::Like(Box::new(Like {
            context,
            id,
            kind: LikeType::Like,
            actor,
            object,
            to,
            published,
        }))
    } else {
        Undone::Dislike(Box::new(Dislike {
            context,
            id,
            kind: DislikeType::Dislike,
            actor,
            object,
            to,
            published,
        }))
    })
}

/// Queues the `Undo` of an endorsement `me` made of a remote practice.
async fn send_undo(
    ctx: &Ctx,
    tx: &mut Tx,
    me: &ActorRow,
    practice: &PracticeRow,
    org: &ActorRow,
    old: &EndorsementRow,
) -> AppResult<()> {
    let undo = Undo {
        context: Some(context()),
        id: Url::parse(&urls::new_activity(&ctx.config))?,
        kind: UndoType::Undo,
        actor: me.ap_id.0.clone(),
        object: vote(old, me, practice, org, None)?,
        to: vec![org.ap_id.to_string()],
    };
    let inbox = Url::parse(&org.inbox)?;
    outbox::enqueue(tx, ctx.app_data(), me, &undo, &[inbox], false).await?;
    Ok(())
}

/// `me` endorses `practice` (positive or not, maybe with the comment that says why). A
/// remote practice's organisation receives the `Undo` of the old endorsement, then the new.
pub async fn send(
    ctx: &Ctx,
    tx: &mut Tx,
    who: &Endorser<'_>,
    practice: &PracticeRow,
    judgement: Judgement,
    now_ms: i64,
) -> AppResult<EndorsementRow> {
    let me = who.person;
    let id = urls::new_activity(&ctx.config);
    let Some((old, new)) = record(ctx, tx, practice, who, judgement, &id, now_ms).await? else {
        return participation::endorsement_of(&mut *tx, practice.id, me.id)
            .await?
            .ok_or_else(|| {
                crate::error::AppError::Internal(anyhow::anyhow!("endorsement vanished"))
            });
    };
    if !practice.local {
        let org = org_of(&mut *tx, practice).await?;
        // A changed judgement undoes the old one first; the same one given again after a
        // reading simply replaces it at the owner.
        if let Some(old) = old.as_ref().filter(|o| o.positive != new.positive) {
            send_undo(ctx, tx, me, practice, &org, old).await?;
        }
        let inbox = Url::parse(&org.inbox)?;
        outbox::enqueue(
            tx,
            ctx.app_data(),
            me,
            &vote(&new, me, practice, &org, Some(context()))?,
            &[inbox],
            false,
        )
        .await?;
    }
    Ok(new)
}

/// `me` withdraws their endorsement of `practice`; false when they had none.
pub async fn send_withdraw(
    ctx: &Ctx,
    tx: &mut Tx,
    me: &ActorRow,
    practice: &PracticeRow,
    now_ms: i64,
) -> AppResult<bool> {
    let Some(old) = participation::endorsement_of(&mut *tx, practice.id, me.id).await? else {
        return Ok(false);
    };
    forget(tx, practice, &old, now_ms).await?;
    if !practice.local {
        let org = org_of(&mut *tx, practice).await?;
        send_undo(ctx, tx, me, practice, &org, &old).await?;
    }
    Ok(true)
}

/// A remote person's `Like` (positive) or `Dislike` of one of our practices.
pub async fn receive<K>(ctx: &Ctx, v: Vote<K>, positive: bool) -> Result<(), ApplyError> {
    let Some(practice) = practices::by_ap_id(&ctx.db, v.object.as_str())
        .await?
        .filter(|p| p.local && p.state == PracticeState::Published)
    else {
        tracing::info!(object = %v.object, "endorsement of nothing we publish; ignored");
        return Ok(());
    };
    let person = ObjectId::<ActorRow>::from(v.actor.clone())
        .dereference(ctx)
        .await
        .map_err(ApplyError::from)?;
    if person.local {
        return Err(ApplyError::permanent(
            "a local person's endorsement arrived from outside",
        ));
    }
    // Fetched before the transaction: no transaction waits on another server.
    let standing = standing(ctx, &person).await?;
    let now = crate::db::now_ms();
    let at = v
        .published
        .and_then(clamp_time)
        .map_or(now, |t| t.timestamp_millis().min(now));
    let mut tx = ctx.db.begin().await?;
    let who = Endorser {
        person: &person,
        standing: &standing,
    };
    let judgement = Judgement {
        positive,
        comment: None,
    };
    record(ctx, &mut tx, &practice, &who, judgement, v.id.as_str(), at).await?;
    tx.commit().await?;
    Ok(())
}

/// An `Undo` of an endorsement: by the id of the activity that made it, or else (a replay
/// with another id was kept under the first one) by its person, practice and value. Only
/// the endorser undoes their endorsement. False when it names no endorsement here.
pub async fn receive_undo(ctx: &Ctx, u: &Undo) -> Result<bool, ApplyError> {
    let (id, embedded) = match &u.object {
        Undone::Like(l) => (l.id.clone(), Some((&l.actor, &l.object, true))),
        Undone::Dislike(d) => (d.id.clone(), Some((&d.actor, &d.object, false))),
        Undone::Id(id) => (id.clone(), None),
        _ => return Ok(false),
    };
    if let Some((actor, _, _)) = embedded {
        if actor != &u.actor {
            return Err(ApplyError::permanent(
                "only the endorser can undo an endorsement",
            ));
        }
    }
    let Some(person) = actors::by_ap_id(&ctx.db, u.actor.as_str()).await? else {
        return Ok(false);
    };
    let mut found = participation::by_activity(&ctx.db, id.as_str()).await?;
    if let Some(e) = &found {
        if e.actor_id != person.id {
            return Err(ApplyError::permanent(
                "only the endorser can undo an endorsement",
            ));
        }
    }
    if found.is_none() {
        if let Some((_, object, positive)) = embedded {
            if let Some(p) = practices::by_ap_id(&ctx.db, object.as_str()).await? {
                found = participation::endorsement_of(&ctx.db, p.id, person.id)
                    .await?
                    .filter(|e| e.positive == positive);
            }
        }
    }
    let Some(e) = found else {
        return Ok(embedded.is_some());
    };
    let Some(practice) = practices::by_id(&ctx.db, e.practice_id).await? else {
        return Ok(true);
    };
    let mut tx = ctx.db.begin().await?;
    forget(&mut tx, &practice, &e, crate::db::now_ms()).await?;
    tx.commit().await?;
    Ok(true)
}
