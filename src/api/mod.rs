//! The JSON API under `/api/v1`, with bearer tokens, described at `/api/openapi.json`.

use axum::{
    extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request},
    http::{header, request::Parts},
    routing::{delete, get, post, put},
    Json, Router,
};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;

use crate::{
    config::Config, db::users::UserRow, domain::actor::Role, error::AppError, service::credentials,
    state::Fed,
};

pub mod admin;
pub mod auth;
pub mod calls;
pub mod candidacies;
pub mod comments;
pub mod export;
pub mod follows;
pub mod instance_follows;
pub mod media;
pub mod participation;
pub mod practices;
pub mod rankings;
pub mod search;

pub fn router(config: &Config) -> Router<Fed> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/auth/tokens", get(auth::tokens))
        .route("/api/v1/auth/tokens/{id}", delete(auth::revoke))
        .route("/api/v1/me", get(auth::me).patch(auth::patch_me))
        .route(
            "/api/v1/rankings/organisations",
            get(rankings::organisations),
        )
        .route("/api/v1/rankings/managers", get(rankings::managers))
        .route("/api/v1/follows", post(follows::create).get(follows::list))
        .route("/api/v1/follows/{id}", delete(follows::remove))
        .route("/api/v1/admin/federation", get(admin::federation))
        .route("/api/v1/admin/federation/drain", post(admin::drain))
        .route(
            "/api/v1/media",
            // Uploads are larger than the global request body limit.
            post(media::upload).layer(DefaultBodyLimit::max(media::route_body_limit(config))),
        )
        .route("/api/v1/media/{id}", get(media::get))
        .route("/api/v1/admin/inbox/failed", get(admin::failed_inbox))
        .route(
            "/api/v1/admin/users/{username}/approve",
            post(admin::approve_user),
        )
        .route(
            "/api/v1/admin/instance-follows",
            get(instance_follows::list).post(instance_follows::create),
        )
        .route(
            "/api/v1/admin/instance-follows/{id}",
            get(instance_follows::get).delete(instance_follows::remove),
        )
        .route(
            "/api/v1/admin/instance-follows/{id}/failures",
            get(instance_follows::failures),
        )
        .route(
            "/api/v1/admin/trusted-instances",
            get(admin::trusted_instances).post(admin::trust_instance),
        )
        .route(
            "/api/v1/admin/trusted-instances/{host}",
            delete(admin::untrust_instance),
        )
        .route(
            "/api/v1/trusted-instances",
            get(admin::public_trusted_instances),
        )
        .route(
            "/api/v1/practices",
            post(practices::create).get(practices::list),
        )
        .route(
            "/api/v1/practices/{id}",
            get(practices::get)
                .patch(practices::patch)
                .delete(practices::remove),
        )
        .route("/api/v1/practices/{id}/publish", post(practices::publish))
        .route(
            "/api/v1/practices/{id}/reading",
            get(participation::reading).post(participation::open),
        )
        .route(
            "/api/v1/practices/{id}/endorsement",
            put(participation::endorse).delete(participation::withdraw),
        )
        .route(
            "/api/v1/practices/{id}/comments",
            get(comments::thread).post(comments::create),
        )
        .route(
            "/api/v1/comments/{id}",
            axum::routing::patch(comments::edit).delete(comments::remove),
        )
        .route("/api/v1/resolve", get(practices::resolve))
        .route("/api/v1/export/catalog.jsonld", get(export::catalog))
        .route("/api/v1/export/practices.csv", get(export::practices_csv))
        .route("/api/v1/search", get(search::search))
        .route("/api/v1/calls", post(calls::create).get(calls::list))
        .route("/api/v1/calls/{id}", get(calls::get).patch(calls::patch))
        .route(
            "/api/v1/candidacies",
            post(candidacies::propose).get(candidacies::list),
        )
        .route(
            "/api/v1/candidacies/self-assessment",
            get(candidacies::questions),
        )
        .route("/api/v1/candidacies/{id}", get(candidacies::get))
        .route(
            "/api/v1/candidacies/{id}/resubmit",
            post(candidacies::resubmit),
        )
        .route("/api/v1/candidacies/{id}/status", post(candidacies::status))
        .route(
            "/api/v1/candidacies/{id}/reviewers",
            post(candidacies::assign),
        )
        .route(
            "/api/v1/candidacies/{id}/reviews/me",
            put(candidacies::review),
        )
        .route(
            "/api/v1/candidacies/{id}/decision",
            post(candidacies::decide),
        )
        .route(
            "/api/v1/practices/{id}/history",
            get(candidacies::practice_history),
        )
        // axum answers an empty body; the API's answers are all the JSON error shape.
        .method_not_allowed_fallback(method_not_allowed)
}

