//! Proof of reading and endorsements for the API: what a person opened of a practice, when
//! their reading is complete (then the `Read` goes out, or is recorded for our own practice),
//! their endorsement, and the classes of endorsers kept in step with the trusted list.

use serde::{Deserialize, Serialize};

use crate::{
    db::{
        actors::{self, ActorRow},
        comments, good_index,
        participation::{self, EndorsementRow},
        practices::{self, PracticeRow},
        trusted,
        users::UserRow,
        Db, Tx,
    },
    domain::{
        good_index::{class_of, halves, weight},
        practice::{PracticeRecord, PracticeState},
        reading,
    },
    error::{AppError, AppResult},
    federation::{
        activities::{like, read},
        error::ApplyError,
        outbox,
    },
    state::Ctx,
};

/// A person's reading of a practice's current version.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReadingView {
    /// Every part of the current version, in order.
    pub parts: Vec<String>,
    /// The parts of the current version the person opened, in the order of `parts`.
    pub read: Vec<String>,
    /// Every part opened, over at least the reading floor.
    pub complete: bool,
    /// The version (content digest) all this is about.
    pub version: String,
}

/// What the person opened.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Opening {
    /// Part keys, as `parts` lists them.
    pub parts: Vec<String>,
}

/// A person's own endorsement, as the practice view shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EndorsementView {
    /// `positive` or `negative`.
    pub value: String,
    pub comment_id: Option<String>,
    /// The person's reading of the version then current was known when they endorsed.
    pub verified: bool,
    /// The version their reading was verified on.
    pub version: Option<String>,
    /// Whether it weighs in the good index (verified, and not by the practice's own
    /// organisation).
    pub counted: bool,
}

impl From<EndorsementRow> for EndorsementView {
    fn from(e: EndorsementRow) -> Self {
        Self {
            value: if e.positive { "positive" } else { "negative" }.into(),
            comment_id: e.comment_ref,
            verified: e.verified,
            version: e.version,
            counted: e.weight > 0,
        }
    }
}

/// An endorsement as given.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Endorse {
    /// `positive` or `negative`.
    pub value: String,
    /// The comment that says why: one of the endorser's own comments on this practice, by
    /// its id (as `GET …/comments` gives it) or its URL.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub comment_id: Option<CommentRef>,
}

/// A comment named by its id here or by its URL.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum CommentRef {
    Id(i64),
    Url(String),
}

/// The part keys of a stored practice's record.
pub fn parts_of(row: &PracticeRow) -> Vec<String> {
    serde_json::from_str::<PracticeRecord>(&row.record)
        .map(|r| reading::parts(&r))
        .unwrap_or_default()
}

/// A published practice and its current version, or why it cannot be read or endorsed.
async fn published(ctx: &Ctx, id: i64) -> AppResult<(PracticeRow, PracticeRecord, String)> {
    let row = practices::by_id(&ctx.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no practice {id}")))?;
    match row.state {
        PracticeState::Deleted => return Err(AppError::Gone(format!("practice {id} was deleted"))),
        PracticeState::Draft => return Err(AppError::NotFound(format!("no practice {id}"))),
        PracticeState::Published => {}
    }
    let record: PracticeRecord = serde_json::from_str(&row.record)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("stored practice {id} unreadable: {e}")))?;
    let version = row.content_digest.clone().ok_or_else(|| {
        AppError::Conflict(format!("practice {id} names no version; it cannot be read"))
    })?;
    Ok((row, record, version))
}

async fn person(ctx: &Ctx, user: &UserRow) -> AppResult<ActorRow> {
    actors::by_id(&ctx.db, user.actor_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("user without actor")))
}

async fn view(
    ctx: &Ctx,
    row: &PracticeRow,
    record: &PracticeRecord,
    version: &str,
    actor_id: i64,
) -> AppResult<ReadingView> {
    let parts = reading::parts(record);
    let opened = participation::opened(&ctx.db, row.id, actor_id, version).await?;
    let done = participation::has_read(&ctx.db, row.id, actor_id, version).await?;
    Ok(ReadingView {
        complete: done,
        read: parts
            .iter()
            .filter(|p| opened.parts.contains(p))
            .cloned()
            .collect(),
        parts,
        version: version.to_string(),
    })
}

/// The person's reading of the practice's current version.
pub async fn reading(ctx: &Ctx, user: &UserRow, id: i64) -> AppResult<ReadingView> {
    let (row, record, version) = published(ctx, id).await?;
    view(ctx, &row, &record, &version, user.actor_id).await
}

