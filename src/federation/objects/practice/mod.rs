//! A practice between its stored row and its `Article`: the article of a local practice (what
//! we publish and serve, here), and the record and row of a remote one (what we store:
//! [`receive`]).

mod receive;

pub use receive::{clamp_time, fetch, gone, record_from, store_article, store_remote};

use std::collections::BTreeMap;

use serde_json::{json, Value};
use url::Url;

use crate::{
    db::{
        actors::{self, ActorRow},
        practices::PracticeRow,
        query::Ex,
    },
    domain::practice::{
        own_language, own_text, plain_summary, MediaKind, PracticeRecord, Translations,
    },
    error::{AppError, AppResult},
    federation::{
        protocol::{
            context::{context, AS_PUBLIC},
            objects::{article::ArticleKind, Article, Attachment, Collection, Hashtag, Place},
        },
        urls,
    },
    state::Ctx,
};

/// The JSON-LD context of practices: ours plus the extension terms.
pub fn practice_context() -> Value {
    let mut c = context();
    if let Some(Value::Object(terms)) = c.as_array_mut().and_then(|a| a.last_mut()) {
        for (k, v) in [
            (
                "practice",
                json!({"@id": "prassi:practice", "@type": "@json"}),
            ),
            ("contentDigest", json!("prassi:contentDigest")),
            (
                "goodIndex",
                json!({"@id": "prassi:goodIndex", "@type": "@json"}),
            ),
            ("manager", json!({"@id": "prassi:manager", "@type": "@id"})),
            (
                "recognitions",
                json!({"@id": "prassi:recognitions", "@type": "@json"}),
            ),
            ("Hashtag", json!("as:Hashtag")),
        ] {
            terms.insert(k.into(), v);
        }
    }
    c
}

fn text(t: &Translations, record: &PracticeRecord) -> Option<String> {
    own_text(t, record).map(String::from)
}

fn map(t: &Translations) -> BTreeMap<String, String> {
    t.iter()
        .map(|(l, s)| (l.as_str().to_string(), s.clone()))
        .collect()
}

fn parse_url(s: &str) -> AppResult<Url> {
    Ok(Url::parse(s)?)
}

/// The `Article` of a published practice, with its JSON-LD context.
pub fn to_article(
    ctx: &Ctx,
    row: &PracticeRow,
    record: &PracticeRecord,
    org: &ActorRow,
    author: Option<&ActorRow>,
) -> AppResult<Article> {
    let id = parse_url(&row.ap_id)?;
    let attachment = record
        .media
        .iter()
        .map(|m| Attachment {
            kind: match m.kind {
                MediaKind::Image => "Image",
                MediaKind::Video => "Video",
                _ => "Document",
            }
            .into(),
            media_type: Some(m.media_type.clone()),
            url: Some(m.url.clone()),
            href: None,
            // The alt text of a picture; a document's caption when it has no alt text.
            name: Some(m.label().to_string()).filter(|n| !n.trim().is_empty()),
        })
        .collect();
    let tag = record
        .sectors
        .iter()
        .map(|s| Hashtag {
            kind: "Hashtag".into(),
            href: Url::parse(&urls::actor(&ctx.config, s.slug())).ok(),
            name: Some(format!("#{}", s.hashtag())),
        })
        .collect();
    let place = &record.place;
    let place_name = place
        .municipality
        .clone()
        .or_else(|| place.region.as_ref().map(|r| r.as_str().to_string()))
        .or_else(|| place.country.map(|c| c.as_str().to_string()))
        .unwrap_or_default();
    let (latitude, longitude) = match (place.lat, place.lon) {
        (Some(a), Some(b)) => (Some(a), Some(b)),
        _ => (None, None),
    };
    // Linked only: the served document embeds its first page (`article_of`), read from the
    // comments; an activity carrying the Article does not claim a count it did not read.
    let mut replies = Collection::empty(parse_url(&super::thread::replies_url(id.as_str()))?);
    replies.total_items = None;
    replies.first = Some(
        crate::federation::protocol::objects::collection::Page::Link(
            crate::federation::protocol::objects::collection::page_url(&replies.id, 1),
        ),
    );
    let mut likes = Collection::empty(parse_url(&format!("{id}/likes"))?);
    likes.first = None;
    Ok(Article {
        context: Some(practice_context()),
        kind: ArticleKind::Article,
        attributed_to: org.ap_id.0.clone(),
        manager: author.map(|a| a.ap_id.0.clone()),
        name: text(&record.title, record),
        name_map: map(&record.title),
        summary: Some(plain_summary(record, own_language(record)).unwrap_or_default()),
        summary_map: map(&record.summary),
        content: text(&record.description, record),
        content_map: map(&record.description),
        media_type: Some("text/html".into()),
        url: Some(match &row.url {
            Some(u) => parse_url(u)?,
            None => id.clone(),
        }),
        published: row.published_at,
        updated: Some(row.updated_at),
        to: vec![AS_PUBLIC.into()],
        cc: org.followers_url.iter().cloned().collect(),
        attachment,
        tag,
        location: Some(Place {
            kind: "Place".into(),
            name: Some(place_name),
            latitude,
            longitude,
        }),
        replies: Some(replies),
        likes: Some(likes),
        content_digest: row.content_digest.clone(),
        good_index: None,
        practice: Some(serde_json::to_value(record)?),
        recognitions: Vec::new(),
        thread: Some(parse_url(&super::thread::thread_url(id.as_str()))?),
        id,
    })
}

/// The organisation of a stored practice, read through `ex` (the database, or the open
/// transaction that is changing the practice).
pub async fn org_of<'c>(ex: impl Into<Ex<'c>>, row: &PracticeRow) -> AppResult<ActorRow> {
    actors::by_id(ex, row.organization_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("practice without organisation")))
}

/// The manager who wrote a stored practice, when known, read through `ex`.
pub async fn author_of<'c>(
    ex: impl Into<Ex<'c>>,
    row: &PracticeRow,
) -> AppResult<Option<ActorRow>> {
    Ok(match row.author_id {
        Some(id) => actors::by_id(ex, id).await?,
        None => None,
    })
}

/// The article of a stored practice, with its organisation and author looked up.
pub async fn article_of(
    ctx: &Ctx,
    row: &PracticeRow,
    record: &PracticeRecord,
) -> AppResult<(Article, ActorRow)> {
    let org = org_of(&ctx.db, row).await?;
    let author = author_of(&ctx.db, row).await?;
    let article = served_article(ctx, row, record, &org, author.as_ref()).await?;
    Ok((article, org))
}

/// The article of a stored practice as served, its organisation and author given (a page
/// of many practices looks each up once): with its good index and its first replies.
pub async fn served_article(
    ctx: &Ctx,
    row: &PracticeRow,
    record: &PracticeRecord,
    org: &ActorRow,
    author: Option<&ActorRow>,
) -> AppResult<Article> {
    let mut article = to_article(ctx, row, record, org, author)?;
    article.good_index = super::practice_index::figure_of(&ctx.db, row).await?;
    article.replies = Some(super::thread::replies(&ctx.db, &row.ap_id, row.id, None).await?);
    article.recognitions = super::candidacy::recognitions(&ctx.db, row).await?;
    Ok(article)
}
