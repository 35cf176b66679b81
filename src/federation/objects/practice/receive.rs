//! A remote practice: the record its `Article` carries, and its row, stored or updated when
//! newer, or deleted when its origin says it is gone.

use activitypub_federation::fetch::{fetch_object_http, object_id::ObjectId};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use url::Url;

use crate::{
    config::host_port,
    db::{
        actors::ActorRow,
        practices::{self, NewPractice, Summary},
    },
    domain::{
        actor::ActorKind,
        practice::{self as rules, summary_text, PracticeRecord, PracticeState},
        sanitize,
    },
    error::AppError,
    federation::{
        error::ApplyError,
        objects::{
            admission::{admitted, publishable_record, Arrival},
            practice_index, thread,
        },
        protocol::{
            activities::{create::posted, Posted},
            objects::{article::ArticleKind, Article},
        },
    },
    state::Ctx,
};

/// A timestamp, clamped so a clock in the future cannot pin a version forever, and truncated
/// to microseconds as both backends store it.
pub fn clamp_time(t: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let now = crate::db::now();
    let t = if t > now { now } else { t };
    DateTime::from_timestamp_micros(t.timestamp_micros())
}

/// The record a remote `Article` carries: the whole of it from a Prassi peer (validated and
/// sanitised like local input), or what any `Article` has (name, summary, content).
pub fn record_from(article: &Article) -> PracticeRecord {
    if let Some(p) = article.practice.as_ref().filter(|p| p.is_object()) {
        match rules::from_json(p.clone()).and_then(rules::normalise) {
            Ok(r) => return r,
            Err(e) => {
                let errors = e
                    .iter()
                    .map(|(field, message)| format!("{field}: {message}"))
                    .collect::<Vec<_>>()
                    .join("; ");
                tracing::warn!(%errors, "practice extension unreadable; using the plain Article")
            }
        }
    }
    let lang = article
        .content_map
        .keys()
        .next()
        .cloned()
        .unwrap_or_else(|| "en".to_string());
    let mut doc = json!({});
    if let Some(t) = &article.name {
        doc["title"] = json!({ &lang: sanitize::strip_tags(t) });
    }
    if let Some(t) = &article.summary {
        doc["summary"] = json!({ &lang: summary_text(t) });
    }
    if let Some(t) = &article.content {
        doc["description"] = json!({ &lang: sanitize::rich_text(t) });
    }
    doc["language"] = Value::String(lang);
    rules::from_json(doc.clone())
        .or_else(|_| {
            doc.as_object_mut().map(|o| o.remove("language"));
            rules::from_json(doc)
        })
        .unwrap_or_default()
}

