//! Why applying a received activity failed, which decides whether the worker tries again.

/// The error of an activity's `receive`.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// Will not get better: bad shape, unauthorised, refers to nothing of ours.
    #[error("{0}")]
    Permanent(String),
    /// May work later: a remote object unreachable, the database busy.
    #[error("{0}")]
    Transient(String),
}

impl ApplyError {
    pub fn permanent(m: impl Into<String>) -> Self {
        Self::Permanent(m.into())
    }
}

impl From<crate::error::AppError> for ApplyError {
    fn from(e: crate::error::AppError) -> Self {
        use crate::error::AppError as E;
        match e {
            E::Upstream(_) | E::Internal(_) => Self::Transient(format!("{e:#}")),
            other => Self::Permanent(other.to_string()),
        }
    }
}

impl From<sqlx::Error> for ApplyError {
    fn from(e: sqlx::Error) -> Self {
        Self::Transient(e.to_string())
    }
}

impl From<serde_json::Error> for ApplyError {
    fn from(e: serde_json::Error) -> Self {
        Self::Permanent(format!("malformed activity: {e}"))
    }
}
