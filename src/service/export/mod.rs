//! The catalogue as open data: every published practice held here (this instance's and those
//! received from others, each with its origin) as DCAT-AP_IT JSON-LD ([`jsonld`]) or as one
//! CSV row per practice ([`table`]).
//!
//! Both are streamed: the body is produced page by page from the database as the client
//! reads it ([`PAGE`] practices per query, by id cursor), so the memory an export holds is
//! one page whatever the size of the catalogue, and no connection is held between pages. A
//! practice edited while a long download runs appears as it is when its page is read.

mod jsonld;
mod table;

use std::io;

use bytes::Bytes;
use futures::{stream, Stream};

use crate::{
    config::Config,
    db::{
        export::{self as store, ExportRow, Stamp},
        recognitions::RecognitionRow,
        Db,
    },
    error::AppResult,
    state::Ctx,
};

pub use table::COLUMNS;

/// Practices read (and rendered) per query.
pub const PAGE: i64 = 200;

/// Which rendering of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    JsonLd,
    Csv,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::JsonLd => "application/ld+json",
            Self::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// What this instance says of itself in the export, copied out of its configuration so a
/// stream owns it.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    /// Base URL, without a trailing slash.
    pub base: String,
    pub name: String,
    pub instance_actor: String,
}

impl Site {
    fn of(config: &Config) -> Self {
        Site {
            base: config.base(),
            name: config.instance_name.clone(),
            instance_actor: crate::federation::urls::instance_actor(config),
        }
    }
}

/// The version of the catalogue (for `ETag` and `Last-Modified`), read before streaming.
pub async fn stamp(ctx: &Ctx) -> AppResult<Stamp> {
    Ok(store::stamp(&ctx.db).await?)
}

/// The weak entity tag of a catalogue version: it names what the rows say, not the bytes.
pub fn etag(stamp: &Stamp) -> String {
    let micros = stamp.modified.map_or(0, |m| m.timestamp_micros());
    format!("W/\"{}-{micros}-{}\"", stamp.practices, stamp.recognitions)
}

/// The catalogue in `format`, `page` practices per query, as a stream of chunks. A database
/// error mid-way ends the stream with an error (the client sees a cut body, never a
/// complete-looking one) after logging the cause.
pub fn body(
    ctx: &Ctx,
    format: Format,
    stamp: &Stamp,
    page: i64,
) -> impl Stream<Item = Result<Bytes, io::Error>> + Send + 'static {
    let cursor = Cursor {
        db: ctx.db.clone(),
        site: Site::of(&ctx.config),
        format,
        modified: stamp.modified,
        page: page.max(1),
        after: 0,
        first: true,
        phase: Phase::Head,
    };
    stream::unfold(cursor, |mut c| async move {
        match c.phase {
            Phase::Head => {
                c.phase = Phase::Pages;
                let head = match c.format {
                    Format::JsonLd => jsonld::head(&c.site, c.modified),
                    Format::Csv => table::header(),
                };
                Some((Ok(Bytes::from(head)), c))
            }
            Phase::Pages => match c.next_page().await {
                Ok(Some(chunk)) => Some((Ok(Bytes::from(chunk)), c)),
                Ok(None) => {
                    c.phase = Phase::Done;
                    let tail = match c.format {
                        Format::JsonLd => jsonld::TAIL.as_bytes().to_vec(),
                        Format::Csv => Vec::new(),
                    };
                    Some((Ok(Bytes::from(tail)), c))
                }
                Err(e) => {
                    tracing::error!(error = %e, after = c.after, "open-data export cut short");
                    c.phase = Phase::Done;
                    Some((Err(io::Error::other("the export could not be read")), c))
                }
            },
            Phase::Done => None,
        }
    })
}

enum Phase {
    Head,
    Pages,
    Done,
}

struct Cursor {
    db: Db,
    site: Site,
    format: Format,
    modified: Option<chrono::DateTime<chrono::Utc>>,
    page: i64,
    /// The id of the last practice rendered.
    after: i64,
    /// No dataset was written yet (JSON-LD separates them with commas).
    first: bool,
    phase: Phase,
}

impl Cursor {
    /// The next page rendered, or `None` past the last practice.
    async fn next_page(&mut self) -> Result<Option<Vec<u8>>, sqlx::Error> {
        let rows = store::page(&self.db, self.after, self.page).await?;
        let Some(last) = rows.last().map(|r| r.practice.id) else {
            return Ok(None);
        };
        let recognitions = store::recognitions_between(&self.db, self.after, last).await?;
        self.after = last;
        let mut out = Vec::new();
        for row in &rows {
            let of_row: Vec<&RecognitionRow> = recognitions
                .iter()
                .filter(|r| r.practice_id == row.practice.id)
                .collect();
            self.render(row, &of_row, &mut out);
        }
        Ok(Some(out))
    }

    fn render(&mut self, row: &ExportRow, recognitions: &[&RecognitionRow], out: &mut Vec<u8>) {
        let record = match serde_json::from_str(&row.practice.record) {
            Ok(r) => r,
            Err(e) => {
                // Stored published records always decode; one that does not is left out
                // rather than cutting every harvester's download short.
                tracing::warn!(practice = row.practice.id, error = %e, "unreadable practice left out of the export");
                return;
            }
        };
        let p = Practice {
            row,
            record: &record,
            recognitions,
        };
        match self.format {
            Format::JsonLd => {
                if !self.first {
                    out.push(b',');
                }
                out.extend_from_slice(jsonld::dataset(&p).to_string().as_bytes());
            }
            Format::Csv => table::row(&p, out),
        }
        self.first = false;
    }
}

/// One practice with everything the export says of it.
pub(crate) struct Practice<'a> {
    pub row: &'a ExportRow,
    pub record: &'a crate::domain::practice::PracticeRecord,
    pub recognitions: &'a [&'a RecognitionRow],
}

impl Practice<'_> {
    /// Its HTML page: the `url` its Article gives (this instance's page for its own
    /// practices), else its id, which answers a page to browsers.
    pub fn page_url(&self) -> &str {
        self.row
            .practice
            .url
            .as_deref()
            .unwrap_or(&self.row.practice.ap_id)
    }

    /// The instance it comes from, as a URL (`scheme://origin/`).
    pub fn origin_url(&self) -> String {
        let scheme = url::Url::parse(&self.row.practice.ap_id)
            .map(|u| u.scheme().to_string())
            .unwrap_or_else(|_| "https".into());
        format!("{scheme}://{}/", self.row.practice.origin)
    }

    /// Its good index: this instance's figure for its own practices, the owner's for a
    /// received one (none until the owner published one).
    pub fn good_index(&self) -> Option<f64> {
        crate::service::good_index::view(self.row.practice.local, Some(&self.row.index))
            .figure
            .map(|f| f.combined)
    }

    /// The host of a recognising call's URL: the hub.
    pub fn hub_of(call: &str) -> String {
        url::Url::parse(call)
            .map(|u| crate::config::host_port(&u))
            .unwrap_or_default()
    }
}