/// Stores (or updates, when newer) a remote `Article` as the practice of `owner` (its
/// organisation): only from the owner's host, only when the owner is an `Organization`, only
/// when someone here asked for it ([`Arrival`]), only when it passes the publication check,
/// never over a local practice, never over a newer version.
pub async fn store_remote(
    ctx: &Ctx,
    article: &Article,
    owner: &Url,
    arrival: Arrival<'_>,
) -> Result<(), ApplyError> {
    let id = &article.id;
    if host_port(id) != host_port(owner) {
        return Err(ApplyError::permanent(format!(
            "{id} is not on the host of {owner}"
        )));
    }
    if &article.attributed_to != owner {
        return Err(ApplyError::permanent(format!(
            "{id} is not attributed to {owner}"
        )));
    }
    if host_port(id) == ctx.config.domain() {
        return Err(ApplyError::permanent(
            "an activity about one of our own practices",
        ));
    }
    let org = ObjectId::<ActorRow>::from(owner.clone())
        .dereference(ctx)
        .await
        .map_err(ApplyError::from)?;
    if org.kind != ActorKind::Organization {
        return Err(ApplyError::permanent(format!(
            "{id} is attributed to a {}, not to an Organization",
            org.kind.as_str()
        )));
    }
    let known = practices::by_ap_id(&ctx.db, id.as_str()).await?.is_some();
    if !known && !admitted(ctx, &org, arrival).await? {
        return Err(ApplyError::permanent(format!(
            "unsolicited: nobody here follows {owner} or asked for {id}"
        )));
    }
    let record = publishable_record(article).map_err(ApplyError::Permanent)?;
    let summary = Summary::of(&record);
    let published = article.published.and_then(clamp_time);
    let updated = article
        .updated
        .and_then(clamp_time)
        .or(published)
        .unwrap_or_else(crate::db::now);
    let text = serde_json::to_string(&record)?;
    let digest = article.content_digest.clone();
    // A walk reads the thread only of practices that have comments (their `replies` says
    // so); for the others the thread's address is kept, in the transaction that stores them.
    let keep_thread = (matches!(arrival, Arrival::Walked)
        && article.replies.as_ref().and_then(|r| r.total_items) == Some(0))
    .then_some(article.thread.as_ref())
    .flatten()
    .filter(|t| host_port(t) == host_port(id));
    let mut tx = ctx.db.begin().await?;
    match practices::by_ap_id(&mut tx, id.as_str()).await? {
        Some(old) if old.local => {
            return Err(ApplyError::permanent("cannot overwrite a local practice"))
        }
        Some(old) if old.organization_id != org.id => {
            return Err(ApplyError::permanent(format!(
                "{id} belongs to another organisation"
            )))
        }
        Some(old) if old.state == PracticeState::Deleted => return Ok(()),
        Some(old) if updated <= old.updated_at => {
            // The same version with a new good index is what the owner sends as the index
            // moves: the figure is kept, the record is not rewritten.
            if !practice_index::keep_owner_figure(&mut tx, old.id, article.good_index.as_ref())
                .await?
            {
                tracing::info!(practice = %id, "older or same version; ignored");
            }
            tx.commit().await?;
            return Ok(());
        }
        Some(old) => {
            practices::update_record(&mut tx, old.id, &text, &summary, digest.as_deref(), updated)
                .await?;
            practice_index::keep_owner_figure(&mut tx, old.id, article.good_index.as_ref()).await?;
            if let Some(t) = keep_thread {
                crate::db::comments::set_thread_context(&mut tx, old.id, t.as_str()).await?;
            }
        }
        None if practices::tombstoned(&mut tx, id.as_str()).await? => {
            tracing::info!(practice = %id, "deleted at its origin; this copy is older, ignored");
            return Ok(());
        }
        None => {
            let row = practices::insert(
                &mut tx,
                NewPractice {
                    ap_id: id.to_string(),
                    organization_id: org.id,
                    author_id: None,
                    local: false,
                    origin: host_port(id),
                    state: PracticeState::Published,
                    record: text,
                    summary,
                    content_digest: digest,
                    url: article.url.as_ref().map(|u| u.to_string()),
                    published_at: published.or(Some(updated)),
                    updated_at: updated,
                },
            )
            .await?;
            practice_index::keep_owner_figure(&mut tx, row.id, article.good_index.as_ref()).await?;
            if let Some(t) = keep_thread {
                crate::db::comments::set_thread_context(&mut tx, row.id, t.as_str()).await?;
            }
        }
    }
    tx.commit().await?;
    if matches!(arrival, Arrival::Walked)
        && article.replies.as_ref().and_then(|r| r.total_items) == Some(0)
    {
        return Ok(());
    }
    let background = matches!(arrival, Arrival::Requested);
    thread::after_practice_stored(ctx, id, article.thread.as_ref(), background).await;
    Ok(())
}

/// A remote practice held here that its origin answers 410 for: deleted here too (its
/// tombstone kept). Returns whether it was held (and not deleted already).
pub async fn gone(ctx: &Ctx, id: &Url) -> Result<bool, ApplyError> {
    let mut tx = ctx.db.begin().await?;
    let Some(row) = practices::by_ap_id(&mut tx, id.as_str()).await? else {
        return Ok(false);
    };
    if row.local || row.state == PracticeState::Deleted {
        return Ok(false);
    }
    practices::mark_deleted(&mut tx, row.id, crate::db::now()).await?;
    tx.commit().await?;
    tracing::info!(practice = %id, "deleted at its origin; deleted here");
    Ok(true)
}

