//! A comment between its stored row and its `Note`: the note of a local comment (what we
//! publish and serve, here), and the row of a received one (sanitised, threaded, checked
//! against the thread it claims to belong to: [`receive`]) and its removal ([`removal`]). The
//! thread's collections are in [`super::thread`].

mod receive;
mod removal;

use url::Url;

pub use receive::{concerns_us, fetch_object, store_note, Fetched, Via};
pub use removal::{announced_gone, receive_delete};

use super::thread::{replies, thread_of};
use crate::{
    config::Config,
    db::{
        actors::{self, ActorRow},
        comments::{self, CommentRow},
        practices::{self, PracticeRow},
    },
    error::{AppError, AppResult},
    federation::protocol::{
        context::{context, AS_PUBLIC},
        objects::{note::mention, Collection, Note},
    },
    state::{Ctx, DocKey},
};

/// What a comment's `Note` is built from.
pub struct NoteParts<'a> {
    pub row: &'a CommentRow,
    pub practice: &'a PracticeRow,
    pub org: &'a ActorRow,
    pub author: &'a ActorRow,
    pub parent_ap_id: Option<&'a str>,
    pub thread: Option<&'a str>,
    pub replies: Option<Collection>,
}

/// The `Note` of a comment, with its JSON-LD context: public, addressed to the practice's
/// organisation (mentioned, as a Mastodon reply mentions whom it answers), in reply to its
/// parent or to the practice.
pub fn to_note(p: NoteParts<'_>) -> AppResult<Note> {
    let org_handle = format!("@{}@{}", p.org.username, p.org.domain);
    let mut cc = vec![p.org.ap_id.to_string()];
    cc.extend(p.org.followers_url.iter().cloned());
    Ok(Note {
        context: Some(context()),
        id: Url::parse(&p.row.ap_id)?,
        kind: "Note".into(),
        attributed_to: p.author.ap_id.0.clone(),
        in_reply_to: Some(Url::parse(p.parent_ap_id.unwrap_or(&p.practice.ap_id))?),
        summary: None,
        content: Some(p.row.content.clone()),
        media_type: Some("text/html".into()),
        url: Some(Url::parse(p.row.url.as_deref().unwrap_or(&p.row.ap_id))?),
        published: Some(p.row.created_at),
        updated: p.row.edited_at,
        to: vec![AS_PUBLIC.into()],
        cc,
        thread: p.thread.map(Url::parse).transpose()?,
        stance: p.row.stance.clone(),
        tag: vec![mention(&p.org.ap_id.0, org_handle)],
        replies: p.replies.map(serde_json::to_value).transpose()?,
    })
}

fn missing(what: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!("comment without its {what}"))
}

/// The `Note` of a stored comment, everything it names read from the database.
pub async fn note_of(ctx: &Ctx, row: &CommentRow) -> AppResult<Note> {
    let db = &ctx.db;
    let practice = practices::by_id(db, row.practice_id)
        .await?
        .ok_or_else(|| missing("practice"))?;
    let org = actors::by_id(db, practice.organization_id)
        .await?
        .ok_or_else(|| missing("organisation"))?;
    let author = actors::by_id(db, row.author_id)
        .await?
        .ok_or_else(|| missing("author"))?;
    let parent = match row.parent_id {
        Some(id) => comments::by_id(db, id).await?.map(|c| c.ap_id),
        None => None,
    };
    let thread = row.context.clone().or(thread_of(db, &practice).await?);
    let replies = replies(db, &row.ap_id, row.practice_id, Some(row.id)).await?;
    to_note(NoteParts {
        row,
        practice: &practice,
        org: &org,
        author: &author,
        parent_ap_id: parent.as_deref(),
        thread: thread.as_deref(),
        replies: Some(replies),
    })
}

/// Forgets the served documents of a local practice, whose `replies` just changed.
pub async fn refresh_document(ctx: &Ctx, practice: &PracticeRow) {
    if practice.local {
        // Keyed by the index's last change too (see `web::practice::document`).
        let index = crate::db::good_index::of(&ctx.db, practice.id)
            .await
            .ok()
            .flatten()
            .map_or(0, |i| i.changed_at);
        ctx.documents
            .invalidate(&DocKey::Practice {
                id: practice.id,
                version: practice.updated_at.timestamp_micros(),
                index,
            })
            .await;
    }
}

/// The id of a local comment, fresh.
pub fn new_id(cfg: &Config) -> String {
    format!("{}/comments/{}", cfg.base(), uuid::Uuid::now_v7())
}

#[cfg(test)]
mod tests {
    //! A Mastodon reply (assets/mastodon) reads as a comment would be stored: its mention of
    //! the organisation, its `replies` of Mastodon's shape, its content sanitised; our own
    //! Note's extension fields survive a round trip.
    use serde_json::{json, Value};

    use crate::{
        domain::comment,
        federation::protocol::{
            activities::{Incoming, Posted},
            objects::Note,
        },
    };

    #[test]
    fn a_mastodon_reply_reads_as_a_comment() {
        let text = std::fs::read_to_string(format!(
            "{}/assets/mastodon/create_note.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let Incoming::Create(c) = Incoming::parse("Create", &text).unwrap() else {
            panic!("not a Create");
        };
        let Posted::Note(note) = &c.object else {
            panic!("not a Note");
        };
        assert_eq!(note.tag[0]["type"], "Mention");
        assert!(note.thread.is_none() && note.stance.is_none());
        assert_eq!(note.replies.as_ref().unwrap()["type"], "Collection");
        let stored = comment::content(note.content.as_deref().unwrap()).unwrap();
        assert!(!stored.contains("class="), "{stored}");
        assert!(stored.contains("Ottimo lavoro"), "{stored}");
    }

    #[test]
    fn our_note_keeps_thread_stance_and_replies() {
        let v = json!({
            "id": "https://a.example/comments/1",
            "type": "Note",
            "attributedTo": "https://a.example/actors/anna",
            "inReplyTo": "https://a.example/practices/p",
            "content": "<p>Sì</p>",
            "context": "https://a.example/practices/p/context",
            "stance": "positive",
            "tag": {"type": "Mention", "href": "https://a.example/actors/org"},
            "replies": {"id": "https://a.example/comments/1/replies", "type": "OrderedCollection", "totalItems": 0},
            "updated": "2026-11-20T10:15:02Z",
        });
        let n: Note = serde_json::from_value(v).unwrap();
        assert_eq!(
            n.thread.as_ref().unwrap().as_str(),
            "https://a.example/practices/p/context"
        );
        assert_eq!(n.stance.as_deref(), Some("positive"));
        assert_eq!(n.tag.len(), 1, "a single tag reads as a list of one");
        let back: Value = serde_json::to_value(&n).unwrap();
        assert_eq!(back["context"], "https://a.example/practices/p/context");
        let again: Note = serde_json::from_value(back).unwrap();
        assert_eq!(again, n);
    }
}
