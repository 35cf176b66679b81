//! Taking part on a practice's page: what is left to read, "mark as read", the endorse
//! controls (locked until reading is complete, with the reason) and the comment form.
//! The practice page embeds [`panel`] where the reader's part goes; the forms post to
//! `/participate/{id}/…`, through the same services as the API.

use askama::Template;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Form,
};
use serde::Deserialize;

use super::{
    account::{forbidden, local_path, see_other},
    page::{self, Page, Viewer},
};
use crate::{
    domain::{comment::Stance, practice::PracticeRecord, reading, sanitize::strip_tags},
    error::{AppError, AppResult},
    service::{
        comments::{self, CommentView, NewCommentBody},
        participation::{self, CommentRef, Endorse, EndorsementView, Opening, ReadingView},
        practices::PracticeView,
    },
    state::{Ctx, Fed},
};

/// One part of the practice, as the reader's list shows it.
pub struct PartLine {
    pub key: String,
    /// The id of the part on the practice page (`part-summary`, `part-attachment-0`).
    pub anchor: String,
    pub label: String,
    pub read: bool,
}

#[derive(Template)]
#[template(path = "participate/panel.html")]
struct Panel<'a> {
    page: &'a Page,
    viewer: Option<&'a Viewer>,
    action: String,
    next: String,
    reading: Option<ReadingView>,
    parts: Vec<PartLine>,
    left: usize,
    locked: Option<String>,
    endorsement: Option<EndorsementView>,
    own_comments: Vec<(i64, String)>,
    left_keys: String,
    /// Every part opened but too fast: each may be marked again.
    remark: bool,
}

/// The label of a part key (`summary`, `attachment:2`).
pub fn part_label(page: &Page, key: &str) -> String {
    match key.strip_prefix("attachment:") {
        Some(n) => page.tn(
            "part-attachment",
            "n",
            n.parse::<i64>().unwrap_or_default() + 1,
        ),
        None => match key {
            "summary" => page.t("part-summary"),
            "description" => page.t("part-description"),
            "impact" => page.t("part-impact"),
            "lessons_learned" => page.t("part-lessons-learned"),
            "challenges" => page.t("part-challenges"),
            "replication" => page.t("part-replication"),
            other => other.to_string(),
        },
    }
}

/// Why the endorse controls are locked for this reading, if they are.
fn locked_reason(
    page: &Page,
    ctx: &Ctx,
    practice: &PracticeView,
    r: &ReadingView,
) -> Option<String> {
    if r.complete {
        return None;
    }
    let left = r.parts.len() - r.read.len();
    if left > 0 {
        return Some(page.tn("endorse-locked-parts", "left", left as i64));
    }
    let floor = serde_json::from_value::<PracticeRecord>(practice.record.clone())
        .map(|rec| reading::min_span_ms(&rec, ctx.config.reading_min_fraction))
        .unwrap_or_default();
    let minutes = ((floor as f64) / 60_000.0).ceil().max(1.0) as i64;
    Some(page.tn("endorse-locked-time", "minutes", minutes))
}

/// The HTML of the reader's panel for `practice`: an invitation for a visitor, the reading,
/// endorsing and commenting controls for a signed-in person; `thread` is the practice's,
/// when the caller has read it already.
pub async fn panel(
    ctx: &Ctx,
    page: &Page,
    practice: &PracticeView,
    thread: Option<&[CommentView]>,
) -> AppResult<String> {
    let viewer = page.viewer.as_ref();
    let mut p = Panel {
        page,
        viewer,
        action: format!("/participate/{}", practice.id),
        next: page.path.clone(),
        reading: None,
        parts: Vec::new(),
        left: 0,
        locked: None,
        endorsement: None,
        own_comments: Vec::new(),
        left_keys: String::new(),
        remark: false,
    };
    if let Some(v) = viewer {
        let r = participation::reading(ctx, &v.user, practice.id).await?;
        p.parts = r
            .parts
            .iter()
            .map(|k| PartLine {
                key: k.clone(),
                anchor: format!("part-{}", k.replace(':', "-")),
                label: part_label(page, k),
                read: r.read.contains(k),
            })
            .collect();
        p.left = p.parts.iter().filter(|l| !l.read).count();
        p.left_keys = p
            .parts
            .iter()
            .filter(|l| !l.read)
            .map(|l| l.key.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        p.locked = locked_reason(page, ctx, practice, &r);
        p.remark = p.left == 0 && !r.complete;
        p.endorsement = participation::own_endorsement(&ctx.db, practice.id, v.actor_id).await?;
        let me = format!("{}@{}", v.username, ctx.config.domain());
        p.own_comments = match thread {
            Some(t) => own_comments(t, &me),
            None => own_comments(&comments::thread(ctx, practice.id).await?, &me),
        };
        p.reading = Some(r);
    }
    p.render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the panel did not render: {e}")))
}

/// The person's live comments in a thread, with the start of their text.
fn own_comments(thread: &[CommentView], me: &str) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    for c in thread {
        if c.author.handle == me && !c.removed {
            let text = strip_tags(&c.content);
            let short: String = text.chars().take(60).collect();
            out.push((c.id, short));
        }
        out.extend(own_comments(&c.replies, me));
    }
    out
}

