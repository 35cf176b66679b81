//! Practices: drafts filled in over several sittings, publication, edits and deletion, and the
//! activities that carry each change to followers.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::{
    db::{
        actors::{self, ActorRow},
        practices::{self, Filter, NewPractice, PracticeRow, Summary},
        users::UserRow,
        Tx,
    },
    domain::{
        actor::Role,
        practice::{self as rules, PracticeRecord},
    },
    error::{AppError, AppResult},
    federation::objects::practice as ap,
    service::outbox,
    state::Ctx,
};

/// A practice as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PracticeView {
    pub id: i64,
    /// ActivityPub id; also the URL of its page.
    pub ap_id: String,
    /// `draft`, `published` or `deleted`.
    pub state: String,
    /// Handle of the organisation (`name@domain` when remote).
    pub organization: String,
    /// Domain of the instance the practice comes from.
    pub origin: String,
    pub local: bool,
    #[schema(value_type = Object)]
    pub record: Value,
    /// Digest of the current version (proof of reading refers to it).
    pub content_digest: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

/// The columns lists and filters use, derived from the record.
pub fn summary_of(record: &PracticeRecord) -> Summary {
    let title = record
        .language
        .and_then(|l| rules::translation(&record.title, l, None))
        .or_else(|| record.title.values().next().map(String::as_str))
        .unwrap_or_default()
        .to_string();
    let sectors: Vec<&str> = record.sectors.iter().map(|s| s.as_str()).collect();
    Summary {
        title,
        stage: record.stage.map(|s| s.as_str().to_string()),
        sectors: format!(",{},", sectors.join(",")),
        language: record.language.map(|l| l.as_str().to_string()),
    }
}

async fn view(ctx: &Ctx, row: PracticeRow) -> AppResult<PracticeView> {
    let org = actors::by_id(&ctx.db, row.organization_id).await?;
    let organization = match org {
        Some(o) if o.local => o.username,
        Some(o) => format!("{}@{}", o.username, o.domain),
        None => String::new(),
    };
    Ok(PracticeView {
        id: row.id,
        ap_id: row.ap_id,
        state: row.state,
        organization,
        origin: row.origin,
        local: row.local,
        record: serde_json::from_str(&row.record).unwrap_or(Value::Null),
        content_digest: row.content_digest,
        created_at: row.created_at,
        updated_at: row.updated_at,
        published_at: row.published_at,
    })
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
    let role: Role = user
        .role
        .parse()
        .map_err(|e: String| AppError::Internal(anyhow::anyhow!(e)))?;
    let org = match (role, wanted, user.organization_id) {
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
    org.filter(|o| o.kind == "Organization" && o.local)
        .ok_or_else(|| AppError::Forbidden("you cannot write for that organisation".into()))
}

/// The practice, if `user` may change it.
async fn writable(ctx: &Ctx, user: &UserRow, id: i64) -> AppResult<PracticeRow> {
    let row = practices::by_id(&ctx.db, id)
        .await?
        .filter(|r| r.state != "deleted")
        .ok_or_else(|| AppError::NotFound(format!("no practice {id}")))?;
    let allowed = row.local
        && (user.role == Role::Admin.as_str()
            || (user.role == Role::Manager.as_str()
                && user.organization_id == Some(row.organization_id)));
    if !allowed {
        return Err(AppError::Forbidden(
            "only the organisation's managers and admins change a practice".into(),
        ));
    }
    Ok(row)
}

fn parse(body: Value) -> AppResult<PracticeRecord> {
    let record = rules::from_json(body).map_err(AppError::Invalid)?;
    rules::normalise(record).map_err(AppError::Invalid)
}

pub async fn create_draft(
    ctx: &Ctx,
    user: &UserRow,
    org: Option<&str>,
    body: Value,
) -> AppResult<PracticeView> {
    let org = writable_org(ctx, user, org).await?;
    let record = parse(body)?;
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
            state: "draft",
            summary: summary_of(&record),
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
    match row.state.as_str() {
        "deleted" => Err(AppError::Gone(format!("practice {id} was deleted"))),
        "draft" => match user {
            Some(u) => {
                writable(ctx, u, id).await?;
                view(ctx, row).await
            }
            None => Err(AppError::NotFound(format!("no practice {id}"))),
        },
        _ => view(ctx, row).await,
    }
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
        &summary_of(record),
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
    let row = writable(ctx, user, id).await?;
    let mut doc: Value = serde_json::from_str(&row.record)?;
    merge_patch(&mut doc, &patch);
    let record = parse(doc)?;
    let published = row.state == "published";
    if published {
        rules::check_publishable(&record).map_err(AppError::Invalid)?;
    }
    let digest = published.then(|| rules::content_digest(&record));
    let mut tx = ctx.db.begin().await?;
    let fresh = save_version(&mut tx, row, &record, digest).await?;
    if published {
        ap::send_article(ctx, &mut tx, "Update", &fresh, &record).await?;
    }
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    get(ctx, Some(user), id).await
}

pub async fn publish(ctx: &Ctx, user: &UserRow, id: i64) -> AppResult<PracticeView> {
    let row = writable(ctx, user, id).await?;
    if row.state == "published" {
        return Err(AppError::Conflict(format!(
            "practice {id} is already published"
        )));
    }
    let mut record = record_of(&row)?;
    rules::check_publishable(&record).map_err(AppError::Invalid)?;
    rules::apply_publication_defaults(&mut record);
    let digest = rules::content_digest(&record);
    let mut tx = ctx.db.begin().await?;
    let saved = save_version(&mut tx, row, &record, Some(digest.clone())).await?;
    practices::mark_published(&mut tx, id, &digest, saved.updated_at).await?;
    let fresh = PracticeRow {
        state: "published".into(),
        published_at: Some(saved.updated_at),
        ..saved
    };
    ap::send_article(ctx, &mut tx, "Create", &fresh, &record).await?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    get(ctx, Some(user), id).await
}

/// Drafts disappear; published practices become tombstones (410) and followers get `Delete`.
pub async fn delete(ctx: &Ctx, user: &UserRow, id: i64) -> AppResult<()> {
    let row = writable(ctx, user, id).await?;
    let mut tx = ctx.db.begin().await?;
    if row.state == "draft" {
        practices::delete_draft(&mut tx, id).await?;
    } else {
        practices::mark_deleted(&mut tx, id, crate::db::now()).await?;
        ap::send_delete(ctx, &mut tx, &row).await?;
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
        .filter(|u| u.role == Role::Manager.as_str() || u.role == Role::Admin.as_str())
        .and_then(|u| u.organization_id);
    let rows = practices::list(&ctx.db, &filter, per_page, (page.max(1) - 1) * per_page).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(view(ctx, r).await?);
    }
    Ok(out)
}

/// Fetches `url` (signed) and, when it is an `Article`, stores it as a remote practice.
/// Returns its id, or `None` when the URL is something else (an actor, say).
pub async fn fetch_remote(ctx: &Ctx, url: &str) -> AppResult<Option<i64>> {
    let url = url::Url::parse(url)?;
    if crate::config::host_port(&url) == ctx.config.domain() {
        return Ok(None);
    }
    let fetched = activitypub_federation::fetch::fetch_object_http::<_, Value>(&url, ctx).await?;
    if fetched.object["type"] != "Article" {
        return Ok(None);
    }
    crate::federation::activities::store_article(ctx, &fetched.object)
        .await
        .map_err(|e| AppError::Upstream(e.to_string()))?;
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
