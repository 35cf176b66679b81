//! Media: uploads (`POST /api/v1/media`), their records (`GET /api/v1/media/{id}`) and the
//! files themselves (`GET /media/{file_name}`, outside the API).

use axum::{
    body::Body,
    extract::{
        multipart::{MultipartError, MultipartRejection},
        Multipart, Path, Request, State,
    },
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use bytes::BytesMut;

use super::AuthUser;
use crate::{
    config::Config,
    db::media as db_media,
    domain::{actor::Role, practice::MediaKind},
    error::{AppError, AppResult},
    http_util::ApiPath,
    service::media::{self, MediaView},
    state::Fed,
};

/// Room for the multipart framing and the description beside the file itself.
pub const MULTIPART_OVERHEAD: usize = 64 * 1024;

/// After an upload is found too large, how much more of its body is read and dropped before
/// answering 413. A client is still sending at that point; if the server answered and closed
/// at once, the unread data would make the connection reset, and the client would see a broken
/// connection instead of the answer (the "lingering close" of nginx and Apache).
pub const DRAIN_AT_MOST: usize = 8 * 1024 * 1024;

/// The largest upload request accepted: the file limit plus room for the multipart framing
/// and the description.
pub fn body_limit(cfg: &Config) -> usize {
    usize::try_from(cfg.media_max_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(MULTIPART_OVERHEAD)
}

/// The request body limit of the upload route: [`body_limit`] plus what is drained after it.
/// Past this the connection is cut.
pub fn route_body_limit(cfg: &Config) -> usize {
    body_limit(cfg).saturating_add(DRAIN_AT_MOST)
}

/// The multipart form of an upload (for the OpenAPI description).
#[allow(dead_code)]
#[derive(utoipa::ToSchema)]
pub struct MediaUpload {
    /// The file. Its type is read from its content (the name and the part's content type are
    /// ignored): images (JPEG, PNG, WebP, GIF, AVIF), videos (MP4, WebM), PDF, slides (PPTX,
    /// ODP). At most `media_max_bytes` (50 MiB by default).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Alternative text, at most 1500 characters. Checked, but not kept with the file: give it
    /// again where the media is used.
    description: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/media", security(("bearer" = [])),
    request_body(content = MediaUpload, content_type = "multipart/form-data"),
    responses((status = 201, description = "Stored", body = MediaView),
              (status = 400, description = "not a multipart form", body = super::ErrorBody),
              (status = 401, body = super::ErrorBody),
              (status = 403, description = "only managers and admins upload", body = super::ErrorBody),
              (status = 413, description = "larger than `media_max_bytes`", body = super::ErrorBody),
              (status = 415, description = "content of a type not accepted", body = super::ErrorBody),
              (status = 422, description = "no `file`, an empty one or a description too long", body = super::ErrorBody)))]
pub async fn upload(
    State(fed): State<Fed>,
    auth: AuthUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<(StatusCode, Json<MediaView>)> {
    auth.require(&[Role::Manager, Role::Admin])?;
    let ctx = fed.to_request_data();
    let cfg = &ctx.config;
    let mut multipart =
        multipart.map_err(|e| AppError::bad_request("bad_multipart", e.body_text()))?;
    let bad = |e: MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            media::too_large(cfg)
        } else {
            AppError::bad_request("bad_multipart", e.body_text())
        }
    };
    let limit = body_limit(cfg);
    let mut file: Option<(BytesMut, Option<String>)> = None;
    let mut description: Option<Vec<u8>> = None;
    // Bytes of all parts read so far. Past `limit` the upload is refused, but the rest of the
    // request is still read and dropped (up to the route's own limit) before answering.
    let mut read = 0usize;
    let mut too_large = false;
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let part = field.name().map(str::to_owned);
        if part.as_deref() == Some("file") {
            if file.is_some() {
                return Err(AppError::invalid_field("file", "one file per upload"));
            }
            file = Some((BytesMut::new(), field.file_name().map(str::to_owned)));
        }
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            read += chunk.len();
            too_large = too_large || read > limit;
            if too_large {
                continue;
            }
            match part.as_deref() {
                Some("file") => {
                    if let Some((buf, _)) = file.as_mut() {
                        if (buf.len() + chunk.len()) as u64 > cfg.media_max_bytes {
                            too_large = true;
                            buf.clear();
                        } else {
                            buf.extend_from_slice(&chunk);
                        }
                    }
                }
                Some("description") => description
                    .get_or_insert_with(Vec::new)
                    .extend_from_slice(&chunk),
                // Other parts are skipped (and not kept).
                _ => {}
            }
        }
    }
    if too_large {
        return Err(media::too_large(cfg));
    }
    let file = file.map(|(b, name)| (b.freeze(), name));
    let description = description
        .map(String::from_utf8)
        .transpose()
        .map_err(|_| AppError::invalid_field("description", "is not valid UTF-8"))?;
    let (bytes, name) = file.ok_or_else(|| AppError::invalid_field("file", "is required"))?;
    media::check_description(description)?;
    let view = media::store(&ctx.db, cfg, &auth.0, bytes, name).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/api/v1/media/{id}", security(("bearer" = [])),
    params(("id" = i64, Path, description = "id of the media")),
    responses((status = 200, body = MediaView), (status = 401, body = super::ErrorBody),
              (status = 404, description = "unknown, or uploaded by another organisation", body = super::ErrorBody)))]
