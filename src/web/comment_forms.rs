//! The pages that answer, edit and delete a comment (`/comments/{key}/reply`, `/edit`,
//! `/delete`, the last asking for confirmation), through `service::comments`.

use askama::Template;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};

use super::{
    account::{local_path, see_other},
    page::{self, Page},
    participate::{refused, stance_of, CommentForm, PlainForm, Signed},
};
use crate::{
    db::{comments::CommentRow, practices},
    domain::{comment::Stance, sanitize::strip_tags},
    error::{AppError, AppResult},
    service::comments::{self, EditCommentBody, NewCommentBody},
    state::{Ctx, Fed},
};

#[derive(Template)]
#[template(path = "participate/problem.html")]
struct Problem {
    page: Page,
    text: String,
    back: String,
}

/// A refused form: what was wrong, and the way back to the page it came from.
pub fn problem(status: StatusCode, page: Page, text: String, back: &str) -> Response {
    let title = page.t("form-refused-title");
    page::render(
        status,
        &Problem {
            page: page.titled(title),
            text,
            back: back.to_string(),
        },
    )
}

/// What the form pages know of the comment they are about.
struct About {
    comment: CommentRow,
    /// The practice's page (a path here), where the person goes back to.
    back: String,
    text: String,
}

async fn about(ctx: &Ctx, key: &str) -> AppResult<About> {
    let ap_id = format!("{}/comments/{key}", ctx.config.base());
    let comment = crate::db::comments::by_ap_id(&ctx.db, &ap_id)
        .await?
        .filter(|c| c.deleted_at.is_none())
        .ok_or_else(|| AppError::NotFound("no such comment".into()))?;
    let practice = practices::by_id(&ctx.db, comment.practice_id)
        .await?
        .ok_or_else(|| AppError::NotFound("no such comment".into()))?;
    let base = ctx.config.base();
    let back = practice
        .ap_id
        .strip_prefix(&base)
        .filter(|p| p.starts_with('/'))
        .map_or_else(|| "/".to_string(), str::to_string);
    let text = strip_tags(&comment.content);
    Ok(About {
        comment,
        back,
        text,
    })
}

/// Which form a comment page shows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Reply,
    Edit,
    Delete,
}

/// The forms that write a comment: a reply, or an author's new text.
#[derive(Clone, Copy)]
enum Writing {
    Reply,
    Edit,
}

impl From<Writing> for Mode {
    fn from(w: Writing) -> Self {
        match w {
            Writing::Reply => Mode::Reply,
            Writing::Edit => Mode::Edit,
        }
    }
}

#[derive(Template)]
#[template(path = "participate/comment.html")]
struct CommentPage {
    page: Page,
    mode: Mode,
    key: String,
    csrf: String,
    quoted: String,
    content: String,
    stance: String,
    back: String,
    error: Option<String>,
}

