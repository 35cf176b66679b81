//! Practices: drafts filled in over several sittings, publication, edits and deletion, and the
//! activities that carry each change to followers.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::{
    config::Config,
    db::{
        actors::{self, ActorRow},
        dialect,
        good_index::{self, IndexRow},
        page_sources::PageSources,
        practices::{self, Filter, Listed, NewPractice, PracticeRow, Summary},
        users::UserRow,
        Tx,
    },
    domain::{
        actor::{ActorKind, Role},
        practice::{self as rules, PracticeRecord, PracticeState},
    },
    error::{AppError, AppResult},
    federation::{
        activities::{
            create_or_update::{self, Change},
            delete as delete_activity,
        },
        error::ApplyError,
        objects::{admission::Arrival, practice::store_article},
        outbox,
        protocol::activities::{create::posted, Posted},
    },
    state::Ctx,
};

/// A practice as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PracticeView {
    pub id: i64,
    /// ActivityPub id; also the URL of its page.
    pub ap_id: String,
    pub state: PracticeState,
    /// Handle of the organisation (`name@domain` when remote).
    pub organization: String,
    /// Its display name, when it has one.
    pub organization_name: Option<String>,
    /// Domain of the instance the practice comes from.
    pub origin: String,
    pub local: bool,
    #[schema(value_type = Object)]
    pub record: Value,
    /// Digest of the current version (proof of reading refers to it).
    pub content_digest: Option<String>,
    /// The parts a reader opens to prove they read it all: the text sections present, then
    /// `attachment:<n>` in the Article's attachment order.
    pub parts: Vec<String>,
    /// The caller's own endorsement, when they gave one.
    pub endorsement: Option<crate::service::participation::EndorsementView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    /// The good index: figures, counts, and who computed them.
    pub good_index: crate::service::good_index::IndexView,
    /// Its recognitions by hubs' commissions (call, date, scores, reasons); in the
    /// practice's own view (`GET /api/v1/practices/{id}`), empty in lists.
    pub recognitions: Vec<crate::service::candidacies::RecognitionView>,
    /// Its candidacies to calls, and where each stands; in the practice's own view only.
    pub candidacies: Vec<crate::service::candidacies::CandidacySummary>,
}

async fn view(ctx: &Ctx, row: PracticeRow) -> AppResult<PracticeView> {
    Ok(view_and_org(ctx, row).await?.0)
}

/// The view of `row`, and its organisation's row (which the view was made from).
async fn view_and_org(ctx: &Ctx, row: PracticeRow) -> AppResult<(PracticeView, Option<ActorRow>)> {
    let (org, index) = tokio::try_join!(
        actors::by_id(&ctx.db, row.organization_id),
        good_index::of(&ctx.db, row.id)
    )?;
    let view = view_by(&ctx.config, row, org.as_ref(), index.as_ref());
    Ok((view, org))
}

/// The view of `row`, published by `org`, with its index.
fn view_by(
    config: &Config,
    row: PracticeRow,
    org: Option<&ActorRow>,
    index: Option<&IndexRow>,
) -> PracticeView {
    let (organization, name) = match org {
        Some(o) => (handle(&o.username, &o.domain, o.local), o.name.clone()),
        None => (String::new(), None),
    };
    view_with(row, (organization, name), &config.base(), index)
}

/// The API's view of a published practice; `None` for a draft, a deleted or an unknown one.
pub async fn published_view(ctx: &Ctx, id: i64) -> AppResult<Option<PracticeView>> {
    match practices::by_id(&ctx.db, id).await? {
        Some(row) if row.state == PracticeState::Published => Ok(Some(view(ctx, row).await?)),
        _ => Ok(None),
    }
}

/// The API's views of the published practices among `ids` (a page of search hits), read in
/// one query; drafts, deleted and unknown ones are left out. In no particular order.
pub async fn published_views(ctx: &Ctx, ids: &[i64]) -> AppResult<Vec<PracticeView>> {
    let rows = practices::published_listed(&ctx.db, ids).await?;
    Ok(rows.into_iter().map(|l| listed_view(ctx, l)).collect())
}

/// How an organisation is named to the readers of this instance.
fn handle(username: &str, domain: &str, local: bool) -> String {
    if local {
        username.to_string()
    } else {
        format!("{username}@{domain}")
    }
}

