//! Comments through the API: a practice's thread, and writing, editing and deleting one's
//! comments (or, for a practice's managers, moderating its thread).

use axum::{extract::State, http::StatusCode, Json};

use super::{ApiJson, AuthUser, MaybeUser};
use crate::{
    error::AppResult,
    http_util::ApiPath,
    service::comments::{self, CommentView, EditCommentBody, NewCommentBody},
    state::Fed,
};

#[utoipa::path(get, path = "/api/v1/practices/{id}/comments",
    params(("id" = i64, Path)),
    responses((status = 200, description = "the thread, nested, oldest first", body = [CommentView]),
              (status = 404, body = super::ErrorBody)))]
pub async fn thread(
    State(fed): State<Fed>,
    MaybeUser(_u): MaybeUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Vec<CommentView>>> {
    let ctx = fed.to_request_data();
    Ok(Json(comments::thread(&ctx, id).await?))
}

#[utoipa::path(post, path = "/api/v1/practices/{id}/comments", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = NewCommentBody,
    responses((status = 201, body = CommentView),
              (status = 400, description = "empty or too long, unknown stance, a reply to a comment of another thread", body = super::ErrorBody),
              (status = 404, body = super::ErrorBody)))]
pub async fn create(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewCommentBody>,
) -> AppResult<(StatusCode, Json<CommentView>)> {
    let ctx = fed.to_request_data();
    let c = comments::create(&ctx, &u, id, body).await?;
    Ok((StatusCode::CREATED, Json(c)))
}

#[utoipa::path(patch, path = "/api/v1/comments/{id}", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = EditCommentBody,
    responses((status = 200, body = CommentView), (status = 400, body = super::ErrorBody),
              (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn edit(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<EditCommentBody>,
) -> AppResult<Json<CommentView>> {
    let ctx = fed.to_request_data();
    Ok(Json(comments::edit(&ctx, &u, id, body).await?))
}

#[utoipa::path(delete, path = "/api/v1/comments/{id}", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn remove(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    let ctx = fed.to_request_data();
    comments::delete(&ctx, &u, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