impl CommentPage {
    fn stances(&self) -> [(&'static str, String); 4] {
        stance_options(&self.page)
    }

    fn is_stance(&self, value: &str) -> bool {
        self.stance == value
    }
}

/// The choices of the stance select: none, in favour, against, neutral.
pub fn stance_options(page: &Page) -> [(&'static str, String); 4] {
    [
        ("", page.t("stance-none")),
        (Stance::Positive.as_str(), page.t("stance-positive")),
        (Stance::Negative.as_str(), page.t("stance-negative")),
        (Stance::Neutral.as_str(), page.t("stance-neutral")),
    ]
}

async fn show(fed: Fed, key: String, page: Page, mode: Mode) -> Response {
    let ctx = fed.to_request_data();
    let a = match about(&ctx, &key).await {
        Ok(a) => a,
        Err(e) => return refused(page, e, "/"),
    };
    let Some(v) = page.viewer.clone() else {
        let next: String = url::form_urlencoded::byte_serialize(page.path.as_bytes()).collect();
        return see_other(&format!("/login?next={next}"));
    };
    let title = page.t(match mode {
        Mode::Reply => "comment-reply-title",
        Mode::Edit => "comment-edit-title",
        Mode::Delete => "comment-delete-title",
    });
    let (content, stance) = match mode {
        Mode::Edit => (a.text.clone(), a.comment.stance.clone().unwrap_or_default()),
        _ => (String::new(), String::new()),
    };
    page::ok(&CommentPage {
        page: page.titled(title),
        mode,
        key,
        csrf: v.csrf,
        quoted: a.text,
        content,
        stance,
        back: a.back,
        error: None,
    })
}

pub async fn reply_form(State(fed): State<Fed>, Path(key): Path<String>, page: Page) -> Response {
    show(fed, key, page, Mode::Reply).await
}

pub async fn edit_form(State(fed): State<Fed>, Path(key): Path<String>, page: Page) -> Response {
    show(fed, key, page, Mode::Edit).await
}

pub async fn delete_form(State(fed): State<Fed>, Path(key): Path<String>, page: Page) -> Response {
    show(fed, key, page, Mode::Delete).await
}

/// A form that the service refused: the page again, with what was typed and why.
fn again(page: Page, w: Writing, key: String, a: About, f: CommentForm, e: AppError) -> Response {
    let status = e.status();
    let title = page.t(match w {
        Writing::Reply => "comment-reply-title",
        Writing::Edit => "comment-edit-title",
    });
    let csrf = page
        .viewer
        .as_ref()
        .map(|v| v.csrf.clone())
        .unwrap_or_default();
    page::render(
        status,
        &CommentPage {
            page: page.titled(title),
            mode: w.into(),
            key,
            csrf,
            quoted: a.text,
            content: f.content,
            stance: f.stance.unwrap_or_default(),
            back: a.back,
            error: Some(e.to_string()),
        },
    )
}

/// `POST /comments/{key}/reply`.
pub async fn reply(
    State(fed): State<Fed>,
    Path(key): Path<String>,
    s: Signed<CommentForm>,
) -> Response {
    write(fed, key, s, Writing::Reply).await
}

/// `POST /comments/{key}/edit`: the author's new text and stance.
pub async fn edit(
    State(fed): State<Fed>,
    Path(key): Path<String>,
    s: Signed<CommentForm>,
) -> Response {
    write(fed, key, s, Writing::Edit).await
}

/// A reply to the comment `key` or its new text: to the comment once stored, or the form
/// again with what was typed and the service's reason.
async fn write(fed: Fed, key: String, s: Signed<CommentForm>, w: Writing) -> Response {
    let ctx = fed.to_request_data();
    let (v, page, f) = (s.viewer, s.page, s.form);
    let a = match about(&ctx, &key).await {
        Ok(a) => a,
        Err(e) => return refused(page, e, "/"),
    };
    let stance = match stance_of(f.stance.as_deref()) {
        Ok(s) => s,
        Err(e) => return again(page, w, key, a, f, e),
    };
    let content = f.content.clone();
    let done = match w {
        Writing::Edit => {
            let body = EditCommentBody {
                content: Some(content),
                stance: Some(stance),
            };
            comments::edit(&ctx, &v.user, a.comment.id, body).await
        }
        Writing::Reply => {
            let body = NewCommentBody {
                content,
                in_reply_to: Some(a.comment.id),
                stance,
            };
            comments::create(&ctx, &v.user, a.comment.practice_id, body).await
        }
    };
    match done {
        Ok(c) => see_other(&format!("{}#comment-{}", a.back, c.id)),
        Err(e) => again(page, w, key, a, f, e),
    }
}

/// `POST /comments/{key}/delete`: after the confirmation page.
pub async fn delete(
    State(fed): State<Fed>,
    Path(key): Path<String>,
    s: Signed<PlainForm>,
) -> Response {
    let ctx = fed.to_request_data();
    let (v, page) = (s.viewer, s.page);
    let a = match about(&ctx, &key).await {
        Ok(a) => a,
        Err(e) => return refused(page, e, "/"),
    };
    let back = local_path(Some(&a.back));
    match comments::delete(&ctx, &v.user, a.comment.id).await {
        Ok(()) => see_other(&format!("{back}#comments")),
        Err(e) => refused(page, e, &back),
    }
}
