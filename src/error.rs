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
    /// A conflict with a code of its own (`conflict_of_interest`).
    #[error("{message}")]
    ConflictOf { code: &'static str, message: String },
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
    /// Too many attempts (failed log-ins): answered 429 with `Retry-After`.
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },
    /// The request was not answered within the server's request timeout.
    #[error("{0}")]
    Timeout(String),
    /// Something this process needs is not ready yet (its search index being built).
    #[error("{0}")]
    Unavailable(String),
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

    /// A request body that is not the JSON expected: the parser's message, without the names
    /// of our Rust types (`expected struct PracticeRecord`), which tell a caller nothing useful
    /// and describe the code.
    pub fn bad_json(detail: &str) -> Self {
        Self::bad_request("bad_json", without_type_names(detail))
    }

    pub fn conflict_of(code: &'static str, message: impl Into<String>) -> Self {
        Self::ConflictOf {
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
            Self::Conflict(_) | Self::ConflictOf { .. } => StatusCode::CONFLICT,
            Self::Gone(_) => StatusCode::GONE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Upstream(_) => StatusCode::BAD_GATEWAY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Timeout(_) | Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
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
            Self::ConflictOf { code, .. } => code,
            Self::Gone(_) => "gone",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::Upstream(_) => "upstream",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::Timeout(_) => "timeout",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }
}

pub use crate::domain::text::without_type_names;

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            Self::Internal(e) => {
                // The cause chain on one line (`{:#}`), not Rust's debug form.
                tracing::error!(error = %format!("{e:#}"), "internal error");
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
        let mut response = (status, Json(body)).into_response();
        if let Self::TooManyRequests {
            retry_after_secs, ..
        } = &self
        {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(*retry_after_secs),
            );
        }
        response
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
            // The library's message would quote the fetched document in full.
            E::ParseFetchedObject(e, url, _) => {
                tracing::info!(%url, error = %e, "fetched object unreadable");
                Self::Upstream(format!("{url} did not answer with a readable object"))
            }
            // The library's message names the variable that turns the check off, and blames a
            // local address also for a name that does not resolve at all.
            E::DomainResolveError(domain) => Self::Upstream(format!(
                "{domain} cannot be reached: it does not resolve, or not to a public address"
            )),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct PracticeBody {
        stage: Stage,
        period: Period,
    }
    #[derive(Debug, serde::Deserialize)]
    enum Stage {
        Concluded,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Period {
        start: String,
    }

    fn message(e: &AppError) -> String {
        e.to_string()
    }

    #[test]
    fn bad_json_names_no_rust_type() {
        for body in [
            "[]",
            "7",
            r#"{"stage": 3, "period": {"start": "x"}}"#,
            r#"{"stage": "Concluded", "period": 1}"#,
        ] {
            let e = serde_json::from_str::<PracticeBody>(body).expect_err("invalid");
            let m = message(&AppError::bad_json(&e.to_string()));
            for name in ["PracticeBody", "Stage", "Period", "struct", "enum"] {
                assert!(!m.contains(name), "{body}: {m}");
            }
            assert!(m.contains("expected"), "{body}: {m}");
        }
        assert_eq!(
            without_type_names("invalid type: map, expected struct a::B at line 1"),
            "invalid type: map, expected an object at line 1"
        );
    }

    #[test]
    fn fetch_errors_do_not_quote_the_document_nor_name_the_bypass() {
        use activitypub_federation::error::Error as E;
        let parse = serde_json::from_str::<PracticeBody>("{}").expect_err("invalid");
        let url = url::Url::parse("http://peer.example/doc").expect("url");
        let e = AppError::from(E::ParseFetchedObject(
            parse,
            url,
            r#"{"secret": "the private document"}"#.into(),
        ));
        assert!(!message(&e).contains("secret"), "{e}");
        let e = AppError::from(E::DomainResolveError("nowhere.invalid".into()));
        let m = message(&e);
        assert!(m.contains("nowhere.invalid"), "{m}");
        assert!(!m.contains("DANGER") && !m.contains("local IP"), "{m}");
    }
}