/// Records that the person opened `parts` of the current version (all known keys, or
/// nothing is stored) and, when that completes their reading, its proof.
pub async fn open(ctx: &Ctx, user: &UserRow, id: i64, opening: Opening) -> AppResult<ReadingView> {
    let (row, record, version) = published(ctx, id).await?;
    let all = reading::parts(&record);
    let unknown: Vec<&str> = opening
        .parts
        .iter()
        .filter(|p| !all.contains(p))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(AppError::bad_request(
            "unknown_part",
            format!(
                "not parts of this practice: {}; its parts are: {}",
                unknown.join(", "),
                all.join(", ")
            ),
        ));
    }
    let me = person(ctx, user).await?;
    let now = ctx.clock.now_ms();
    let mut tx = ctx.db.begin().await?;
    // One opening of this practice at a time (a row lock on PostgreSQL; SQLite has one
    // writer): a reader's script posts several parts at once, and the one that completes the
    // reading must see the others, or none records it.
    crate::db::dialect::practice_for_update(&mut tx, row.id).await?;
    participation::open_parts(&mut tx, row.id, me.id, &version, &opening.parts, now).await?;
    let opened = participation::opened(&mut tx, row.id, me.id, &version).await?;
    let floor = reading::min_span_ms(&record, ctx.config.reading_min_fraction);
    let sent = reading::is_complete(&all, &opened, floor);
    if sent {
        read::send(ctx, &mut tx, &me, &row, &version, now).await?;
        if !row.local {
            resend_after_reading(ctx, &mut tx, &me, &row, &version, now).await?;
        }
    }
    tx.commit().await?;
    if sent && !row.local {
        outbox::wake(ctx.app_data());
    }
    view(ctx, &row, &record, &version, me.id).await
}

/// An endorsement of a remote practice given before this reading of `version` was complete
/// reached its owner unverified (given before any reading, or verified here on an older
/// version than the owner's): it is given again after the `Read` (a new `Like` or `Dislike`,
/// later than the `Read`), so the owner counts it verified, whichever of the two arrives
/// first. The owner replaces its copy with the new one: no `Undo` is sent.
async fn resend_after_reading(
    ctx: &Ctx,
    tx: &mut Tx,
    me: &ActorRow,
    row: &PracticeRow,
    version: &str,
    now: i64,
) -> AppResult<()> {
    let Some(e) = participation::endorsement_of(&mut *tx, row.id, me.id)
        .await?
        .filter(|e| !e.verified || e.version.as_deref() != Some(version))
    else {
        return Ok(());
    };
    // Taken out here only, to be given anew on this version.
    like::forget(tx, row, &e, now).await?;
    // A local person's organisation is local: no fetch while the transaction is open.
    let standing = like::standing(ctx, me).await.map_err(|e| match e {
        ApplyError::Transient(m) => AppError::Upstream(m),
        ApplyError::Permanent(m) => AppError::Internal(anyhow::anyhow!(m)),
    })?;
    let who = like::Endorser {
        person: me,
        standing: &standing,
    };
    let judgement = like::Judgement {
        positive: e.positive,
        comment: e.comment_ref.clone(),
    };
    like::send(ctx, tx, &who, row, judgement, now).await?;
    Ok(())
}

/// The person endorses the practice (or changes their endorsement).
pub async fn endorse(ctx: &Ctx, user: &UserRow, id: i64, e: Endorse) -> AppResult<EndorsementView> {
    let positive = match e.value.as_str() {
        "positive" => true,
        "negative" => false,
        other => {
            return Err(AppError::invalid_field(
                "value",
                format!("`{other}` is not `positive` or `negative`"),
            ))
        }
    };
    let (row, _, _) = published(ctx, id).await?;
    let me = person(ctx, user).await?;
    let comment = match &e.comment_id {
        Some(c) => Some(own_comment(ctx, c, &row, &me).await?),
        None => None,
    };
    let standing = like::standing(ctx, &me).await.map_err(|e| match e {
        ApplyError::Transient(m) => AppError::Upstream(m),
        ApplyError::Permanent(m) => AppError::Internal(anyhow::anyhow!(m)),
    })?;
    let mut tx = ctx.db.begin().await?;
    let who = like::Endorser {
        person: &me,
        standing: &standing,
    };
    let judgement = like::Judgement { positive, comment };
    let stored = like::send(ctx, &mut tx, &who, &row, judgement, ctx.clock.now_ms()).await?;
    tx.commit().await?;
    if !row.local {
        outbox::wake(ctx.app_data());
    }
    Ok(stored.into())
}