pub async fn get(
    State(fed): State<Fed>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<MediaView>> {
    let ctx = fed.to_request_data();
    Ok(Json(media::get(&ctx.db, &ctx.config, &u, id).await?))
}

/// `GET /media/{file_name}`: the file, with the type detected at upload, cacheable forever
/// (names are never reused), with range requests.
pub async fn serve(
    State(fed): State<Fed>,
    Path(file_name): Path<String>,
    req: Request,
) -> AppResult<Response> {
    let not_found = || AppError::NotFound("no such media".into());
    let ctx = fed.to_request_data();
    let path = media::path_of(&ctx.config, &file_name).ok_or_else(not_found)?;
    let row = db_media::by_file_name(&ctx.db, &file_name)
        .await?
        .ok_or_else(not_found)?;
    let file = File {
        path,
        file_name: &row.file_name,
        media_type: &row.media_type,
        kind: row.kind,
        sha256: &row.sha256,
        cache_control: "public, max-age=31536000, immutable",
    };
    serve_file(file, req).await
}

/// `GET /media/remote/{practice}/{key}`: a medium of a remote practice, from the cache
/// (fetched now on its first request), so pages never point at another host.
pub async fn serve_remote(
    State(fed): State<Fed>,
    ApiPath((practice_id, key)): ApiPath<(i64, String)>,
    req: Request,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let c = media::cache::for_practice(&ctx, practice_id, &key).await?;
    let file = File {
        path: c.path.clone(),
        file_name: &c.file_name,
        media_type: &c.media_type,
        kind: c.kind,
        sha256: &c.sha256,
        // The same address may hold another file once the cache was emptied and the remote
        // medium changed: a day, not forever.
        cache_control: "public, max-age=86400",
    };
    serve_file(file, req).await
}

/// A stored file and how it is served.
struct File<'a> {
    path: std::path::PathBuf,
    file_name: &'a str,
    media_type: &'a str,
    kind: MediaKind,
    sha256: &'a str,
    cache_control: &'static str,
}

async fn serve_file(file: File<'_>, req: Request) -> AppResult<Response> {
    let etag = format!("\"{}\"", file.sha256);
    if if_none_match(req.headers(), &etag) {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        set_headers(res.headers_mut(), &file, &etag, false);
        return Ok(res);
    }
    let res = tower_http::services::ServeFile::new(&file.path)
        .try_call(req)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("serving {}: {e}", file.file_name)))?;
    let mut res = res.map(Body::new);
    match res.status() {
        StatusCode::OK | StatusCode::PARTIAL_CONTENT => {
            set_headers(res.headers_mut(), &file, &etag, true);
        }
        StatusCode::NOT_MODIFIED => set_headers(res.headers_mut(), &file, &etag, false),
        StatusCode::NOT_FOUND => {
            tracing::error!(file_name = file.file_name, "a media row has no file");
            return Err(AppError::NotFound("no such media".into()));
        }
        _ => {}
    }
    Ok(res)
}

fn set_headers(h: &mut HeaderMap, file: &File<'_>, etag: &str, with_type: bool) {
    let value = |s: &str| HeaderValue::from_str(s).ok();
    if with_type {
        if let Some(v) = value(file.media_type) {
            h.insert(header::CONTENT_TYPE, v);
        }
        let disposition = if media::is_inline(file.kind) {
            "inline".to_string()
        } else {
            format!("attachment; filename=\"{}\"", file.file_name)
        };
        if let Some(v) = value(&disposition) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(file.cache_control),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Uploaded content never runs scripts in our origin: every file is sandboxed, and a
    // document (downloaded, see `is_inline`) loads nothing either if a browser shows it.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(if media::is_inline(file.kind) {
            "sandbox"
        } else {
            "sandbox; default-src 'none'"
        }),
    );
    if let Some(v) = value(etag) {
        h.insert(header::ETAG, v);
    }
}

/// Whether `If-None-Match` names `etag` (or `*`), weak comparison as RFC 9110 asks.
fn if_none_match(h: &HeaderMap, etag: &str) -> bool {
    h.get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}
