//! Public federation endpoints that answer JSON only: WebFinger, NodeInfo, and the collections
//! of actors (followers, following, outbox, featured). Actor documents, which answer a page or
//! JSON by content negotiation, are served by `web`.

use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
    Json,
};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{
    db::{activities, actors, actors::ActorRow, follows, users},
    domain::actor::{ActorKind, INSTANCE_USERNAME},
    error::{AppError, AppResult},
    federation::{
        objects::instance_outbox::{self, OutboxQuery},
        protocol::{
            context::context,
            objects::{Collection, CollectionPage},
        },
    },
    http_util::{activity_json, ApiQuery},
    state::{Ctx, Fed},
};

pub const PAGE_SIZE: i64 = 20;

/// The WebFinger link relation of "follow from your server" (OStatus remote follow, which
/// Mastodon, Misskey, Pleroma and Prassi answer): its `template` has a `{uri}` placeholder.
pub const SUBSCRIBE_REL: &str = "http://ostatus.org/schema/1.0/subscribe";

/// The subscribe template this instance answers in WebFinger: the page where a signed-in
/// person confirms that they follow `{uri}`.
pub fn subscribe_template(config: &crate::config::Config) -> String {
    format!("{}/authorize_interaction?uri={{uri}}", config.base())
}

#[derive(Deserialize)]
pub struct WebfingerQuery {
    resource: Option<String>,
}

pub async fn webfinger(
    State(fed): State<Fed>,
    ApiQuery(q): ApiQuery<WebfingerQuery>,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let resource = q.resource.ok_or_else(|| {
        AppError::bad_request("bad_request", "the resource parameter is required")
    })?;
    let actor = if resource.starts_with("http://") || resource.starts_with("https://") {
        actors::by_ap_id(&ctx.db, &resource)
            .await?
            .filter(|a| a.local)
    } else {
        let acct = resource.strip_prefix("acct:").unwrap_or(&resource);
        let (name, domain) = acct.rsplit_once('@').ok_or_else(|| {
            AppError::bad_request("bad_request", "resource must be acct:name@domain or a URL")
        })?;
        if !domain.eq_ignore_ascii_case(&ctx.config.domain()) {
            return Err(AppError::NotFound(format!("{domain} is not this instance")));
        }
        actors::local_by_username(&ctx.db, name).await?
    };
    let a = actor.ok_or_else(|| AppError::NotFound(format!("no actor for {resource}")))?;
    let profile = a.url.clone().unwrap_or_else(|| a.ap_id.to_string());
    let body = json!({
        "subject": format!("acct:{}@{}", a.username, ctx.config.domain()),
        "aliases": [a.ap_id.as_str(), profile],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": a.ap_id.as_str()},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": profile},
            // "Follow from your server": other servers send their visitors here.
            {"rel": SUBSCRIBE_REL, "template": subscribe_template(&ctx.config)},
        ]
    });
    Ok(([(header::CONTENT_TYPE, "application/jrd+json")], Json(body)).into_response())
}

pub async fn nodeinfo_links(State(fed): State<Fed>) -> Json<Value> {
    let cfg = &fed.to_request_data().config;
    Json(json!({"links": [{
        "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
        "href": format!("{}/nodeinfo/2.1", cfg.base()),
    }]}))
}

pub async fn nodeinfo(State(fed): State<Fed>) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let users = users::count(&ctx.db).await?;
    let orgs = actors::count_local(&ctx.db, ActorKind::Organization).await?;
    let posts = crate::db::practices::count_published_local(&ctx.db).await?;
    let body = json!({
        "version": "2.1",
        "software": {
            "name": "prassi",
            "version": env!("CARGO_PKG_VERSION"),
            "repository": "https://github.com/prassi/prassi",
            "homepage": "https://github.com/prassi/prassi",
        },
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": false,
        "usage": {
            "users": {"total": users, "activeHalfyear": users, "activeMonth": users},
            "localPosts": posts,
        },
        "metadata": {
            "nodeName": ctx.config.instance_name,
            "organizations": orgs,
        }
    });
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\"",
        )],
        Json(body),
    )
        .into_response())
}

async fn local(ctx: &Ctx, username: &str) -> AppResult<ActorRow> {
    actors::local_by_username(&ctx.db, username)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no actor `{username}` here")))
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
}

/// Which collection of an actor.
#[derive(Clone, Copy)]
enum Which {
    Followers,
    Following,
    Outbox,
}

