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

use crate::{
    config::host_port,
    db::{actors, actors::ActorRow, inbox, instances},
    error::{AppError, AppResult},
    federation::{
        protocol::activities::{Envelope, Follow},
        signatures::{self, SignatureError},
    },
    state::{Ctx, Fed},
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

fn unauthorized(e: SignatureError) -> AppError {
    AppError::Unauthorized(format!("HTTP signature refused: {e}"))
}

/// Verifies and stores one incoming activity. True when it was new.
pub async fn receive(
    ctx: &Ctx,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> AppResult<bool> {
    let sig = signatures::precheck(headers, body, SystemTime::now()).map_err(unauthorized)?;
    let env: Envelope = serde_json::from_slice(body)
        .map_err(|e| AppError::bad_request("bad_activity", format!("not an activity: {e}")))?;
    let signer = key_owner(ctx, &sig).await?;
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let verifier = ctx
        .verifier(&signer.public_key_id, &signer.public_key_pem)
        .await?;
    if let Err(e) = signatures::verify(&sig, method.as_str(), path, headers, &verifier) {
        // The actor may have rotated its key since we stored it: refetch once and retry.
        let fresh = refetch(ctx, &signer).await?;
        let verifier = ctx
            .verifier(&fresh.public_key_id, &fresh.public_key_pem)
            .await?;
        signatures::verify(&sig, method.as_str(), path, headers, &verifier)
            .map_err(|_| unauthorized(e))?;
    }
    if env.actor.as_str() != signer.ap_id.as_str() {
        return Err(AppError::Unauthorized(format!(
            "the activity's actor {} is not the signer {}",
            env.actor, signer.ap_id
        )));
    }
    if host_port(&env.id) != host_port(&env.actor) {
        return Err(AppError::bad_request(
            "bad_activity",
            "the activity id and its actor are on different hosts",
        ));
    }
    if env.kind == "Follow" {
        check_follow_target(ctx, body).await?;
    }
    let now = crate::db::now_ms();
    let new = ctx
        .inbox_writer
        .submit(inbox::NewInbox {
            ap_id: env.id.to_string(),
            actor: env.actor.to_string(),
            kind: env.kind.clone(),
            body: String::from_utf8_lossy(body).into_owned(),
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
async fn check_follow_target(ctx: &Ctx, body: &[u8]) -> AppResult<()> {
    let f: Follow = serde_json::from_slice(body)
        .map_err(|e| AppError::bad_request("bad_activity", format!("malformed Follow: {e}")))?;
    if host_port(&f.object) == ctx.config.domain()
        && actors::by_ap_id(&ctx.db, f.object.as_str())
            .await?
            .is_none()
    {
        return Err(AppError::NotFound(format!("no actor {} here", f.object)));
    }
    Ok(())
}

/// The actor owning the signature's key: known already, or fetched (signed) from its server.
async fn key_owner(ctx: &Ctx, sig: &signatures::SignatureHeader) -> AppResult<ActorRow> {
    if let Some(a) = ctx.key_owner(&sig.key_id).await? {
        return Ok(a);
    }
    let owner = sig
        .key_owner_guess()
        .ok_or_else(|| unauthorized(SignatureError::Malformed("keyId is not a URL")))?;
    let actor = ObjectId::<ActorRow>::from(owner)
        .dereference(ctx)
        .await
        .map_err(|e| AppError::Unauthorized(format!("cannot fetch the signing actor: {e}")))?;
    if actor.public_key_id != sig.key_id {
        return Err(AppError::Unauthorized(format!(
            "key {} does not belong to {}",
            sig.key_id, actor.ap_id
        )));
    }
    Ok(actor)
}

async fn refetch(ctx: &Ctx, actor: &ActorRow) -> AppResult<ActorRow> {
    if actor.local {
        return Ok(actor.clone());
    }
    ctx.forget_key_owner(&actor.public_key_id).await;
    ObjectId::<ActorRow>::from(actor.ap_id.0.clone())
        .dereference_forced(ctx)
        .await
        .map_err(|e| AppError::Unauthorized(format!("cannot refresh the signing actor: {e}")))
}
