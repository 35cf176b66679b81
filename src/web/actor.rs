//! `/actors/{name}` and `/actor`: an actor's ActivityPub document (rendered once per version,
//! with an `ETag`) or its profile page, at the same URL: an organisation with its practices
//! and ranking figures, a topic with its practices, a person with their public comments, and
//! the instance itself.

use std::sync::Arc;

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};

use super::{
    components::{language, Card, Pager},
    directory::{self, date, tr, ListQuery, Ranked},
    page::{self, Page},
};
use crate::{
    db::{
        actors::{self, ActorRow},
        comments, follows,
        practices::Filter,
        users,
    },
    domain::{
        actor::{ActorKind, LevelOfGovernment, Role, INSTANCE_USERNAME},
        vocab::RegionCode,
    },
    error::{AppError, AppResult},
    federation::objects::actor::to_ap,
    http_util::{negotiate, Rendered, Wants},
    service::good_index,
    state::{Ctx, DocKey, Fed},
};

/// An actor's document (ActivityPub) or profile page (HTML), by content negotiation.
pub async fn show(
    State(fed): State<Fed>,
    Path(username): Path<String>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
    page: Page,
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
            Some(a) => profile(&ctx, page, &a, q.number()).await,
            None => Ok(super::not_found(
                &ctx,
                &headers,
                &format!("no actor `{username}` here"),
            )),
        },
    }
}

