//! `/actors/{name}` and `/actor`: an actor's ActivityPub document (rendered once per version,
//! with an `ETag`) or its profile page, at the same URL.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};

use super::{esc, layout};
use crate::{
    db::{
        actors::{self, ActorRow},
        follows,
    },
    domain::actor::{LevelOfGovernment, INSTANCE_USERNAME},
    error::{AppError, AppResult},
    federation::objects::actor::to_ap,
    http_util::{html, negotiate, Rendered, Wants},
    state::{Ctx, DocKey, Fed},
};

/// An actor's document (ActivityPub) or profile page (HTML), by content negotiation.
pub async fn show(
    State(fed): State<Fed>,
    Path(username): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    if username == INSTANCE_USERNAME {
        return Ok(super::not_found(&ctx, &headers, "no such actor"));
    }
    let missing = || AppError::NotFound(format!("no actor `{username}` here"));
    match negotiate(&headers) {
        Wants::ActivityJson => {
            let (id, stamp) = ctx
                .actor_versions
                .read(username.to_lowercase(), || {
                    actors::local_version(&ctx.db, &username)
                })
                .await?
                .ok_or_else(missing)?;
            let key = DocKey::Actor {
                id,
                version: stamp.timestamp_micros(),
            };
            Ok(document(&ctx, key).await?.respond(&headers))
        }
        Wants::Html => match actors::local_by_username(&ctx.db, &username).await? {
            Some(a) => page(&ctx, &a).await,
            None => Ok(super::not_found(
                &ctx,
                &headers,
                &format!("no actor `{username}` here"),
            )),
        },
    }
}

/// `/actor`: the instance actor, always in memory.
pub async fn instance(State(fed): State<Fed>, headers: HeaderMap) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let a = ctx.instance_actor.clone();
    match negotiate(&headers) {
        Wants::ActivityJson => {
            let key = DocKey::Actor {
                id: a.id,
                version: a.last_refreshed_at.timestamp_micros(),
            };
            Ok(document(&ctx, key).await?.respond(&headers))
        }
        Wants::Html => page(&ctx, &a).await,
    }
}

/// The actor document of `key`, from memory or rendered (and kept) now.
async fn document(ctx: &Ctx, key: DocKey) -> AppResult<Arc<Rendered>> {
    let DocKey::Actor { id, .. } = key else {
        return Err(AppError::Internal(anyhow::anyhow!("not an actor key")));
    };
    let render = async {
        let a = actors::by_id(&ctx.db, id)
            .await?
            .ok_or_else(|| AppError::NotFound("no such actor".into()))?;
        Ok::<_, AppError>(Arc::new(Rendered::activity_json(
            StatusCode::OK,
            &to_ap(&a, &ctx.config)?,
        )?))
    };
    ctx.documents
        .try_get_with(key, render)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("rendering actor {id}: {e}")))
}

async fn page(ctx: &Ctx, a: &ActorRow) -> AppResult<Response> {
    let name = a.name.clone().unwrap_or_else(|| a.username.clone());
    let handle = format!("@{}@{}", a.username, ctx.config.domain());
    let followers = follows::count_followers(&ctx.db, a.id).await?;
    let mut facts = String::new();
    let mut fact = |k: &str, v: &str| {
        facts.push_str(&format!("<dt>{}</dt><dd>{}</dd>", esc(k), esc(v)));
    };
    fact("Handle", &handle);
    fact("Type", a.kind.as_str());
    if let Some(code) = &a.ipa_code {
        fact("IPA code", code);
    }
    if let Some(level) = a
        .level
        .as_deref()
        .and_then(|l| l.parse::<LevelOfGovernment>().ok())
    {
        fact("Level of government", level.label());
    }
    if let Some(r) = &a.region {
        fact("Region", r);
    }
    fact("Followers", &followers.to_string());
    let website = a
        .website
        .as_deref()
        .map(|w| {
            format!(
                "<p><a href=\"{0}\" rel=\"nofollow noopener\">{0}</a></p>",
                esc(w)
            )
        })
        .unwrap_or_default();
    let summary = a
        .summary
        .as_deref()
        .map(|s| format!("<p>{}</p>", esc(s)))
        .unwrap_or_default();
    let main = format!(
        "<h1>{}</h1>\n{summary}\n<dl>{facts}</dl>\n{website}\n\
         <p>Follow from Mastodon or any fediverse server by searching for <code>{}</code>.</p>",
        esc(&name),
        esc(&handle)
    );
    Ok(html(layout(ctx, &name, &main)))
}
