//! The thread of comments as the practice page shows it: each comment with its author,
//! date, stance and the links its reader may follow (reply; edit and delete for its author),
//! its replies nested.

use super::{format::date, page::Page};
use crate::{domain::comment::Stance, service::comments::CommentView};

/// One comment as the thread shows it.
pub struct CommentBox {
    pub anchor: String,
    pub author: String,
    pub author_url: String,
    pub handle: String,
    pub date: String,
    pub datetime: String,
    /// Sanitised HTML (it was sanitised when it was received).
    pub content: String,
    pub stance: Option<(&'static str, String)>,
    pub removed: bool,
    pub edited: bool,
    pub edit: Option<String>,
    pub delete: Option<String>,
    pub reply: Option<String>,
}

/// The thread as a sequence that nests lists without recursion in the template.
pub enum ThreadStep {
    Comment(Box<CommentBox>),
    Replies,
    EndReplies,
    End,
}

pub fn count(thread: &[CommentView]) -> usize {
    thread
        .iter()
        .map(|c| usize::from(!c.removed) + count(&c.replies))
        .sum()
}

/// The thread as steps: each comment, then its replies as a nested list.
pub fn steps(page: &Page, thread: &[CommentView]) -> Vec<ThreadStep> {
    fn walk(page: &Page, items: &[CommentView], out: &mut Vec<ThreadStep>) {
        for c in items {
            out.push(ThreadStep::Comment(Box::new(comment_box(page, c))));
            if !c.replies.is_empty() {
                out.push(ThreadStep::Replies);
                walk(page, &c.replies, out);
                out.push(ThreadStep::EndReplies);
            }
            out.push(ThreadStep::End);
        }
    }
    let mut out = Vec::new();
    walk(page, thread, &mut out);
    out
}

fn comment_box(page: &Page, c: &CommentView) -> CommentBox {
    let own = page
        .viewer
        .as_ref()
        .is_some_and(|v| v.actor_id == c.author_id && c.origin == "local");
    // A local comment's page is its URL's last segment; a received one is known by its id.
    let key = if c.origin == "local" {
        c.ap_id.rsplit('/').next().unwrap_or_default().to_string()
    } else {
        c.id.to_string()
    };
    let link = |what: &str| format!("/comments/{key}/{what}");
    CommentBox {
        anchor: format!("comment-{}", c.id),
        author: c
            .author
            .name
            .clone()
            .unwrap_or_else(|| c.author.handle.clone()),
        author_url: c.author.url.clone(),
        handle: format!("@{}", c.author.handle),
        date: date(c.published.date_naive(), page.lang),
        datetime: c.published.to_rfc3339(),
        content: c.content.clone(),
        stance: c.stance.map(|s| {
            let (class, key) = match s {
                Stance::Positive => ("success", "stance-positive"),
                Stance::Negative => ("danger", "stance-negative"),
                Stance::Neutral => ("secondary", "stance-neutral"),
            };
            (class, page.t(key))
        }),
        removed: c.removed,
        edited: c.edited.is_some(),
        edit: (own && !c.removed).then(|| link("edit")),
        delete: (own && !c.removed).then(|| link("delete")),
        reply: (page.viewer.is_some() && !c.removed).then(|| link("reply")),
    }
}