/// `/actor`: the instance actor, always in memory.
pub async fn instance(
    State(fed): State<Fed>,
    headers: HeaderMap,
    page: Page,
) -> AppResult<Response> {
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
        Wants::Html => instance_page(&ctx, page, &a).await,
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

/// What every profile shows: the name, the fediverse handle, the followers.
struct Profile {
    name: String,
    summary: Option<String>,
    icon: Option<String>,
    handle: String,
    /// What the follow box follows (its form reads it).
    #[allow(dead_code)]
    uri: String,
    followers: i64,
}

async fn profile_of(ctx: &Ctx, a: &ActorRow) -> AppResult<Profile> {
    Ok(Profile {
        name: a.name.clone().unwrap_or_else(|| a.username.clone()),
        summary: a.summary.clone().filter(|s| !s.trim().is_empty()),
        icon: a.icon_url.clone(),
        handle: format!("@{}@{}", a.username, ctx.config.domain()),
        uri: a.ap_id.to_string(),
        followers: follows::count_followers(&ctx.db, a.id).await?,
    })
}

async fn profile(ctx: &Ctx, page: Page, a: &ActorRow, number: usize) -> AppResult<Response> {
    let page = page.with_alternate(a.ap_id.to_string());
    match a.kind {
        ActorKind::Organization => organization(ctx, page, a, number).await,
        ActorKind::Group => topic(ctx, page, a, number).await,
        ActorKind::Person => person(ctx, page, a).await,
        ActorKind::Application | ActorKind::Service => instance_page(ctx, page, a).await,
    }
}

#[derive(Template)]
#[template(path = "actor_organization.html")]
struct OrganizationPage {
    page: Page,
    p: Profile,
    facts: Vec<(String, String)>,
    website: Option<String>,
    practices: Vec<Card>,
    total: i64,
    pager: Pager,
    ranking: Option<Ranked>,
    /// "3rd of 12 organisations".
    rank_text: String,
}

async fn organization(ctx: &Ctx, page: Page, a: &ActorRow, number: usize) -> AppResult<Response> {
    let p = profile_of(ctx, a).await?;
    let mut facts = Vec::new();
    if let Some(code) = a.ipa_code.as_deref().filter(|c| !c.is_empty()) {
        facts.push((page.t("org-ipa"), code.to_string()));
    }
    if let Some(level) = a
        .level
        .as_deref()
        .and_then(|l| l.parse::<LevelOfGovernment>().ok())
    {
        facts.push((
            page.t("org-level"),
            page.t(&format!("level-{}", level.as_str())),
        ));
    }
    if let Some(r) = a.region.as_deref().filter(|r| !r.is_empty()) {
        let name = r.parse::<RegionCode>().map_or_else(
            |_| r.to_string(),
            |region| region.label(language(page.lang)),
        );
        facts.push((page.t("org-region"), name));
    }
    facts.push((page.t("profile-followers"), p.followers.to_string()));
    let filter = Filter {
        organization_id: Some(a.id),
        ..Default::default()
    };
    let path = format!("/actors/{}", a.username);
    let (practices, pager, total) =
        directory::practice_page(ctx, &page, filter, number, &path).await?;
    let rows = good_index::organisations(ctx).await?;
    let ranking = rows
        .iter()
        .find(|r| r.handle == a.username)
        .map(|r| Ranked::of(&page, r, None));
    let rank_text = ranking.as_ref().map_or_else(String::new, |r| {
        tr(
            &page,
            "org-rank",
            &[("rank", r.rank.to_string()), ("of", rows.len().to_string())],
        )
    });
    let description = p
        .summary
        .clone()
        .unwrap_or_else(|| page.t1("org-description", "name", &p.name));
    let title = p.name.clone();
    Ok(page::ok(&OrganizationPage {
        page: page.titled(title).described(description),
        p,
        facts,
        website: a.website.clone().filter(|w| w.starts_with("http")),
        practices,
        total,
        pager,
        ranking,
        rank_text,
    }))
}

#[derive(Template)]
#[template(path = "actor_topic.html")]
struct TopicPage {
    page: Page,
    p: Profile,
    practices: Vec<Card>,
    total: i64,
    pager: Pager,
}

async fn topic(ctx: &Ctx, page: Page, a: &ActorRow, number: usize) -> AppResult<Response> {
    let mut p = profile_of(ctx, a).await?;
    let sector = directory::sector_of(&a.username);
    if let Some(s) = sector {
        p.name = s.label(language(page.lang)).to_string();
        p.summary = Some(page.t1("topic-summary", "topic", &p.name));
    }
    let filter = Filter {
        sector,
        ..Default::default()
    };
    let path = format!("/actors/{}", a.username);
    let (practices, pager, total) = match sector {
        Some(_) => directory::practice_page(ctx, &page, filter, number, &path).await?,
        None => (Vec::new(), Pager::new(1, 1, |_| String::new()), 0),
    };
    let title = p.name.clone();
    let description = p.summary.clone().unwrap_or_default();
    Ok(page::ok(&TopicPage {
        page: page.titled(title).described(description),
        p,
        practices,
        total,
        pager,
    }))
}

/// A comment in a person's profile.
struct Authored {
    href: String,
    practice: String,
    practice_href: String,
    when: String,
    stance: Option<String>,
    /// Sanitised when stored.
    content: String,
}

#[derive(Template)]
#[template(path = "actor_person.html")]
struct PersonPage {
    page: Page,
    p: Profile,
    organization: Option<(String, String)>,
    role: Option<String>,
    comments: Vec<Authored>,
}

async fn person(ctx: &Ctx, page: Page, a: &ActorRow) -> AppResult<Response> {
    let p = profile_of(ctx, a).await?;
    let organization = match a.organization_ap_id.as_deref() {
        Some(id) => actors::by_ap_id(&ctx.db, id).await?.map(|o| {
            let href = if o.local {
                format!("/actors/{}", o.username)
            } else {
                o.url.clone().unwrap_or_else(|| o.ap_id.to_string())
            };
            (o.name.clone().unwrap_or(o.username), href)
        }),
        None => None,
    };
    // The roles of the staff of an administration are public; a citizen's account is not
    // labelled as such.
    let role = users::by_username(&ctx.db, &a.username)
        .await?
        .and_then(|u| match u.role {
            Role::Manager => Some(page.t("role-manager")),
            Role::Reviewer => Some(page.t("role-reviewer")),
            Role::Admin | Role::Citizen => None,
        });
    let comments = comments::by_author(&ctx.db, a.id, 50)
        .await?
        .into_iter()
        .map(|c| Authored {
            href: c
                .comment
                .url
                .clone()
                .unwrap_or_else(|| c.comment.ap_id.clone()),
            practice: c.practice_title,
            practice_href: c.practice_url.unwrap_or(c.practice_ap_id),
            when: date(page.lang, c.comment.created_at),
            stance: c
                .comment
                .stance
                .as_deref()
                .filter(|s| matches!(*s, "positive" | "negative" | "neutral"))
                .map(|s| page.t(&format!("profile-stance-{s}"))),
            content: c.comment.content,
        })
        .collect();
    let title = p.name.clone();
    let description = page.t1("person-description", "name", &p.name);
    Ok(page::ok(&PersonPage {
        page: page.titled(title).described(description),
        p,
        organization,
        role,
        comments,
    }))
}

#[derive(Template)]
#[template(path = "actor_instance.html")]
struct InstancePage {
    page: Page,
    p: Profile,
}

async fn instance_page(ctx: &Ctx, page: Page, a: &ActorRow) -> AppResult<Response> {
    let mut p = profile_of(ctx, a).await?;
    p.name = ctx.config.instance_name.clone();
    let page = page.with_alternate(a.ap_id.to_string());
    let title = p.name.clone();
    let description = page.t1("instance-description", "site", &p.name);
    Ok(page::ok(&InstancePage {
        page: page.titled(title).described(description),
        p,
    }))
}
