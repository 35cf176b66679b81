//! Candidacies through the API: a manager proposes a practice to a hub's call and resubmits
//! it; on the hub, its admins screen, assign reviewers and decide, and the reviewers score.
//! Both sides read a candidacy with its history; a practice's history lists its steps.

use axum::{extract::State, http::StatusCode, Json};

use super::{ApiJson, AuthUser, MaybeUser};
use crate::{
    error::AppResult,
    http_util::ApiPath,
    service::candidacies::{
        self, AssignReviewer, CandidacyView, Decision, HistoryView, Propose, Question, Resubmit,
        Review, StatusChange,
    },
    state::Fed,
};

#[utoipa::path(post, path = "/api/v1/candidacies", security(("bearer" = [])),
    request_body = Propose,
    responses((status = 201, body = CandidacyView),
              (status = 403, description = "not a manager of the practice's organisation", body = super::ErrorBody),
              (status = 409, description = "the call is closed", body = super::ErrorBody),
              (status = 422, description = "the practice is not published, or bad form fields", body = super::ErrorBody),
              (status = 502, description = "the call cannot be read", body = super::ErrorBody)))]
pub async fn propose(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiJson(body): ApiJson<Propose>,
) -> AppResult<(StatusCode, Json<CandidacyView>)> {
    let ctx = fed.to_request_data();
    Ok((
        StatusCode::CREATED,
        Json(candidacies::propose(&ctx, &u, body).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/candidacies", security(("bearer" = [])),
    responses((status = 200, body = [CandidacyView])))]
pub async fn list(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
) -> AppResult<Json<Vec<CandidacyView>>> {
    let ctx = fed.to_request_data();
    Ok(Json(candidacies::list(&ctx, &u).await?))
}

#[utoipa::path(get, path = "/api/v1/candidacies/self-assessment",
    responses((status = 200, description = "the self-assessment questions, each answered 1–5", body = [Question])))]
pub async fn questions() -> Json<Vec<Question>> {
    Json(candidacies::questions())
}

#[utoipa::path(get, path = "/api/v1/candidacies/{id}", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = CandidacyView), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody)))]
pub async fn get(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<CandidacyView>> {
    let ctx = fed.to_request_data();
    Ok(Json(candidacies::get(&ctx, &u, id).await?))
}

#[utoipa::path(post, path = "/api/v1/candidacies/{id}/resubmit", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = Resubmit,
    responses((status = 200, body = CandidacyView),
              (status = 409, description = "no changes were requested", body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)))]
pub async fn resubmit(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Resubmit>,
) -> AppResult<Json<CandidacyView>> {
    let ctx = fed.to_request_data();
    Ok(Json(candidacies::resubmit(&ctx, &u, id, body).await?))
}

#[utoipa::path(post, path = "/api/v1/candidacies/{id}/status", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = StatusChange,
    responses((status = 200, body = CandidacyView),
              (status = 409, description = "a step not in the graph: the allowed ones are listed", body = super::ErrorBody)))]
pub async fn status(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StatusChange>,
) -> AppResult<Json<CandidacyView>> {
    let ctx = fed.to_request_data();
    Ok(Json(candidacies::set_status(&ctx, &u, id, body).await?))
}

#[utoipa::path(post, path = "/api/v1/candidacies/{id}/reviewers", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = AssignReviewer,
    responses((status = 200, body = CandidacyView),
              (status = 409, description = "`conflict_of_interest`: the reviewer's organisation is the proposer's", body = super::ErrorBody),
              (status = 422, description = "not a reviewer here", body = super::ErrorBody)))]
pub async fn assign(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AssignReviewer>,
) -> AppResult<Json<CandidacyView>> {
    let ctx = fed.to_request_data();
    Ok(Json(
        candidacies::assign_reviewer(&ctx, &u, id, body).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/candidacies/{id}/reviews/me", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = Review,
    responses((status = 200, body = CandidacyView),
              (status = 403, description = "not an assigned reviewer", body = super::ErrorBody),
              (status = 422, description = "every bad score or reason; nothing stored", body = super::ErrorBody)))]
pub async fn review(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Review>,
) -> AppResult<Json<CandidacyView>> {
    let ctx = fed.to_request_data();
    Ok(Json(candidacies::review(&ctx, &u, id, body).await?))
}

#[utoipa::path(post, path = "/api/v1/candidacies/{id}/decision", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = Decision,
    responses((status = 200, body = CandidacyView),
              (status = 409, description = "not under review, or fewer than two complete reviews", body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)))]
pub async fn decide(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Decision>,
) -> AppResult<Json<CandidacyView>> {
    let ctx = fed.to_request_data();
    Ok(Json(candidacies::decide(&ctx, &u, id, body).await?))
}

#[utoipa::path(get, path = "/api/v1/practices/{id}/history",
    params(("id" = i64, Path)),
    responses((status = 200, description = "every step of the practice's candidacies", body = [HistoryView]),
              (status = 404, body = super::ErrorBody)))]
pub async fn practice_history(
    State(fed): State<Fed>,
    MaybeUser(u): MaybeUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Vec<HistoryView>>> {
    let ctx = fed.to_request_data();
    Ok(Json(
        candidacies::practice_history(&ctx, u.as_ref(), id).await?,
    ))
}
