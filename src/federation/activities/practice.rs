//! `Create`, `Update`, `Delete` and `Announce` of practices (`Article`s) from other instances.

use activitypub_federation::fetch::{fetch_object_http, object_id::ObjectId};
use chrono::{DateTime, Utc};
use serde_json::Value;
use url::Url;

use crate::{
    config::host_port,
    db::{
        actors::ActorRow,
        practices::{self, NewPractice},
    },
    domain::{
        practice::{self as rules, PracticeRecord},
        sanitize,
    },
    federation::{apply::ApplyError, protocol::activities::value_id},
    service::practices::summary_of,
    state::Ctx,
};

fn permanent(m: impl Into<String>) -> ApplyError {
    ApplyError::Permanent(m.into())
}

/// The first actor of `attributedTo` (a string, an object or an array of them).
fn first_attributed(v: &Value) -> Option<Url> {
    match v {
        Value::Array(a) => a.iter().find_map(first_attributed),
        other => value_id(other),
    }
}

/// The object of an activity: embedded, or fetched (signed) by id.
async fn object_of(ctx: &Ctx, activity: &Value, refetch: bool) -> Result<Value, ApplyError> {
    let o = &activity["object"];
    if o.is_object() && o.get("type").is_some() && !refetch {
        return Ok(o.clone());
    }
    let id = value_id(o).ok_or_else(|| permanent("the activity has no object"))?;
    let fetched = fetch_object_http::<_, Value>(&id, ctx)
        .await
        .map_err(|e| ApplyError::Transient(format!("cannot fetch {id}: {e}")))?;
    Ok(fetched.object)
}

async fn actor(ctx: &Ctx, id: Url) -> Result<ActorRow, ApplyError> {
    ObjectId::<ActorRow>::from(id)
        .dereference(ctx)
        .await
        .map_err(ApplyError::from)
}

pub async fn receive_create(ctx: &Ctx, activity: &Value) -> Result<(), ApplyError> {
    let object = object_of(ctx, activity, false).await?;
    if object["type"] != "Article" {
        tracing::info!(kind = ?object["type"], "object type not handled yet; stored only");
        return Ok(());
    }
    let actor_id = value_id(&activity["actor"]).ok_or_else(|| permanent("no actor"))?;
    store(ctx, &object, &actor_id).await
}

/// A topic or anyone else shares a practice: fetch it from its origin (never trust an
/// embedded copy from another server) and store it.
pub async fn receive_announce(ctx: &Ctx, activity: &Value) -> Result<(), ApplyError> {
    let object = object_of(ctx, activity, true).await?;
    if object["type"] != "Article" {
        return Ok(());
    }
    store_article(ctx, &object).await
}

/// Stores a fetched `Article` as the practice of its first `attributedTo`.
pub async fn store_article(ctx: &Ctx, object: &Value) -> Result<(), ApplyError> {
    let owner =
        first_attributed(&object["attributedTo"]).ok_or_else(|| permanent("no attributedTo"))?;
    store(ctx, object, &owner).await
}

