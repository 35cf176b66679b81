//! Following: local persons following actors anywhere, and remote actors following ours.

use activitypub_federation::fetch::object_id::ObjectId;
use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::{
    db::{
        actors::{self, ActorRow},
        follows,
        users::UserRow,
    },
    domain::actor::{ActorRef, FollowState},
    error::{AppError, AppResult},
    federation::{
        activities::{follow, undo},
        outbox, routes,
    },
    state::Ctx,
};

/// A follow as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FollowView {
    pub id: i64,
    /// The followed actor's ActivityPub id.
    pub target: String,
    /// `name@domain` of the followed actor.
    pub handle: String,
    pub name: Option<String>,
    /// `pending` until the target accepts, then `accepted`.
    pub state: FollowState,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Finds an actor by URL or handle, fetching it (signed) when it is not known yet.
pub async fn resolve_actor(ctx: &Ctx, target: &str) -> AppResult<ActorRow> {
    let r = ActorRef::parse(target).map_err(|e| AppError::invalid_field("target", e))?;
    match r {
        ActorRef::Url(u) => Ok(ObjectId::<ActorRow>::from(u).dereference(ctx).await?),
        ActorRef::Handle { name, domain } if domain == ctx.config.domain() => {
            actors::local_by_username(&ctx.db, &name)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("no actor `{name}` on this instance")))
        }
        ActorRef::Handle { name, domain } => {
            let id = webfinger(ctx, &name, &domain).await?;
            Ok(ObjectId::<ActorRow>::from(id).dereference(ctx).await?)
        }
    }
}

/// Looks `name@domain` up with WebFinger and returns the actor id it points to.
async fn webfinger(ctx: &Ctx, name: &str, domain: &str) -> AppResult<Url> {
    let jrd = webfinger_jrd(ctx, name, domain, "target").await?;
    jrd["links"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["rel"] == "self")
        .filter(|l| {
            l["type"].as_str().is_some_and(|t| {
                t.starts_with("application/activity+json") || t.starts_with("application/ld+json")
            })
        })
        .find_map(|l| l["href"].as_str().and_then(|h| Url::parse(h).ok()))
        .ok_or_else(|| AppError::NotFound(format!("{name}@{domain} has no ActivityPub actor")))
}

/// The WebFinger answer (JRD) of `name@domain`; a bad domain is an error of `field`.
async fn webfinger_jrd(ctx: &Ctx, name: &str, domain: &str, field: &str) -> AppResult<Value> {
    // https in production; development instances on localhost:PORT speak plain http.
    let scheme = if ctx.config.allow_private_peers {
        "http"
    } else {
        "https"
    };
    let mut url = Url::parse(&format!("{scheme}://{domain}/.well-known/webfinger"))
        .map_err(|_| AppError::invalid_field(field, format!("`{domain}` is not a valid domain")))?;
    if url.path() != "/.well-known/webfinger" || url.query().is_some() {
        return Err(AppError::invalid_field(
            field,
            format!("`{domain}` is not a valid domain"),
        ));
    }
    url.query_pairs_mut()
        .append_pair("resource", &format!("acct:{name}@{domain}"));
    if !ctx.config.allow_private_peers {
        crate::federation::resolver::refuse_internal_literal(&url)
            .await
            .map_err(|why| AppError::invalid_field(field, why))?;
    }
    // Signed by the instance actor like every other outgoing GET (secure-mode servers).
    let builder = reqwest_middleware::ClientWithMiddleware::from(ctx.http.clone())
        .get(url)
        .header("accept", "application/jrd+json, application/json");
    let request = ctx.sign_request(builder, bytes::Bytes::new()).await?;
    let resp = ctx
        .http
        .execute(request)
        .await
        .map_err(|e| AppError::Upstream(format!("cannot reach {domain}: {e}")))?;
    match resp.status() {
        s if s.is_success() => {}
        s if s.as_u16() == 404 || s.as_u16() == 410 => {
            return Err(AppError::NotFound(format!(
                "{domain} has no account {name}"
            )))
        }
        s => {
            return Err(AppError::Upstream(format!(
                "{domain} answered WebFinger with {s}"
            )))
        }
    }
    resp.json().await.map_err(|e| {
        AppError::Upstream(format!("{domain} sent an unreadable WebFinger answer: {e}"))
    })
}

