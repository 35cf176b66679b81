//! Practices through the API: drafts, edits, publication, deletion, lists with filters.

use axum::{
    extract::{RawQuery, State},
    http::StatusCode,
    Json,
};
use serde::Deserialize;
use serde_json::Value;

use super::{ApiJson, AuthUser, MaybeUser};
use crate::{
    db::practices::Filter,
    domain::vocab::{Sector, Stage},
    error::{AppError, AppResult},
    http_util::{decode_query_lenient, ApiPath, ApiQuery},
    service::practices::{self, PracticeView},
    state::Fed,
};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct CreateQuery {
    /// Organisation handle; required for admins, implied for managers.
    organization: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/practices", security(("bearer" = [])),
    params(CreateQuery),
    request_body(content = crate::domain::practice::PracticeRecord, description = "A practice record, complete or not (a draft)"),
    responses((status = 201, body = PracticeView),
              (status = 422, description = "every invalid field at once", body = super::ErrorBody),
              (status = 403, body = super::ErrorBody)))]
pub async fn create(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiQuery(q): ApiQuery<CreateQuery>,
    ApiJson(body): ApiJson<Value>,
) -> AppResult<(StatusCode, Json<PracticeView>)> {
    let ctx = fed.to_request_data();
    let p = practices::create_draft(&ctx, &u, q.organization.as_deref(), body).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

#[utoipa::path(get, path = "/api/v1/practices/{id}",
    params(("id" = i64, Path)),
    responses((status = 200, body = PracticeView), (status = 404, body = super::ErrorBody),
              (status = 410, description = "deleted", body = super::ErrorBody)))]
pub async fn get(
    State(fed): State<Fed>,
    MaybeUser(u): MaybeUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<PracticeView>> {
    let ctx = fed.to_request_data();
    Ok(Json(practices::get(&ctx, u.as_ref(), id).await?))
}

#[utoipa::path(patch, path = "/api/v1/practices/{id}", security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body(content = Object, description = "JSON merge patch (RFC 7396) of the record"),
    responses((status = 200, body = PracticeView), (status = 422, body = super::ErrorBody),
              (status = 403, body = super::ErrorBody)))]
pub async fn patch(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> AppResult<Json<PracticeView>> {
    let ctx = fed.to_request_data();
    Ok(Json(practices::patch(&ctx, &u, id, body).await?))
}

#[utoipa::path(delete, path = "/api/v1/practices/{id}", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn remove(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    let ctx = fed.to_request_data();
    practices::delete(&ctx, &u, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/practices/{id}/publish", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = PracticeView),
              (status = 422, description = "what is still missing, every field at once", body = super::ErrorBody),
              (status = 409, description = "already published", body = super::ErrorBody)))]
pub async fn publish(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<PracticeView>> {
    let ctx = fed.to_request_data();
    Ok(Json(practices::publish(&ctx, &u, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Organisation handle (`name` here, `name@domain` elsewhere).
    organization: Option<String>,
    /// A stage, e.g. `implementing`; an unknown one is refused (400), not an empty list.
    #[param(value_type = Option<String>)]
    stage: Option<Stage>,
    /// COFOG division code, e.g. `07`; an unknown one is refused (400).
    #[param(value_type = Option<String>)]
    sector: Option<Sector>,
    /// Domain of the instance the practices come from.
    origin: Option<String>,
    /// `true` for this instance's practices only, `false` for received ones only.
    local: Option<bool>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/practices", params(ListQuery),
    responses((status = 200, body = [PracticeView]),
              (status = 400, description = "every parameter that does not parse or names nothing known", body = super::ErrorBody)))]
pub async fn list(
    State(fed): State<Fed>,
    MaybeUser(u): MaybeUser,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<Vec<PracticeView>>> {
    let ctx = fed.to_request_data();
    // Every filter that does not parse or names nothing known, at once (an unknown
    // organisation as well as an unknown stage), rather than an empty list.
    let (q, mut errors) = decode_query_lenient::<ListQuery>(raw.as_deref().unwrap_or_default());
    let Some(q) = q else {
        return Err(AppError::InvalidParams(errors));
    };
    let organization_id = match &q.organization {
        None => None,
        Some(h) => match practices::organization_id(&ctx, h).await {
            Ok(id) => Some(id),
            Err(AppError::NotFound(m)) => {
                errors.insert("organization".into(), m);
                None
            }
            Err(e) => return Err(e),
        },
    };
    if !errors.is_empty() {
        return Err(AppError::InvalidParams(errors));
    }
    let per_page = q.per_page.unwrap_or(20).clamp(1, 100);
    let filter = Filter {
        organization_id,
        stage: q.stage,
        sector: q.sector,
        origin: q.origin,
        local: q.local,
        drafts_of: None,
    };
    Ok(Json(
        practices::list(&ctx, u.as_ref(), filter, q.page.unwrap_or(1), per_page).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ResolveQuery {
    /// A URL (practice, organisation, person) or a handle `acct:name@domain`.
    uri: String,
}

/// What a URI resolved to.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Resolved {
    /// `practice` or `actor`.
    pub kind: String,
    pub practice: Option<PracticeView>,
    /// The actor's ActivityPub id, type and handle.
    #[schema(value_type = Object)]
    pub actor: Option<Value>,
}

#[utoipa::path(get, path = "/api/v1/resolve", params(ResolveQuery), security(("bearer" = [])),
    responses((status = 200, body = Resolved), (status = 404, body = super::ErrorBody),
              (status = 502, description = "the remote server could not be reached", body = super::ErrorBody)))]
pub async fn resolve(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiQuery(q): ApiQuery<ResolveQuery>,
) -> AppResult<Json<Resolved>> {
    let ctx = fed.to_request_data();
    let uri = q.uri.trim();
    if uri.starts_with("http://") || uri.starts_with("https://") {
        if let Some(row) = crate::db::practices::by_ap_id(&ctx.db, uri).await? {
            return Ok(Json(Resolved {
                kind: "practice".into(),
                practice: Some(practices::get(&ctx, Some(&u), row.id).await?),
                actor: None,
            }));
        }
        if let Some(id) = practices::fetch_remote(&ctx, uri).await? {
            return Ok(Json(Resolved {
                kind: "practice".into(),
                practice: Some(practices::get(&ctx, Some(&u), id).await?),
                actor: None,
            }));
        }
    }
    let a = crate::service::follows::resolve_actor(&ctx, uri).await?;
    Ok(Json(Resolved {
        kind: "actor".into(),
        practice: None,
        actor: Some(serde_json::json!({
            "id": a.ap_id.as_str(), "type": a.kind, "handle": format!("{}@{}", a.username, a.domain),
            "name": a.name,
        })),
    }))
}
