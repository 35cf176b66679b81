//! The thread of comments as the practice page shows it: each comment with its author,
//! date, stance and the links its reader may follow (reply; edit and delete for its author),
//! its replies nested.

use super::{format::date, page::Page};
use crate::{domain::comment::Stance, service::comments::CommentView};

/// One comment as the thread shows it, borrowing its texts from the thread (a page of
/// hundreds of comments would otherwise copy each).
pub struct CommentBox<'a> {
    pub anchor: String,
    pub author: &'a str,
    pub author_url: &'a str,
    /// `user@host`, shown after an `@`.
    pub handle: &'a str,
    pub date: String,
    pub datetime: String,
    /// Sanitised HTML (it was sanitised when it was received).
    pub content: &'a str,
    pub stance: Option<(&'static str, &'a str)>,
    pub removed: bool,
    pub edited: bool,
    pub edit: Option<String>,
    pub delete: Option<String>,
    pub reply: Option<String>,
}

/// The thread as a sequence that nests lists without recursion in the template.
pub enum ThreadStep<'a> {
    Comment(Box<CommentBox<'a>>),
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

/// The names of the stances in the page's language, looked up once for the whole thread.
pub struct StanceLabels {
    positive: String,
    negative: String,
    neutral: String,
}

impl StanceLabels {
    pub fn of(page: &Page) -> Self {
        Self {
            positive: page.t("stance-positive"),
            negative: page.t("stance-negative"),
            neutral: page.t("stance-neutral"),
        }
    }

    fn badge(&self, s: Stance) -> (&'static str, &str) {
        match s {
            Stance::Positive => ("success", &self.positive),
            Stance::Negative => ("danger", &self.negative),
            Stance::Neutral => ("secondary", &self.neutral),
        }
    }
}

/// The thread as steps: each comment, then its replies as a nested list.
pub fn steps<'a>(
    page: &Page,
    labels: &'a StanceLabels,
    thread: &'a [CommentView],
) -> Vec<ThreadStep<'a>> {
    fn walk<'a>(
        page: &Page,
        labels: &'a StanceLabels,
        items: &'a [CommentView],
        out: &mut Vec<ThreadStep<'a>>,
    ) {
        for c in items {
            out.push(ThreadStep::Comment(Box::new(comment_box(page, labels, c))));
            if !c.replies.is_empty() {
                out.push(ThreadStep::Replies);
                walk(page, labels, &c.replies, out);
                out.push(ThreadStep::EndReplies);
            }
            out.push(ThreadStep::End);
        }
    }
    let mut out = Vec::new();
    walk(page, labels, thread, &mut out);
    out
}

fn comment_box<'a>(page: &Page, labels: &'a StanceLabels, c: &'a CommentView) -> CommentBox<'a> {
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
        author: c.author.name.as_deref().unwrap_or(&c.author.handle),
        author_url: &c.author.url,
        handle: &c.author.handle,
        date: date(c.published.date_naive(), page.lang),
        datetime: c.published.to_rfc3339(),
        content: &c.content,
        stance: c.stance.map(|s| labels.badge(s)),
        removed: c.removed,
        edited: c.edited.is_some(),
        edit: (own && !c.removed).then(|| link("edit")),
        delete: (own && !c.removed).then(|| link("delete")),
        reply: (page.viewer.is_some() && !c.removed).then(|| link("reply")),
    }
}
