//! The page of a practice (HTML) and its ActivityPub document, at the same URL.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use url::Url;

use super::page::Page;
use crate::{
    db::{
        good_index,
        page_sources::PageSources,
        practices::{self, PracticeRow, Version, VersionKey},
    },
    domain::practice::{media_urls_of, PracticeRecord, PracticeState},
    error::{AppError, AppResult},
    federation::{
        objects::practice::{article_of, practice_context},
        protocol::context::context,
        protocol::objects::{Collection, Tombstone},
    },
    http_util::{activity_json, negotiate, Rendered, Wants},
    service::media,
    state::{Ctx, DocKey, Fed, SharedPage},
};

/// The row of the practice `by` (with `page` back), or the page that answers instead: not
/// found for a draft or an unknown one, gone for a deleted one.
async fn published_row(
    ctx: &Ctx,
    headers: &HeaderMap,
    page: Page,
    by: VersionKey<'_>,
) -> AppResult<Result<(PracticeRow, Page), Response>> {
    let row = match by {
        VersionKey::Id(id) => practices::by_id(&ctx.db, id).await?,
        VersionKey::ApId(ap_id) => practices::by_ap_id(&ctx.db, ap_id).await?,
    }
    .filter(|r| r.state != PracticeState::Draft);
    Ok(match row {
        None => Err(super::not_found(ctx, headers, "no such practice")),
        Some(r) if r.state == PracticeState::Deleted => Err(super::message(
            StatusCode::GONE,
            page,
            "gone-title",
            "gone-text",
        )),
        Some(r) => Ok((r, page)),
    })
}

/// What the page of `row` is made from, read now; for a page that may be `kept`.
async fn sources(ctx: &Ctx, row: PracticeRow, kept: bool) -> AppResult<PageSources> {
    let urls = media_urls_of(&row.record);
    let files: Vec<&str> = urls
        .iter()
        .filter_map(|u| media::upload_name(&ctx.config, u))
        .collect();
    Ok(PageSources::read(&ctx.db, row, &files, kept).await?)
}

/// The page of the practice `by` for a signed-in reader: made for them.
async fn html(
    ctx: &Ctx,
    headers: &HeaderMap,
    page: Page,
    by: VersionKey<'_>,
) -> AppResult<Response> {
    match published_row(ctx, headers, page, by).await? {
        Ok((row, page)) => {
            let (s, text) = sources(ctx, row, false)
                .await?
                .with_thread_text(&ctx.db)
                .await?;
            super::practice_page::render(ctx, page, &s, &text).await
        }
        Err(answer) => Ok(answer),
    }
}

/// The page of the practice `by` as every reader who is not signed in gets it, kept under
/// `key` (its language and address). What it is made from is read for every request; when
/// that is equal to what the kept page was made from, the kept page is the page of now and
/// is answered instead of making it again.
async fn anonymous(
    ctx: &Ctx,
    headers: &HeaderMap,
    page: Page,
    by: VersionKey<'_>,
    key: String,
) -> AppResult<SharedPage> {
    let (row, page) = match published_row(ctx, headers, page, by).await? {
        Ok(found) => found,
        Err(answer) => return SharedPage::of(answer).await,
    };
    let sources = sources(ctx, row, true).await?;
    if let Some(kept) = ctx.practice_pages.get(&key).await {
        if kept.0 == sources {
            ctx.metrics.practice_pages(false);
            return Ok(kept.1.clone());
        }
    }
    let (sources, text) = sources.with_thread_text(&ctx.db).await?;
    let made =
        SharedPage::of(super::practice_page::render(ctx, page, &sources, &text).await?).await?;
    ctx.metrics.practice_pages(true);
    ctx.practice_pages
        .insert(key, Arc::new((sources, made.clone())))
        .await;
    Ok(made)
}

/// `/practices/{key}`: `key` is the id part of a local practice's URL, or a numeric id (which
/// also shows practices received from other instances). The ActivityPub document of a local
/// practice (or its tombstone) is rendered once per version and answered with an `ETag`.
pub async fn show(
    State(fed): State<Fed>,
    Path(key): Path<String>,
    headers: HeaderMap,
    page: Page,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let ap_id;
    let by = match key.parse::<i64>() {
        Ok(id) => VersionKey::Id(id),
        Err(_) => {
            ap_id = format!("{}/practices/{key}", ctx.config.base());
            VersionKey::ApId(&ap_id)
        }
    };
    let gone = || AppError::NotFound("no such practice".into());
    if negotiate(&headers) == Wants::Html {
        if page.viewer.is_some() {
            return html(&ctx, &headers, page, by).await;
        }
        // Everyone who is not signed in gets the same page: the readers who arrive while it
        // is being read share the next read (each gets one that started after it asked).
        let key = format!("{}|{}", page.lang.code(), page.path);
        let shared = ctx
            .anonymous_pages
            .read(key.clone(), || anonymous(&ctx, &headers, page, by, key))
            .await?;
        return Ok(shared.response(crate::http_util::accepts_gzip(&headers)));
    }
    let v = ctx
        .practice_versions
        .read(key.clone(), || practices::version(&ctx.db, by))
        .await?
        .filter(|v| v.state != PracticeState::Draft)
        .ok_or_else(gone)?;
    if v.local || v.state == PracticeState::Deleted {
        Ok(document(&ctx, &v).await?.respond(&headers))
    } else {
        Err(AppError::NotFound(format!("see {}", v.ap_id)))
    }
}

/// The `Article` of a published practice, or the `Tombstone` (410) of a deleted one, from
/// memory or rendered (and kept) now.
async fn document(ctx: &Ctx, v: &Version) -> AppResult<Arc<Rendered>> {
    // The Article carries the good index, which moves without a new version.
    let index = match v.local {
        true => good_index::of(&ctx.db, v.id)
            .await?
            .map_or(0, |i| i.changed_at),
        false => 0,
    };
    let key = DocKey::Practice {
        id: v.id,
        version: v.updated_at.timestamp_micros(),
        index,
    };
    let render = async {
        let row = practices::by_id(&ctx.db, v.id)
            .await?
            .ok_or_else(|| AppError::NotFound("no such practice".into()))?;
        let rendered = if row.state == PracticeState::Deleted {
            let mut t = Tombstone::of_article(Url::parse(&row.ap_id)?, row.deleted_at);
            t.context = Some(practice_context());
            Rendered::activity_json(StatusCode::GONE, &t)?
        } else {
            let record: PracticeRecord = serde_json::from_str(&row.record)?;
            Rendered::activity_json(StatusCode::OK, &article_of(ctx, &row, &record).await?.0)?
        };
        Ok::<_, AppError>(Arc::new(rendered))
    };
    ctx.documents
        .try_get_with(key, render)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("rendering practice {}: {e}", v.id)))
}

/// `/practices/{key}/replies` and `/likes`: the collections the `Article` links to (comments
/// and endorsements arrive in later steps; until then they are empty, not missing).
pub async fn collection(
    State(fed): State<Fed>,
    Path((key, which)): Path<(String, String)>,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    if which != "replies" && which != "likes" {
        return Err(AppError::NotFound("no such collection".into()));
    }
    let id = format!("{}/practices/{key}", ctx.config.base());
    let row = practices::by_ap_id(&ctx.db, &id)
        .await?
        .filter(|r| r.state == PracticeState::Published)
        .ok_or_else(|| AppError::NotFound("no such practice".into()))?;
    let mut c = Collection::empty(Url::parse(&format!("{}/{which}", row.ap_id))?);
    c.context = Some(context());
    Ok(activity_json(&c))
}