/// The API's view of a stored practice. A remote practice's media point at this instance's
/// cache (`base` is this instance's URL), as on its page: no client of the API is sent to a
/// third-party host; `source_url` keeps where each came from.
fn view_with(
    row: PracticeRow,
    (organization, organization_name): (String, Option<String>),
    base: &str,
    index: Option<&IndexRow>,
) -> PracticeView {
    let mut record: Value = serde_json::from_str(&row.record).unwrap_or(Value::Null);
    if !row.local {
        if let Some(media) = record.get_mut("media").and_then(Value::as_array_mut) {
            for m in media {
                let Some(source) = m.get("url").and_then(Value::as_str).map(str::to_string) else {
                    continue;
                };
                let here = format!(
                    "{base}{}",
                    crate::service::media::cache::local_path(row.id, &source)
                );
                m["url"] = Value::String(here);
                m["source_url"] = Value::String(source);
            }
        }
    }
    let parts = crate::service::participation::parts_of(&row);
    PracticeView {
        good_index: crate::service::good_index::view(row.local, index),
        recognitions: Vec::new(),
        candidacies: Vec::new(),
        parts,
        endorsement: None,
        id: row.id,
        ap_id: row.ap_id,
        state: row.state,
        organization,
        organization_name,
        origin: row.origin,
        local: row.local,
        record,
        content_digest: row.content_digest,
        created_at: row.created_at,
        updated_at: row.updated_at,
        published_at: row.published_at,
    }
}

fn record_of(row: &PracticeRow) -> AppResult<PracticeRecord> {
    serde_json::from_str(&row.record).map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "stored practice {} unreadable: {e}",
            row.id
        ))
    })
}

/// The organisation a user may write for: managers their own, admins the one they name.
async fn writable_org(ctx: &Ctx, user: &UserRow, wanted: Option<&str>) -> AppResult<ActorRow> {
    let org = match (user.role, wanted, user.organization_id) {
        (Role::Admin, Some(h), _) => actors::local_by_username(&ctx.db, h).await?,
        (Role::Manager, None, Some(id)) => actors::by_id(&ctx.db, id).await?,
        (Role::Manager, Some(h), Some(id)) => actors::local_by_username(&ctx.db, h)
            .await?
            .filter(|o| o.id == id)
            .or(None),
        (Role::Admin, None, _) => {
            return Err(AppError::invalid_field(
                "organization",
                "admins must name the organisation (?organization=handle)",
            ))
        }
        _ => {
            return Err(AppError::Forbidden(
                "only the organisation's managers and admins write practices".into(),
            ))
        }
    };
    org.filter(|o| o.kind == ActorKind::Organization && o.local)
        .ok_or_else(|| AppError::Forbidden("you cannot write for that organisation".into()))
}

/// The practice, if `user` may change it: read in `tx`, the transaction that will change it.
async fn writable(tx: &mut Tx, user: &UserRow, id: i64) -> AppResult<PracticeRow> {
    let row = dialect::practice_for_update(tx, id).await?;
    may_change(user, row, id)
}

/// `row` (practice `id`), if it exists, is not deleted and `user` may change it.
fn may_change(user: &UserRow, row: Option<PracticeRow>, id: i64) -> AppResult<PracticeRow> {
    let row = row
        .filter(|r| r.state != PracticeState::Deleted)
        .ok_or_else(|| AppError::NotFound(format!("no practice {id}")))?;
    let allowed = row.local
        && (user.role == Role::Admin
            || (user.role == Role::Manager && user.organization_id == Some(row.organization_id)));
    if !allowed {
        return Err(AppError::Forbidden(
            "only the organisation's managers and admins change a practice".into(),
        ));
    }
    Ok(row)
}

/// The record of a local practice's body: every field that does not decode, every medium
/// that is not one of this instance's uploads and every rule it breaks, at once.
async fn parse(ctx: &Ctx, body: Value) -> AppResult<PracticeRecord> {
    let (mut record, mut errors) = rules::decode(body);
    for (k, v) in
        crate::service::media::own_uploads(&ctx.db, &ctx.config, &mut record.media).await?
    {
        errors.entry(k).or_insert(v);
    }
    rules::finish_draft(record, errors).map_err(AppError::Invalid)
}

pub async fn create_draft(
    ctx: &Ctx,
    user: &UserRow,
    org: Option<&str>,
    body: Value,
) -> AppResult<PracticeView> {
    let org = writable_org(ctx, user, org).await?;
    let record = parse(ctx, body).await?;
    let ap_id = format!("{}/practices/{}", ctx.config.base(), uuid::Uuid::now_v7());
    let now = crate::db::now();
    let mut tx = ctx.db.begin().await?;
    let row = practices::insert(
        &mut tx,
        NewPractice {
            url: Some(ap_id.clone()),
            ap_id,
            organization_id: org.id,
            author_id: Some(user.actor_id),
            local: true,
            origin: ctx.config.domain(),
            state: PracticeState::Draft,
            summary: Summary::of(&record),
            record: serde_json::to_string(&record)?,
            content_digest: None,
            published_at: None,
            updated_at: now,
        },
    )
    .await?;
    tx.commit().await?;
    view(ctx, row).await
}

