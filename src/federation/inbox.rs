//! The inboxes: verify the HTTP signature, store the raw activity (deduplicated by id), answer
//! 202. A worker applies it later (see `apply`). Nothing is stored from a request that fails
//! verification.

use std::time::SystemTime;

use activitypub_federation::fetch::object_id::ObjectId;
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use url::Url;

use crate::{
    config::host_port,
    db::{actors, actors::ActorRow, inbox, instances},
    error::{AppError, AppResult},
    federation::{
        protocol::activities::{Envelope, Follow},
        signatures::{self, SignatureError},
    },
    state::{Ctx, Fed, FAILED_KEY_TTL},
};

/// Largest activity we accept (Mastodon sends well under 1 MB).
pub const MAX_BODY: usize = 1024 * 1024;

pub async fn shared_inbox(
    State(fed): State<Fed>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    into_response(receive(&fed.to_request_data(), &method, &uri, &headers, &body).await)
}

pub async fn actor_inbox(
    State(fed): State<Fed>,
    Path(username): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ctx = fed.to_request_data();
    match actors::local_by_username(&ctx.db, &username).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            return AppError::NotFound(format!("no actor `{username}` here")).into_response()
        }
        Err(e) => return AppError::from(e).into_response(),
    }
    into_response(receive(&ctx, &method, &uri, &headers, &body).await)
}

fn into_response(r: AppResult<bool>) -> Response {
    match r {
        Ok(_) => StatusCode::ACCEPTED.into_response(),
        Err(e) => e.into_response(),
    }
}

/// What a remote caller is told when its request is refused for its signature: nothing
/// about keys, fetches or what a fetched document contained. The detail goes to the log.
const REFUSED: &str = "the request's HTTP signature could not be verified";

fn refused(detail: impl std::fmt::Display) -> AppError {
    tracing::info!(reason = %detail, "inbox request refused: signature");
    AppError::Unauthorized(REFUSED.into())
}

fn not_an_activity(detail: impl std::fmt::Display) -> AppError {
    tracing::info!(reason = %detail, "inbox request refused: not an activity");
    AppError::bad_request("bad_activity", "the body is not a valid activity")
}