async fn collection(
    ctx: &Ctx,
    username: &str,
    which: Which,
    page: Option<i64>,
) -> AppResult<Response> {
    let a = if username == INSTANCE_USERNAME {
        ctx.instance_actor.clone()
    } else {
        local(ctx, username).await?
    };
    let base = match which {
        Which::Followers => a.followers_url.clone(),
        Which::Following => a.following_url.clone(),
        Which::Outbox => a.outbox.clone(),
    }
    .ok_or_else(|| AppError::NotFound("no such collection".into()))?;
    let base = url::Url::parse(&base)?;
    let total = match which {
        Which::Followers => follows::count_followers(&ctx.db, a.id).await?,
        Which::Following => follows::count_following(&ctx.db, a.id).await?,
        Which::Outbox => activities::count_public(&ctx.db, a.id).await?,
    };
    let Some(page) = page else {
        let mut c = Collection::paged(base, total, PAGE_SIZE);
        c.context = Some(context());
        return Ok(activity_json(&c));
    };
    if page < 1 {
        return Err(AppError::bad_request("bad_request", "pages start at 1"));
    }
    let offset = (page - 1) * PAGE_SIZE;
    let items: Vec<Value> = match which {
        Which::Followers => follows::follower_ids_page(&ctx.db, a.id, PAGE_SIZE, offset)
            .await?
            .into_iter()
            .map(Value::String)
            .collect(),
        Which::Following => follows::following_ids_page(&ctx.db, a.id, PAGE_SIZE, offset)
            .await?
            .into_iter()
            .map(Value::String)
            .collect(),
        Which::Outbox => activities::public_page(&ctx.db, a.id, PAGE_SIZE, offset)
            .await?
            .into_iter()
            .filter_map(|b| serde_json::from_str::<Value>(&b).ok())
            .map(|mut v| {
                if let Some(o) = v.as_object_mut() {
                    o.remove("@context");
                }
                v
            })
            .collect(),
    };
    let mut body = CollectionPage::of(base, page, PAGE_SIZE, total, items);
    body.context = Some(context());
    Ok(activity_json(&body))
}

pub async fn followers(
    State(fed): State<Fed>,
    Path(u): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> AppResult<Response> {
    collection(&fed.to_request_data(), &u, Which::Followers, q.page).await
}

pub async fn following(
    State(fed): State<Fed>,
    Path(u): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> AppResult<Response> {
    collection(&fed.to_request_data(), &u, Which::Following, q.page).await
}

pub async fn outbox(
    State(fed): State<Fed>,
    Path(u): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> AppResult<Response> {
    collection(&fed.to_request_data(), &u, Which::Outbox, q.page).await
}

/// The instance actor's collections; its outbox is the `Announce` of every public practice
/// (see [`instance_outbox`]), which hubs that follow this instance walk to backfill it.
pub async fn instance_collection(
    State(fed): State<Fed>,
    Path(which): Path<String>,
    ApiQuery(q): ApiQuery<InstanceQuery>,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let w = match which.as_str() {
        "followers" => Which::Followers,
        "following" => Which::Following,
        "outbox" => {
            let page = q.page.filter(|p| !p.is_empty());
            let outbox = OutboxQuery {
                page,
                max_id: q.max_id,
                limit: q.limit,
            };
            return Ok(activity_json(
                &instance_outbox::document(&ctx, &outbox).await?,
            ));
        }
        "recognised" => return recognised(&ctx, page_number(q.page.as_deref())?).await,
        _ => return Err(AppError::NotFound("no such collection".into())),
    };
    collection(&ctx, INSTANCE_USERNAME, w, page_number(q.page.as_deref())?).await
}

/// `?page=` of a numbered collection: absent or empty for the collection itself.
fn page_number(page: Option<&str>) -> AppResult<Option<i64>> {
    match page {
        None | Some("") => Ok(None),
        Some(p) => p.parse::<i64>().map(Some).map_err(|_| {
            AppError::InvalidParams(
                [("page".to_string(), "must be a page number".to_string())].into(),
            )
        }),
    }
}

/// The parameters of the instance actor's collections: `page` (a number, or any value for
/// the outbox), and the outbox's `max_id` and `limit`.
#[derive(Deserialize)]
pub struct InstanceQuery {
    page: Option<String>,
    max_id: Option<i64>,
    limit: Option<i64>,
}

/// `/actor/recognised`: the practices this instance's commission recognised, newest first.
async fn recognised(ctx: &Ctx, page: Option<i64>) -> AppResult<Response> {
    let base = url::Url::parse(&crate::federation::urls::recognised(&ctx.config))?;
    let total = crate::db::recognitions::count_recognised_here(&ctx.db).await?;
    let Some(page) = page else {
        let mut c = Collection::paged(base, total, PAGE_SIZE);
        c.context = Some(context());
        return Ok(activity_json(&c));
    };
    if page < 1 {
        return Err(AppError::bad_request("bad_request", "pages start at 1"));
    }
    let items =
        crate::db::recognitions::recognised_here(&ctx.db, PAGE_SIZE, (page - 1) * PAGE_SIZE)
            .await?
            .into_iter()
            .map(Value::String)
            .collect();
    let mut body = CollectionPage::of(base, page, PAGE_SIZE, total, items);
    body.context = Some(context());
    Ok(activity_json(&body))
}

/// Featured collection (empty for now; Mastodon fetches it).
pub async fn featured(State(fed): State<Fed>, Path(u): Path<String>) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let a = local(&ctx, &u).await?;
    let featured = Collection {
        context: Some(context()),
        id: url::Url::parse(&format!("{}/featured", a.ap_id.as_str()))?,
        kind: "OrderedCollection".into(),
        total_items: Some(0),
        first: None,
        last: None,
        ordered_items: Some(Vec::new()),
    };
    Ok(activity_json(&featured))
}