/// Fetches `id` (signed) from its origin and reads it as a posted object.
pub async fn fetch(ctx: &Ctx, id: &Url) -> Result<Posted, ApplyError> {
    let fetched = fetch_object_http::<_, serde_json::Value>(id, ctx)
        .await
        // Through our error: the library's own message would quote the fetched document.
        .map_err(|e| ApplyError::Transient(format!("cannot fetch {id}: {}", AppError::from(e))))?;
    Ok(posted(fetched.object)?)
}

/// Stores a fetched `Article` as the practice of its `attributedTo`.
pub async fn store_article(
    ctx: &Ctx,
    article: &Article,
    arrival: Arrival<'_>,
) -> Result<(), ApplyError> {
    if article.kind != ArticleKind::Article {
        return Ok(());
    }
    let owner = article.attributed_to.clone();
    store_remote(ctx, article, &owner, arrival).await
}

#[cfg(test)]
mod tests {
    //! Samples written after the shapes Mastodon and Lemmy send (assets/): each parses into
    //! its wire struct, survives a round trip through JSON unchanged, and reads as the inbox
    //! reads it.
    use serde::{de::DeserializeOwned, Serialize};
    use serde_json::Value;

    use super::{clamp_time, record_from};
    use crate::federation::protocol::{
        activities::{Incoming, Posted},
        objects::Article,
    };

    fn asset(path: &str) -> String {
        std::fs::read_to_string(format!("{}/assets/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    /// Parses, writes back and parses again: the second reading equals the first.
    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(text: &str) -> T {
        let first: T = serde_json::from_str(text).unwrap();
        let written: Value = serde_json::to_value(&first).unwrap();
        let second: T = serde_json::from_value(written).unwrap();
        assert_eq!(first, second);
        first
    }

    #[test]
    fn mastodon_create_note_parses_and_is_not_a_practice() {
        let text = asset("mastodon/create_note.json");
        let Incoming::Create(c) = Incoming::parse("Create", &text).unwrap() else {
            panic!("not a Create");
        };
        assert_eq!(c.actor.as_str(), "https://mastodon.example/users/giulia");
        let Posted::Note(note) = &c.object else {
            panic!("not a Note: {:?}", c.object);
        };
        assert_eq!(
            note.attributed_to.as_str(),
            "https://mastodon.example/users/giulia"
        );
        assert_eq!(
            note.in_reply_to.as_ref().unwrap().as_str(),
            "https://prassi.example/practices/01a203a2-2b17-7440-aec1-a73f2ebe1b67"
        );
        let again: crate::federation::protocol::activities::Create = round_trip(&text);
        assert_eq!(again, *c);
    }

    #[test]
    fn lemmy_page_content_is_sanitised() {
        let text = asset("lemmy/create_page.json");
        let Incoming::Create(c) = Incoming::parse("Create", &text).unwrap() else {
            panic!("not a Create");
        };
        let Posted::Article(page) = &c.object else {
            panic!("a Page reads as an article");
        };
        let _: crate::federation::protocol::activities::Create = round_trip(&text);
        let r = serde_json::to_value(record_from(page)).unwrap();
        assert_eq!(
            r["title"]["en"],
            "Bilanci partecipativi: esperienze a confronto"
        );
        let d = r["description"]["en"].as_str().unwrap();
        assert!(
            d.contains("<strong>comunali</strong>") && !d.contains("script"),
            "{d}"
        );
    }

    #[test]
    fn plain_article_from_another_server_becomes_a_record() {
        let a: Article = round_trip(&asset("lemmy/article.json"));
        let r = serde_json::to_value(record_from(&a)).unwrap();
        assert_eq!(r["language"], "it");
        assert_eq!(
            r["title"]["it"], "Sportello digitale unico",
            "markup stripped from the title"
        );
        assert!(!r["description"]["it"].as_str().unwrap().contains("onerror"));
        assert_eq!(
            a.attributed_to.as_str(),
            "https://other.example/orgs/comune-x"
        );
        // A date in the future is clamped to now.
        assert!(clamp_time(a.updated.unwrap()).unwrap() <= crate::db::now());
    }
}
