//! One error type for the whole application, mapped to an HTTP status in one place. Clients get
//! a stable code and a safe message; the cause chain goes to the log.

use std::collections::BTreeMap;

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// Several fields at once; every bad field is named.
    #[error("invalid input")]
    Invalid(BTreeMap<String, String>),
    /// Query or path parameters that do not parse, or name nothing known; every one is named.
    #[error("invalid parameters")]
    InvalidParams(BTreeMap<String, String>),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Gone(String),
    /// The request body (an upload) is larger than allowed.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// An upload whose content is of a type we do not accept.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// A remote server could not be reached or answered nonsense.
    #[error("{0}")]
    Upstream(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(BTreeMap::from([(field.to_string(), message.into())]))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::InvalidParams(_) => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Gone(_) => StatusCode::GONE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Upstream(_) => StatusCode::BAD_GATEWAY,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::NotFound(_) => "not_found",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::BadRequest { code, .. } => code,
            Self::Invalid(_) => "invalid",
            Self::InvalidParams(_) => "invalid_parameters",
            Self::Conflict(_) => "conflict",
            Self::Gone(_) => "gone",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::Upstream(_) => "upstream",
            Self::Internal(_) => "internal",
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            Self::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                json!({"error": "internal", "message": "internal server error"})
            }
            Self::Invalid(fields) => {
                json!({"error": "invalid", "message": "some fields are invalid", "fields": fields})
            }
            Self::InvalidParams(fields) => json!({
                "error": "invalid_parameters",
                "message": "some parameters are invalid",
                "fields": fields,
            }),
            other => {
                if status.is_server_error() {
                    tracing::warn!(error = %other, "request failed");
                }
                json!({"error": other.code(), "message": other.to_string()})
            }
        };
        (status, Json(body)).into_response()
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        Self::Internal(e.into())
    }
}

impl From<activitypub_federation::error::Error> for AppError {
    fn from(e: activitypub_federation::error::Error) -> Self {
        use activitypub_federation::error::Error as E;
        match e {
            E::NotFound => Self::NotFound("the remote object was not found".into()),
            E::ObjectDeleted(u) => Self::Gone(format!("{u} was deleted")),
            E::UrlVerificationError(m) => Self::bad_request("bad_url", m),
            E::WebfingerResolveFailed(w) => {
                Self::NotFound(format!("could not resolve handle: {w}"))
            }
            other => Self::Upstream(other.to_string()),
        }
    }
}

impl From<crate::crypto::CryptoError> for AppError {
    fn from(e: crate::crypto::CryptoError) -> Self {
        Self::Internal(e.into())
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        Self::Internal(e.into())
    }
}

impl From<url::ParseError> for AppError {
    fn from(e: url::ParseError) -> Self {
        Self::bad_request("bad_url", e.to_string())
    }
}