/// Verifies and stores one incoming activity. True when it was new.
pub async fn receive(
    ctx: &Ctx,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> AppResult<bool> {
    let sig = signatures::precheck(headers, body, SystemTime::now()).map_err(refused)?;
    // Stored as text: a body that is not UTF-8 would be stored as something else than what
    // was signed.
    let text = std::str::from_utf8(body).map_err(|e| {
        AppError::bad_request("bad_activity", format!("the body is not UTF-8: {e}"))
    })?;
    let env: Envelope = serde_json::from_str(text).map_err(not_an_activity)?;
    if host_port(&env.id) != host_port(&env.actor) {
        return Err(AppError::bad_request(
            "bad_activity",
            "the activity id and its actor are on different hosts",
        ));
    }
    let signer = key_owner(ctx, &sig, &env.actor).await?;
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let verifier = ctx
        .verifier(&signer.public_key_id, &signer.public_key_pem)
        .await
        .map_err(|e| refused(format!("the key of {} is unreadable: {e}", signer.ap_id)))?;
    if let Err(e) = signatures::verify(&sig, method.as_str(), path, headers, &verifier) {
        // The actor may have rotated its key since we stored it: refetch once and retry.
        let fresh = refetch(ctx, &signer, e).await?;
        let verifier = ctx
            .verifier(&fresh.public_key_id, &fresh.public_key_pem)
            .await
            .map_err(|e| refused(format!("the key of {} is unreadable: {e}", fresh.ap_id)))?;
        if let Err(e) = signatures::verify(&sig, method.as_str(), path, headers, &verifier) {
            return Err(refused(e));
        }
    }
    if env.actor.as_str() != signer.ap_id.as_str() {
        return Err(refused(format!(
            "the activity's actor {} is not the signer {}",
            env.actor, signer.ap_id
        )));
    }
    if env.kind == "Follow" {
        check_follow_target(ctx, text).await?;
    }
    let now = crate::db::now_ms();
    let new = ctx
        .inbox_writer
        .submit(inbox::NewInbox {
            ap_id: env.id.to_string(),
            actor: env.actor.to_string(),
            kind: env.kind.clone(),
            body: text.to_string(),
            received_at: now,
        })
        .await?;
    ctx.metrics.inbox_received(new);
    let domain = host_port(&env.actor);
    let touch = ctx.should_touch(&domain, now);
    if (touch || ctx.is_failing(&domain)) && instances::seen(&ctx.db, &domain, now, touch).await? {
        tracing::info!(instance = %domain, activity = %env.id, "instance revived: it sent us an activity");
        ctx.set_failing(&domain, false);
        ctx.delivery_wake.notify_one();
    }
    if new {
        tracing::debug!(activity = %env.id, kind = %env.kind, "activity received");
        ctx.inbox_wake.notify_one();
    } else {
        tracing::debug!(activity = %env.id, kind = %env.kind, "activity already received; ignored");
    }
    Ok(new)
}

/// A `Follow` of a local actor that does not exist is refused at the door with 404.
async fn check_follow_target(ctx: &Ctx, body: &str) -> AppResult<()> {
    let f: Follow = serde_json::from_str(body).map_err(not_an_activity)?;
    if host_port(&f.object) == ctx.config.domain()
        && actors::by_ap_id(&ctx.db, f.object.as_str())
            .await?
            .is_none()
    {
        return Err(AppError::NotFound(format!("no actor {} here", f.object)));
    }
    Ok(())
}

/// The actor owning the signature's key: known already, or the activity's actor fetched
/// (signed) from its server. Nothing is fetched for a key on another host than the actor,
/// nor again for a key whose owner could not be fetched a moment ago.
async fn key_owner(
    ctx: &Ctx,
    sig: &signatures::SignatureHeader,
    actor: &Url,
) -> AppResult<ActorRow> {
    if let Some(a) = ctx.key_owner(&sig.key_id).await? {
        return Ok(a);
    }
    let key = Url::parse(&sig.key_id)
        .map_err(|_| refused(SignatureError::Malformed("keyId is not a URL")))?;
    if host_port(&key) != host_port(actor) {
        return Err(refused(format!(
            "key {} is not on the host of the actor {actor}; not fetched",
            sig.key_id
        )));
    }
    // By what would be fetched (the actor, whatever the key's fragment): an actor that could
    // not be fetched a moment ago is not fetched again, however its key ids are varied.
    let failing = actor.as_str();
    if ctx.key_failed_recently(failing) {
        return Err(refused(format!(
            "the actor {actor} could not be fetched a moment ago; not fetched again"
        )));
    }
    let found = match ObjectId::<ActorRow>::from(actor.clone())
        .dereference(ctx)
        .await
    {
        Ok(a) if a.public_key_id == sig.key_id => Ok(a),
        // Known with another key: it may have rotated it, unless we read it a moment ago
        // (so that made-up key ids do not make us fetch the same actor again and again).
        Ok(a) if !a.local && !recently_read(&a) => {
            match ObjectId::<ActorRow>::from(actor.clone())
                .dereference_forced(ctx)
                .await
            {
                Ok(a) if a.public_key_id == sig.key_id => Ok(a),
                Ok(_) => Err((
                    false,
                    format!("key {} does not belong to {actor}", sig.key_id),
                )),
                Err(e) => Err((true, format!("cannot fetch the signing actor {actor}: {e}"))),
            }
        }
        Ok(_) => Err((
            false,
            format!("key {} does not belong to {actor}", sig.key_id),
        )),
        Err(e) => Err((true, format!("cannot fetch the signing actor {actor}: {e}"))),
    };
    match found {
        Ok(a) => Ok(a),
        Err((fetch_failed, detail)) => {
            // Only a failed fetch is remembered: an actor read fine is not refetched for a
            // minute anyway (`recently_read`), and a forged key id must not block its owner.
            if fetch_failed {
                ctx.key_failed(failing).await;
            }
            Err(refused(detail))
        }
    }
}

/// Whether a stored actor was read from its server less than [`FAILED_KEY_TTL`] ago.
fn recently_read(a: &ActorRow) -> bool {
    let ttl = chrono::Duration::from_std(FAILED_KEY_TTL).unwrap_or_default();
    a.last_refreshed_at > crate::db::now() - ttl
}

/// The signer fetched again after its signature did not verify with the stored key (`why`),
/// at most once in a while per key.
async fn refetch(ctx: &Ctx, actor: &ActorRow, why: SignatureError) -> AppResult<ActorRow> {
    // Read a moment ago: a rotation would show already. Failing a moment ago: not again.
    if actor.local || recently_read(actor) || ctx.key_failed_recently(actor.ap_id.0.as_str()) {
        return Err(refused(why));
    }
    ctx.forget_key_owner(&actor.public_key_id).await;
    match ObjectId::<ActorRow>::from(actor.ap_id.0.clone())
        .dereference_forced(ctx)
        .await
    {
        Ok(a) => Ok(a),
        Err(e) => {
            ctx.key_failed(actor.ap_id.0.as_str()).await;
            Err(refused(format!(
                "cannot refresh the signing actor {}: {e}",
                actor.ap_id
            )))
        }
    }
}