/// Why a visitor's own server cannot be sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteFollowError {
    /// Not `name@server`.
    BadHandle,
    /// The server says it has no such account.
    NoAccount,
    /// The server did not answer, or not with WebFinger.
    Unreachable,
    /// The server has the account but no subscribe template (or an unusable one).
    NoTemplate,
}

/// Where to send the owner of `account` (`name@server`) so that their server follows `uri`:
/// that server's subscribe template, found through WebFinger, with `{uri}` filled in.
pub async fn remote_follow_url(
    ctx: &Ctx,
    account: &str,
    uri: &Url,
) -> Result<Url, RemoteFollowError> {
    let Ok(ActorRef::Handle { name, domain }) = ActorRef::parse(account) else {
        return Err(RemoteFollowError::BadHandle);
    };
    let template = if domain == ctx.config.domain() {
        // Our own accounts: no request to ourselves.
        if actors::local_by_username(&ctx.db, &name)
            .await
            .ok()
            .flatten()
            .is_none()
        {
            return Err(RemoteFollowError::NoAccount);
        }
        routes::subscribe_template(&ctx.config)
    } else {
        let jrd = match webfinger_jrd(ctx, &name, &domain, "account").await {
            Ok(jrd) => jrd,
            Err(AppError::NotFound(_)) => return Err(RemoteFollowError::NoAccount),
            Err(AppError::Invalid(_)) => return Err(RemoteFollowError::BadHandle),
            Err(_) => return Err(RemoteFollowError::Unreachable),
        };
        jrd["links"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|l| l["rel"] == routes::SUBSCRIBE_REL)
            .and_then(|l| l["template"].as_str())
            .map(str::to_string)
            .ok_or(RemoteFollowError::NoTemplate)?
    };
    let encoded: String = url::form_urlencoded::byte_serialize(uri.as_str().as_bytes()).collect();
    Url::parse(&template.replace("{uri}", &encoded))
        .ok()
        .filter(|u| matches!(u.scheme(), "https" | "http") && template.contains("{uri}"))
        .ok_or(RemoteFollowError::NoTemplate)
}

fn view(row: follows::FollowingRow) -> FollowView {
    FollowView {
        id: row.id,
        target: row.target_ap_id,
        handle: format!("{}@{}", row.target_username, row.target_domain),
        name: row.target_name,
        state: FollowState::of(row.accepted),
        created_at: row.created_at,
    }
}

/// The actor row of a user.
pub async fn actor_of(ctx: &Ctx, user: &UserRow) -> AppResult<ActorRow> {
    actors::by_id(&ctx.db, user.actor_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("user without actor")))
}

/// A local user follows `target`. Local targets accept at once; remote ones get a `Follow`.
pub async fn follow(ctx: &Ctx, user: &UserRow, target: &str) -> AppResult<FollowView> {
    let me = actor_of(ctx, user).await?;
    let target = resolve_actor(ctx, target).await?;
    if target.id == me.id {
        return Err(AppError::bad_request(
            "self_follow",
            "you cannot follow yourself",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    follow::send(ctx, &mut tx, &me, &target).await?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    list(ctx, user)
        .await?
        .into_iter()
        .find(|f| f.target == target.ap_id.as_str())
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("follow vanished after insert")))
}

/// Stops following; remote targets get an `Undo` of the original `Follow`.
pub async fn unfollow(ctx: &Ctx, user: &UserRow, follow_id: i64) -> AppResult<()> {
    let me = actor_of(ctx, user).await?;
    let row = follows::following_of(&ctx.db, me.id)
        .await?
        .into_iter()
        .find(|f| f.id == follow_id)
        .ok_or_else(|| AppError::NotFound(format!("you have no follow {follow_id}")))?;
    let target = actors::by_ap_id(&ctx.db, &row.target_ap_id)
        .await?
        .ok_or_else(|| AppError::NotFound("the followed actor is gone".into()))?;
    let mut tx = ctx.db.begin().await?;
    undo::send_unfollow(ctx, &mut tx, &me, &target, &row.activity_id).await?;
    tx.commit().await?;
    outbox::wake(ctx.app_data());
    Ok(())
}

pub async fn list(ctx: &Ctx, user: &UserRow) -> AppResult<Vec<FollowView>> {
    Ok(follows::following_of(&ctx.db, user.actor_id)
        .await?
        .into_iter()
        .map(view)
        .collect())
}