/// Whether a practice may be read by `user` (drafts only by those who may write it).
pub async fn get(ctx: &Ctx, user: Option<&UserRow>, id: i64) -> AppResult<PracticeView> {
    let row = practices::by_id(&ctx.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no practice {id}")))?;
    match row.state {
        PracticeState::Deleted => Err(AppError::Gone(format!("practice {id} was deleted"))),
        PracticeState::Draft => match user {
            Some(u) => {
                let row = may_change(u, Some(row), id)?;
                view(ctx, row).await
            }
            None => Err(AppError::NotFound(format!("no practice {id}"))),
        },
        PracticeState::Published => {
            let (mut v, _) = published(ctx, row).await?;
            if let Some(u) = user {
                v.endorsement =
                    crate::service::participation::own_endorsement(&ctx.db, v.id, u.actor_id)
                        .await?;
            }
            Ok(v)
        }
    }
}

/// The view of a published practice whose row is already read (its page), with its
/// candidacies and recognitions, and its organisation's row.
pub async fn published(ctx: &Ctx, row: PracticeRow) -> AppResult<(PracticeView, Option<ActorRow>)> {
    let (mut v, org) = view_and_org(ctx, row).await?;
    (v.candidacies, v.recognitions) = crate::service::candidacies::of_practice(ctx, v.id).await?;
    Ok((v, org))
}

/// The view of a published practice and its organisation, from what its page read (and
/// nothing else).
pub fn published_from<'s>(
    config: &Config,
    s: &'s PageSources,
) -> (PracticeView, Option<&'s ActorRow>) {
    let org = s.org.as_ref();
    let mut v = view_by(config, s.row.clone(), org, s.index.as_ref());
    (v.candidacies, v.recognitions) =
        crate::service::candidacies::summaries(s.candidacies.clone(), s.recognitions.clone());
    (v, org)
}

/// Stores a new version of `row`'s record (and what derives from it) and returns the row as
/// it now stands, for the activity that announces it.
async fn save_version(
    tx: &mut Tx,
    row: PracticeRow,
    record: &PracticeRecord,
    digest: Option<String>,
) -> AppResult<PracticeRow> {
    let now = crate::db::now();
    let text = serde_json::to_string(record)?;
    practices::update_record(
        tx,
        row.id,
        &text,
        &Summary::of(record),
        digest.as_deref(),
        now,
    )
    .await?;
    Ok(PracticeRow {
        record: text,
        content_digest: digest,
        updated_at: now,
        ..row
    })
}