/// 405 in the error shape (axum adds the `Allow` header).
async fn method_not_allowed() -> (axum::http::StatusCode, Json<ErrorBody>) {
    (
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        Json(ErrorBody {
            error: "method_not_allowed".into(),
            message: "this method is not allowed here; see the Allow header".into(),
            fields: None,
        }),
    )
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Prassi API", description = "Federated hub of public-sector good practices"),
    paths(
        auth::login, auth::logout, auth::tokens, auth::revoke, auth::me, auth::patch_me, rankings::organisations, rankings::managers, follows::create, follows::list, follows::remove,
        admin::federation, admin::drain, admin::failed_inbox, admin::trusted_instances,
        admin::trust_instance, admin::untrust_instance, admin::approve_user, admin::public_trusted_instances, media::upload, media::get,
        practices::create, practices::get, practices::patch, practices::remove,
        practices::publish, practices::list, practices::resolve, search::search,
        participation::reading, participation::open, participation::endorse, participation::withdraw,
        comments::thread, comments::create, comments::edit, comments::remove,
        calls::create, calls::list, calls::get, calls::patch,
        candidacies::propose, candidacies::list, candidacies::questions, candidacies::get,
        candidacies::resubmit, candidacies::status, candidacies::assign, candidacies::review,
        candidacies::decide, candidacies::practice_history,
        export::catalog, export::practices_csv,
        instance_follows::create, instance_follows::list, instance_follows::get,
        instance_follows::failures, instance_follows::remove
    ),
    components(schemas(
        crate::service::search::SearchPage, crate::service::search::SearchHit,
        crate::search::query::Hit, crate::search::query::FacetCount, crate::search::query::Understood,
        crate::search::query::QueryTerm, crate::search::Sort,
        auth::LoginRequest, auth::LoginResponse, auth::Me, auth::MePatch,
        crate::service::good_index::RankingRow, crate::service::good_index::RankedPracticeView,
        crate::service::good_index::IndexView, crate::domain::good_index::Figure, auth::TokenView, follows::FollowRequest,
        crate::service::follows::FollowView, admin::FederationState, admin::InstanceState,
        admin::DrainResult, admin::TrustedInstance, admin::TrustRequest, ErrorBody, Role, media::MediaUpload,
        crate::service::media::MediaView, crate::domain::practice::MediaKind,
        crate::service::practices::PracticeView, practices::Resolved,
        crate::service::participation::ReadingView, crate::service::participation::Opening,
        crate::service::participation::Endorse, crate::service::participation::EndorsementView,
        crate::service::comments::CommentView, crate::service::comments::CommentAuthor,
        crate::service::comments::NewCommentBody, crate::service::comments::EditCommentBody,
        crate::domain::comment::Stance,
        crate::service::calls::CallView, crate::service::calls::NewCallBody, crate::service::calls::CallPatch,
        crate::service::candidacies::CandidacyView, crate::service::candidacies::HistoryView,
        crate::service::candidacies::ReviewView, crate::service::candidacies::CandidacySummary,
        crate::service::candidacies::RecognitionView, crate::service::candidacies::Propose,
        crate::service::candidacies::Resubmit, crate::service::candidacies::StatusChange,
        crate::service::candidacies::AssignReviewer, crate::service::candidacies::Review,
        crate::service::candidacies::Decision, crate::service::candidacies::Question,
        crate::domain::candidacy::Form, crate::domain::candidacy::Contact,
        crate::domain::candidacy::SelfAssessment, crate::domain::candidacy::Status,
        crate::domain::candidacy::Criterion,
        instance_follows::InstanceFollowRequest, crate::service::instance_follows::InstanceFollowView,
        crate::service::instance_follows::BackfillProgress,
        crate::service::instance_follows::BackfillFailureView
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// The shape of every API error.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable code: `not_found`, `unauthorized`, `forbidden`, `invalid`, `invalid_parameters`,
    /// `conflict`, `payload_too_large`, `unsupported_media_type`, `too_many_requests` (with a
    /// `Retry-After` header), `timeout`, …
    pub error: String,
    pub message: String,
    /// With `invalid` (body fields) and `invalid_parameters` (query and path parameters): every bad one
    /// and what is wrong with it.
    pub fields: Option<std::collections::BTreeMap<String, String>>,
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// The user behind the request's bearer token.
pub struct AuthUser(pub UserRow);

/// The user and the id of the token the request came with (to revoke it: log-out).
pub struct AuthToken(pub crate::db::users::TokenUser);

impl FromRequestParts<Fed> for AuthToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, fed: &Fed) -> Result<Self, AppError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .ok_or_else(|| AppError::Unauthorized("a bearer token is required".into()))?;
        let ctx = fed.to_request_data();
        Ok(AuthToken(
            credentials::authenticate(&ctx.db, token.trim()).await?,
        ))
    }
}

impl FromRequestParts<Fed> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, fed: &Fed) -> Result<Self, AppError> {
        AuthToken::from_request_parts(parts, fed)
            .await
            .map(|t| AuthUser(t.0.user))
    }
}

pub use crate::state::ClientAddr;

impl AuthUser {
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.0.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "this needs the role {}",
                roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )))
        }
    }
}

/// The user behind the bearer token, if the request has one (a bad token is still refused).
pub struct MaybeUser(pub Option<UserRow>);

impl FromRequestParts<Fed> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, fed: &Fed) -> Result<Self, AppError> {
        if parts.headers.get(header::AUTHORIZATION).is_none() {
            return Ok(MaybeUser(None));
        }
        AuthUser::from_request_parts(parts, fed)
            .await
            .map(|u| MaybeUser(Some(u.0)))
    }
}

/// JSON body whose rejections are API errors, not plain text.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(AppError::bad_json(&e.body_text())),
        }
    }
}