/// A form with the session's CSRF token.
pub trait Posted {
    fn csrf(&self) -> &str;
}

/// A form posted by a signed-in person, its token checked: the person, the page and the form.
/// Refused as a browser expects: to the log-in page without a session, the 403 page with a
/// wrong token, and axum's answer to a body that is not the form.
pub struct Signed<F> {
    pub viewer: Viewer,
    pub page: Page,
    pub form: F,
}

impl<F> axum::extract::FromRequest<Fed> for Signed<F>
where
    F: serde::de::DeserializeOwned + Posted + Send,
{
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, fed: &Fed) -> Result<Self, Response> {
        use axum::extract::FromRequestParts;
        let (mut parts, body) = req.into_parts();
        let Ok(page) = Page::from_request_parts(&mut parts, fed).await;
        let req = axum::extract::Request::from_parts(parts, body);
        let Form(form) = Form::<F>::from_request(req, fed)
            .await
            .map_err(IntoResponse::into_response)?;
        match page.viewer.clone() {
            None => Err(see_other("/login")),
            Some(v) if v.check_csrf(form.csrf()).is_err() => Err(forbidden(page)),
            Some(viewer) => Ok(Self { viewer, page, form }),
        }
    }
}

/// Back to the reader's panel at `back` once `done` succeeded; its refusal as a page.
fn to_panel<T>(done: AppResult<T>, page: Page, back: &str) -> Response {
    match done {
        Ok(_) => see_other(&format!("{back}#take-part")),
        Err(e) => refused(page, e, back),
    }
}

/// A service's refusal as a page, with a link back.
pub fn refused(page: Page, e: AppError, back: &str) -> Response {
    if let AppError::Internal(e) = &e {
        tracing::error!(error = %e, "a form failed");
    }
    let status = e.status();
    let text = match &e {
        AppError::Internal(_) => page.t("error-text"),
        other => other.to_string(),
    };
    super::comment_forms::problem(status, page, text, back)
}

#[derive(Deserialize)]
pub struct ReadForm {
    #[serde(default)]
    part: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
    /// Sent by `reading.js`: answer 204 instead of the page.
    js: Option<String>,
}

impl Posted for ReadForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /participate/{id}/read`: a part opened ("mark as read", or the script).
pub async fn read(State(fed): State<Fed>, Path(id): Path<i64>, s: Signed<ReadForm>) -> Response {
    let ctx = fed.to_request_data();
    let (v, page, f) = (s.viewer, s.page, s.form);
    let back = local_path(f.next.as_deref());
    let parts = f.part.split_whitespace().map(str::to_string).collect();
    match participation::open(&ctx, &v.user, id, Opening { parts }).await {
        Ok(_) if f.js.is_some() => StatusCode::NO_CONTENT.into_response(),
        done => to_panel(done, page, &back),
    }
}

#[derive(Deserialize)]
pub struct EndorseForm {
    #[serde(default)]
    value: String,
    comment_id: Option<String>,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

impl Posted for EndorseForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /participate/{id}/endorse`: support or oppose, once the reading is complete.
pub async fn endorse(
    State(fed): State<Fed>,
    Path(id): Path<i64>,
    s: Signed<EndorseForm>,
) -> Response {
    let ctx = fed.to_request_data();
    let (v, page, f) = (s.viewer, s.page, s.form);
    let back = local_path(f.next.as_deref());
    match participation::reading(&ctx, &v.user, id).await {
        Ok(r) if r.complete => {}
        Ok(_) => {
            let text = page.t("endorse-locked");
            return super::comment_forms::problem(StatusCode::CONFLICT, page, text, &back);
        }
        Err(e) => return refused(page, e, &back),
    }
    let comment_id = f.comment_id.as_deref().filter(|c| !c.is_empty()).map(|c| {
        c.parse::<i64>()
            .map(CommentRef::Id)
            .unwrap_or(CommentRef::Url(c.into()))
    });
    let e = Endorse {
        value: f.value,
        comment_id,
    };
    let done = participation::endorse(&ctx, &v.user, id, e).await;
    to_panel(done, page, &back)
}