/// Applies a JSON merge patch (RFC 7396) to the record. A published practice must stay
/// publishable, and its followers get an `Update`.
pub async fn patch(ctx: &Ctx, user: &UserRow, id: i64, patch: Value) -> AppResult<PracticeView> {
    // RFC 7396 would let a non-object patch replace the whole record (`[]` would wipe it).
    if !patch.is_object() {
        return Err(AppError::invalid_field(
            "record",
            "a merge patch must be a JSON object",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    let row = writable(&mut tx, user, id).await?;
    let mut doc: Value = serde_json::from_str(&row.record)?;
    merge_patch(&mut doc, &patch);
    let record = parse(ctx, doc).await?;
    let published = row.state == PracticeState::Published;
    if published {
        rules::check_publishable(&record).map_err(AppError::Invalid)?;
    }
    let digest = published.then(|| rules::content_digest(&record));
    let fresh = save_version(&mut tx, row, &record, digest).await?;
    if published {
        create_or_update::send(ctx, &mut tx, Change::Update, &fresh, &record).await?;
    }
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    get(ctx, Some(user), id).await
}

pub async fn publish(ctx: &Ctx, user: &UserRow, id: i64) -> AppResult<PracticeView> {
    let mut tx = ctx.db.begin().await?;
    let row = writable(&mut tx, user, id).await?;
    if row.state == PracticeState::Published {
        return Err(AppError::Conflict(format!(
            "practice {id} is already published"
        )));
    }
    let mut record = record_of(&row)?;
    rules::check_publishable(&record).map_err(AppError::Invalid)?;
    rules::apply_publication_defaults(&mut record);
    let digest = rules::content_digest(&record);
    let saved = save_version(&mut tx, row, &record, Some(digest.clone())).await?;
    practices::mark_published(&mut tx, id, &digest, saved.updated_at).await?;
    let fresh = PracticeRow {
        state: PracticeState::Published,
        published_at: Some(saved.updated_at),
        ..saved
    };
    create_or_update::send(ctx, &mut tx, Change::Create, &fresh, &record).await?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    get(ctx, Some(user), id).await
}

/// Drafts disappear; published practices become tombstones (410) and followers get `Delete`.
pub async fn delete(ctx: &Ctx, user: &UserRow, id: i64) -> AppResult<()> {
    let mut tx = ctx.db.begin().await?;
    let row = writable(&mut tx, user, id).await?;
    if row.state == PracticeState::Draft {
        practices::delete_draft(&mut tx, id).await?;
    } else {
        practices::mark_deleted(&mut tx, id, crate::db::now()).await?;
        delete_activity::send(ctx, &mut tx, &row).await?;
    }
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    Ok(())
}

/// The organisation a list is filtered by: a local handle, or `name@domain` (resolved, and
/// fetched when not known yet).
pub async fn organization_id(ctx: &Ctx, handle: &str) -> AppResult<i64> {
    let found = if handle.contains('@') {
        crate::service::follows::resolve_actor(ctx, handle)
            .await
            .ok()
    } else {
        actors::local_by_username(&ctx.db, handle).await?
    };
    found
        .map(|a| a.id)
        .ok_or_else(|| AppError::NotFound(format!("no organisation {handle}")))
}

pub async fn list(
    ctx: &Ctx,
    user: Option<&UserRow>,
    mut filter: Filter,
    page: i64,
    per_page: i64,
) -> AppResult<Vec<PracticeView>> {
    filter.drafts_of = user
        .filter(|u| matches!(u.role, Role::Manager | Role::Admin))
        .and_then(|u| u.organization_id);
    let rows = practices::list(&ctx.db, &filter, per_page, (page.max(1) - 1) * per_page).await?;
    Ok(rows.into_iter().map(|l| listed_view(ctx, l)).collect())
}

/// The view of a practice read with its organisation's handle and name and its good index.
fn listed_view(ctx: &Ctx, l: Listed) -> PracticeView {
    let org = match (l.org_username, l.org_domain, l.org_local) {
        (Some(u), Some(d), Some(local)) => (handle(&u, &d, local), l.org_name),
        _ => (String::new(), None),
    };
    view_with(l.practice, org, &ctx.config.base(), Some(&l.index))
}

/// How many published practices match `filter` (the pagers of the pages listing them).
pub async fn count_published(ctx: &Ctx, filter: &Filter) -> AppResult<i64> {
    Ok(practices::count_published(&ctx.db, filter).await?)
}

/// Fetches `url` (signed) and, when it is an `Article`, stores it as a remote practice.
/// Returns its id, or `None` when the URL is something else (an actor, say).
pub async fn fetch_remote(ctx: &Ctx, url: &str) -> AppResult<Option<i64>> {
    let url = url::Url::parse(url)?;
    if crate::config::host_port(&url) == ctx.config.domain() {
        return Ok(None);
    }
    // Fetched here rather than through the federation's reader, so that a missing or
    // deleted object keeps its own status (404, 410) for the API.
    let fetched = activitypub_federation::fetch::fetch_object_http::<_, Value>(&url, ctx).await?;
    let Ok(Posted::Article(article)) = posted(fetched.object) else {
        return Ok(None);
    };
    if article.kind != crate::federation::protocol::objects::ArticleKind::Article {
        return Ok(None);
    }
    store_article(ctx, &article, Arrival::Requested)
        .await
        .map_err(|e| match e {
            // Not a practice we can list (not an organisation's, not publishable).
            ApplyError::Permanent(why) => AppError::invalid_field("uri", why),
            ApplyError::Transient(why) => AppError::Upstream(why),
        })?;
    Ok(practices::by_ap_id(&ctx.db, url.as_str())
        .await?
        .map(|r| r.id))
}

/// RFC 7396: objects merge recursively, `null` removes, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match (target.as_object_mut(), patch.as_object()) {
        (Some(t), Some(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        _ => *target = patch.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut doc = json!({"a": {"b": 1, "c": 2}, "d": [1, 2], "e": "x"});
        super::merge_patch(
            &mut doc,
            &json!({"a": {"b": null, "z": 3}, "d": [3], "e": null}),
        );
        assert_eq!(doc, json!({"a": {"c": 2, "z": 3}, "d": [3]}));
    }
}