/// Stores (or updates, when newer) a remote practice owned by `owner_id`.
async fn store(ctx: &Ctx, object: &Value, owner_id: &Url) -> Result<(), ApplyError> {
    let id = value_id(object).ok_or_else(|| permanent("the article has no id"))?;
    if host_port(&id) != host_port(owner_id) {
        return Err(permanent(format!("{id} is not on the host of {owner_id}")));
    }
    if first_attributed(&object["attributedTo"]).as_ref() != Some(owner_id) {
        return Err(permanent(format!("{id} is not attributed to {owner_id}")));
    }
    if host_port(&id) == ctx.config.domain() {
        return Err(permanent("an activity about one of our own practices"));
    }
    let org = actor(ctx, owner_id.clone()).await?;
    let record = record_from(object);
    let summary = summary_of(&record);
    let updated = time(&object["updated"])
        .or_else(|| time(&object["published"]))
        .unwrap_or_else(crate::db::now);
    let digest = object["contentDigest"].as_str().map(String::from);
    let text = serde_json::to_string(&record)?;
    let mut tx = ctx.db.begin().await?;
    match practices::by_ap_id(&ctx.db, id.as_str()).await? {
        Some(old) if old.local => return Err(permanent("cannot overwrite a local practice")),
        Some(old) if old.organization_id != org.id => {
            return Err(permanent(format!("{id} belongs to another organisation")))
        }
        Some(old) if old.state == "deleted" => return Ok(()),
        Some(old) if updated <= old.updated_at => {
            tracing::info!(practice = %id, "older or same version; ignored");
            return Ok(());
        }
        Some(old) => {
            practices::update_record(&mut tx, old.id, &text, &summary, digest.as_deref(), updated)
                .await?;
        }
        None => {
            practices::insert(
                &mut tx,
                NewPractice {
                    ap_id: id.to_string(),
                    organization_id: org.id,
                    author_id: None,
                    local: false,
                    origin: host_port(&id),
                    state: "published",
                    record: text,
                    summary,
                    content_digest: digest,
                    url: value_id(&object["url"]).map(|u| u.to_string()),
                    published_at: time(&object["published"]).or(Some(updated)),
                    updated_at: updated,
                },
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// A timestamp, clamped so a clock in the future cannot pin a version forever.
fn time(v: &Value) -> Option<DateTime<Utc>> {
    let t = v
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())?;
    let t = t.with_timezone(&Utc);
    let now = crate::db::now();
    let t = if t > now { now } else { t };
    DateTime::from_timestamp_micros(t.timestamp_micros())
}

/// The record a remote `Article` carries: the whole of it from a Prassi peer (validated and
/// sanitised like local input), or what any `Article` has (name, summary, content).
fn record_from(object: &Value) -> PracticeRecord {
    if let Some(p) = object.get("practice").filter(|p| p.is_object()) {
        match rules::from_json(p.clone()).and_then(rules::normalise) {
            Ok(r) => return r,
            Err(e) => {
                tracing::warn!(errors = ?e, "practice extension unreadable; using the plain Article")
            }
        }
    }
    let lang = object["contentMap"]
        .as_object()
        .and_then(|m| m.keys().next().cloned())
        .unwrap_or_else(|| "en".to_string());
    let mut doc = serde_json::json!({});
    let plain = |v: &Value| v.as_str().map(sanitize::strip_tags);
    if let Some(t) = plain(&object["name"]) {
        doc["title"] = serde_json::json!({ &lang: t });
    }
    if let Some(t) = plain(&object["summary"]) {
        doc["summary"] = serde_json::json!({ &lang: t.chars().take(500).collect::<String>() });
    }
    if let Some(t) = object["content"].as_str() {
        doc["description"] = serde_json::json!({ &lang: sanitize::rich_text(t) });
    }
    doc["language"] = Value::String(lang);
    rules::from_json(doc.clone())
        .or_else(|_| {
            doc.as_object_mut().map(|o| o.remove("language"));
            rules::from_json(doc)
        })
        .unwrap_or_default()
}

/// `Delete` of a practice, honoured only from its organisation.
pub async fn receive_delete(ctx: &Ctx, activity: &Value) -> Result<(), ApplyError> {
    let id = value_id(&activity["object"]).ok_or_else(|| permanent("Delete of nothing"))?;
    let actor_id = value_id(&activity["actor"]).ok_or_else(|| permanent("no actor"))?;
    let Some(row) = practices::by_ap_id(&ctx.db, id.as_str()).await? else {
        return Ok(()); // not a practice we hold (an actor, a note…)
    };
    if row.local {
        return Err(permanent("cannot delete a local practice from outside"));
    }
    let owner = crate::db::actors::by_id(&ctx.db, row.organization_id).await?;
    if owner.map(|o| o.ap_id.as_str() == actor_id.as_str()) != Some(true) {
        return Err(permanent(format!("{actor_id} does not own {id}")));
    }
    let mut tx = ctx.db.begin().await?;
    practices::mark_deleted(&mut tx, row.id, crate::db::now()).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Samples written after the shapes Mastodon and Lemmy send (assets/), read the way the
    //! inbox reads them.
    use serde_json::Value;

    use super::{first_attributed, record_from, time};
    use crate::federation::protocol::activities::Envelope;

    fn asset(path: &str) -> Value {
        let text = std::fs::read_to_string(format!("{}/assets/{path}", env!("CARGO_MANIFEST_DIR")))
            .unwrap();
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn mastodon_create_note_parses_and_is_not_a_practice() {
        let v = asset("mastodon/create_note.json");
        let env: Envelope = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(env.kind, "Create");
        assert_eq!(env.actor.as_str(), "https://mastodon.example/users/giulia");
        assert_eq!(v["object"]["type"], "Note");
        assert_eq!(
            first_attributed(&v["object"]["attributedTo"])
                .unwrap()
                .as_str(),
            "https://mastodon.example/users/giulia"
        );
    }

    #[test]
    fn lemmy_page_content_is_sanitised() {
        let v = asset("lemmy/create_page.json");
        let env: Envelope = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(env.kind, "Create");
        let r = serde_json::to_value(record_from(&v["object"])).unwrap();
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
        let v = asset("lemmy/article.json");
        let r = serde_json::to_value(record_from(&v)).unwrap();
        assert_eq!(r["language"], "it");
        assert_eq!(
            r["title"]["it"], "Sportello digitale unico",
            "markup stripped from the title"
        );
        assert!(!r["description"]["it"].as_str().unwrap().contains("onerror"));
        assert_eq!(
            first_attributed(&v["attributedTo"]).unwrap().as_str(),
            "https://other.example/orgs/comune-x"
        );
        // A date in the future is clamped to now.
        assert!(time(&v["updated"]).unwrap() <= crate::db::now());
    }
}
