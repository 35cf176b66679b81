//! Column types both drivers decode alike, rows more than one module reads, and the clocks
//! rows are stamped with.

use crate::domain::delivery::InboxState;

/// A URL column: stored as text, always a valid URL once read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbUrl(pub url::Url);

impl TryFrom<String> for DbUrl {
    type Error = url::ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        url::Url::parse(&s).map(DbUrl)
    }
}

impl std::ops::Deref for DbUrl {
    type Target = url::Url;
    fn deref(&self) -> &url::Url {
        &self.0
    }
}

impl std::fmt::Display for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// Milliseconds since the epoch: the clock of the queues (plain integers sort alike everywhere).
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Current time truncated to microseconds, as both backends store it.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    let n = chrono::Utc::now();
    chrono::DateTime::from_timestamp_micros(n.timestamp_micros()).unwrap_or(n)
}

/// A received activity as stored (the inbox queue and the admin view).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct InboxRow {
    pub id: i64,
    pub ap_id: String,
    pub actor: String,
    pub kind: String,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub state: InboxState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub received_at: i64,
}

/// The columns of [`InboxRow`], in its order.
pub const INBOX_COLS: &str =
    "id, ap_id, actor, kind, body, state, attempts, last_error, received_at";