#[derive(Deserialize)]
pub struct PlainForm {
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

impl Posted for PlainForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /participate/{id}/withdraw`: takes the endorsement back.
pub async fn withdraw(
    State(fed): State<Fed>,
    Path(id): Path<i64>,
    s: Signed<PlainForm>,
) -> Response {
    let ctx = fed.to_request_data();
    let back = local_path(s.form.next.as_deref());
    let done = participation::withdraw(&ctx, &s.viewer.user, id).await;
    to_panel(done, s.page, &back)
}

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    pub content: String,
    pub stance: Option<String>,
    #[serde(default)]
    pub csrf: String,
    pub next: Option<String>,
}

impl Posted for CommentForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// A stance as the forms send it (empty: none).
pub fn stance_of(s: Option<&str>) -> Result<Option<Stance>, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<Stance>()
            .map(Some)
            .map_err(|e| AppError::invalid_field("stance", e)),
    }
}

/// `POST /participate/{id}/comment`: a comment on the practice.
pub async fn comment(
    State(fed): State<Fed>,
    Path(id): Path<i64>,
    s: Signed<CommentForm>,
) -> Response {
    let ctx = fed.to_request_data();
    let (v, page, f) = (s.viewer, s.page, s.form);
    let back = local_path(f.next.as_deref());
    let stance = match stance_of(f.stance.as_deref()) {
        Ok(s) => s,
        Err(e) => return refused(page, e, &back),
    };
    let body = NewCommentBody {
        content: f.content,
        in_reply_to: None,
        stance,
    };
    match comments::create(&ctx, &v.user, id, body).await {
        Ok(c) => see_other(&format!("{back}#comment-{}", c.id)),
        Err(e) => refused(page, e, &back),
    }
}

#[derive(Template)]
#[template(path = "participate/page.html")]
struct TakePart {
    page: Page,
    practice_url: String,
    panel: String,
}

/// `GET /participate/{id}`: the reader's panel on a page of its own, beside the practice's
/// page (which embeds the same panel).
pub async fn show(State(fed): State<Fed>, Path(id): Path<i64>, page: Page) -> Response {
    let ctx = fed.to_request_data();
    let practice = match crate::service::practices::published_view(&ctx, id).await {
        Ok(Some(p)) => p,
        Ok(None) => {
            return super::message(
                StatusCode::NOT_FOUND,
                page,
                "not-found-title",
                "not-found-text",
            )
        }
        Err(e) => return refused(page, e, "/"),
    };
    let title = practice
        .record
        .pointer("/title")
        .and_then(|t| {
            t.get(page.lang.code())
                .or_else(|| t.as_object().and_then(|o| o.values().next()))
                .or(Some(t))
        })
        .and_then(|t| t.as_str())
        .unwrap_or_default()
        .to_string();
    let base = ctx.config.base();
    let practice_url = practice
        .ap_id
        .strip_prefix(&base)
        .filter(|p| p.starts_with('/'))
        .unwrap_or("/")
        .to_string();
    let panel = match panel(&ctx, &page, &practice, None).await {
        Ok(p) => p,
        Err(e) => return refused(page, e, &practice_url),
    };
    let heading = page.t1("take-part-page-title", "title", &title);
    page::ok(&TakePart {
        page: page.titled(heading),
        practice_url,
        panel,
    })
}