/// The URL of the endorser's own live comment on `row` that `c` names; a clear error
/// otherwise.
async fn own_comment(
    ctx: &Ctx,
    c: &CommentRef,
    row: &PracticeRow,
    me: &ActorRow,
) -> AppResult<String> {
    let found = match c {
        CommentRef::Id(id) => comments::by_id(&ctx.db, *id).await?,
        CommentRef::Url(u) => comments::by_ap_id(&ctx.db, u.trim()).await?,
    };
    let bad = |why: &str| Err(AppError::invalid_field("comment_id", why));
    match found {
        None => bad("no such comment"),
        Some(c) if c.practice_id != row.id => bad("a comment on another practice"),
        Some(c) if c.deleted_at.is_some() => bad("a deleted comment"),
        Some(c) if c.author_id != me.id => bad("someone else's comment: say why in your own"),
        Some(c) => Ok(c.ap_id),
    }
}

/// The person withdraws their endorsement; 404 when they had none.
pub async fn withdraw(ctx: &Ctx, user: &UserRow, id: i64) -> AppResult<()> {
    let (row, _, _) = published(ctx, id).await?;
    let me = person(ctx, user).await?;
    let mut tx = ctx.db.begin().await?;
    let had = like::send_withdraw(ctx, &mut tx, &me, &row, ctx.clock.now_ms()).await?;
    tx.commit().await?;
    if !had {
        return Err(AppError::NotFound(format!(
            "you have not endorsed practice {id}"
        )));
    }
    if !row.local {
        outbox::wake(ctx.app_data());
    }
    Ok(())
}

/// The person's own endorsement of a practice, for its view.
pub async fn own_endorsement(
    db: &Db,
    practice_id: i64,
    actor_id: i64,
) -> AppResult<Option<EndorsementView>> {
    Ok(participation::endorsement_of(db, practice_id, actor_id)
        .await?
        .map(Into::into))
}

/// Practices rebuilt per call at most; a larger change of the list is finished by the next
/// one (every refresh of the list calls it).
const RECLASSIFY_MAX: usize = 10_000;

/// Moves the endorsers of hosts that joined or left the trusted list to their new class and
/// rebuilds the totals of the practices they endorsed, one transaction per practice.
/// Returns how many practices were rebuilt.
pub async fn reclassify(db: &Db, own: &str) -> AppResult<usize> {
    let mut done = 0;
    while done < RECLASSIFY_MAX {
        let batch = participation::misclassified(db, own, 100).await?;
        if batch.is_empty() {
            break;
        }
        for practice_id in batch {
            rebuild(db, own, practice_id).await?;
            done += 1;
        }
    }
    if done > 0 {
        tracing::info!(
            practices = done,
            "trusted list changed: endorsers reclassified"
        );
    }
    Ok(done)
}

/// Recomputes the classes of a practice's endorsements and its totals from them.
async fn rebuild(db: &Db, own: &str, practice_id: i64) -> AppResult<()> {
    let Some(practice) = practices::by_id(db, practice_id).await? else {
        return Ok(());
    };
    let rows = participation::of_practice(db, practice_id).await?;
    let mut trust = std::collections::HashMap::new();
    for r in &rows {
        if !trust.contains_key(&r.instance) {
            let t = trusted::trusts(db, own, &r.instance).await?;
            trust.insert(r.instance.clone(), t);
        }
    }
    let now = crate::db::now_ms();
    let mut tx = db.begin().await?;
    crate::db::dialect::practice_for_update(&mut tx, practice_id).await?;
    good_index::clear(&mut tx, practice_id).await?;
    // Read again inside the transaction: an endorsement that changed meanwhile counts as it is.
    for mut e in participation::of_practice(&mut tx, practice_id).await? {
        let trusted = trust.get(&e.instance).copied().unwrap_or(false);
        let class = class_of(e.administration, trusted);
        let w = halves(weight(class, e.verified, e.own_organisation));
        if class.as_str() != e.class || w != e.weight {
            participation::set_class(&mut tx, e.id, class, w).await?;
            e.class = class.as_str().to_string();
            e.weight = w;
        }
        good_index::endorsement_changed(
            &mut tx,
            practice_id,
            practice.local,
            None,
            Some(&e.counted()),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
