//! A practice as an ActivityPub `Article`, and the activities that publish, update and delete
//! it. Mastodon shows `name`, `summary` and a link to `url`; Prassi peers read the whole record
//! from the `practice` extension (a JSON literal in our inline context).

use serde_json::{json, Map, Value};

use crate::{
    db::{
        actors::{self, ActorRow},
        practices::PracticeRow,
        Tx,
    },
    domain::{practice::PracticeRecord, vocab::Sector},
    error::{AppError, AppResult},
    federation::{
        protocol::context::{context, AS_PUBLIC},
        urls,
    },
    service::{outbox, topics},
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
            ("manager", json!({"@id": "prassi:manager", "@type": "@id"})),
            ("Hashtag", json!("as:Hashtag")),
        ] {
            terms.insert(k.into(), v);
        }
    }
    c
}

fn str_map(v: &Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

/// The text of a translated field in `lang`, or any language.
fn text_in(v: &Value, lang: Option<&str>) -> Option<String> {
    lang.and_then(|l| v.get(l).and_then(Value::as_str))
        .or_else(|| {
            v.as_object()
                .and_then(|m| m.values().find_map(Value::as_str))
        })
        .map(String::from)
}

fn attachment_type(kind: &str) -> &'static str {
    match kind {
        "image" => "Image",
        "video" => "Video",
        _ => "Document",
    }
}

/// The `Article` of a published practice.
pub fn to_article(
    ctx: &Ctx,
    row: &PracticeRow,
    record: &PracticeRecord,
    org: &ActorRow,
    author: Option<&ActorRow>,
) -> AppResult<Value> {
    let rec = serde_json::to_value(record)?;
    let lang = rec["language"].as_str();
    let summary: String = text_in(&rec["summary"], lang)
        .unwrap_or_default()
        .chars()
        .take(500)
        .collect();
    let attachment: Vec<Value> = rec["media"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            json!({
                "type": attachment_type(m["kind"].as_str().unwrap_or_default()),
                "mediaType": m["media_type"],
                "url": m["url"],
                "name": m["alt"],
            })
        })
        .collect();
    let tag: Vec<Value> = record
        .sectors
        .iter()
        .map(|s| {
            json!({
                "type": "Hashtag",
                "href": urls::actor(&ctx.config, s.slug()),
                "name": format!("#{}", s.hashtag()),
            })
        })
        .collect();
    let place = &rec["place"];
    let place_name = place["municipality"]
        .as_str()
        .or(place["region"].as_str())
        .or(place["country"].as_str())
        .unwrap_or_default();
    let mut location = json!({"type": "Place", "name": place_name});
    if let (Some(lat), Some(lon)) = (place["lat"].as_f64(), place["lon"].as_f64()) {
        location["latitude"] = json!(lat);
        location["longitude"] = json!(lon);
    }
    let id = &row.ap_id;
    // Only the organisation: bovine refuses a Create whose attributedTo is not exactly its
    // actor, and Mastodon takes the first entry anyway. The manager travels as `manager`.
    let manager = author.map(|a| a.ap_id.as_str());
    Ok(json!({
        "@context": practice_context(),
        "id": id,
        "type": "Article",
        "attributedTo": org.ap_id.as_str(),
        "manager": manager,
        "name": text_in(&rec["title"], lang),
        "nameMap": str_map(&rec["title"]),
        "summary": summary,
        "summaryMap": str_map(&rec["summary"]),
        "content": text_in(&rec["description"], lang),
        "contentMap": str_map(&rec["description"]),
        "mediaType": "text/html",
        "url": row.url.clone().unwrap_or_else(|| id.clone()),
        "published": row.published_at,
        "updated": row.updated_at,
        "to": [AS_PUBLIC],
        "cc": [org.followers_url],
        "attachment": attachment,
        "tag": tag,
        "location": location,
        "replies": {
            "id": format!("{id}/replies"),
            "type": "OrderedCollection",
            "totalItems": 0,
            "first": {
                "id": format!("{id}/replies?page=1"),
                "type": "OrderedCollectionPage",
                "partOf": format!("{id}/replies"),
                "orderedItems": [],
            },
        },
        "likes": {"id": format!("{id}/likes"), "type": "OrderedCollection", "totalItems": 0},
        "contentDigest": row.content_digest,
        "practice": rec,
    }))
}

async fn org_of(ctx: &Ctx, row: &PracticeRow) -> AppResult<ActorRow> {
    actors::by_id(&ctx.db, row.organization_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("practice without organisation")))
}

/// The article of a stored practice, with its organisation and author looked up.
pub async fn article_of(
    ctx: &Ctx,
    row: &PracticeRow,
    record: &PracticeRecord,
) -> AppResult<(Value, ActorRow)> {
    let org = org_of(ctx, row).await?;
    let author = match row.author_id {
        Some(id) => actors::by_id(&ctx.db, id).await?,
        None => None,
    };
    Ok((to_article(ctx, row, record, &org, author.as_ref())?, org))
}

/// Wraps `object` in an activity of `kind` by the organisation, addressed publicly.
fn activity(ctx: &Ctx, kind: &str, org: &ActorRow, mut object: Value) -> Value {
    if let Some(o) = object.as_object_mut() {
        o.remove("@context");
    }
    json!({
        "@context": practice_context(),
        "id": urls::new_activity(&ctx.config),
        "type": kind,
        "actor": org.ap_id.as_str(),
        "to": [AS_PUBLIC],
        "cc": [org.followers_url],
        "object": object,
    })
}

/// `Announce` of the practice by each of its sectors' topics, to the topic's followers.
async fn announce_by_topics(
    ctx: &Ctx,
    tx: &mut Tx,
    row: &PracticeRow,
    sectors: &[Sector],
) -> AppResult<()> {
    for s in sectors {
        let Some(topic) = topics::topic(ctx, *s).await? else {
            continue;
        };
        let announce = json!({
            "@context": practice_context(),
            "id": urls::new_activity(&ctx.config),
            "type": "Announce",
            "actor": topic.ap_id.as_str(),
            "to": [AS_PUBLIC],
            "cc": [topic.followers_url],
            "object": row.ap_id,
        });
        outbox::to_followers(tx, ctx.app_data(), &topic, &announce, true).await?;
    }
    Ok(())
}

/// `Create` (on publication) or `Update` (on an edit) of the whole `Article`, to the
/// organisation's followers; a publication is also announced by the sectors' topics.
pub async fn send_article(
    ctx: &Ctx,
    tx: &mut Tx,
    kind: &str,
    row: &PracticeRow,
    record: &PracticeRecord,
) -> AppResult<()> {
    let (article, org) = article_of(ctx, row, record).await?;
    let activity = activity(ctx, kind, &org, article);
    outbox::to_followers(tx, ctx.app_data(), &org, &activity, true).await?;
    if kind == "Create" {
        announce_by_topics(ctx, tx, row, &record.sectors).await?;
    }
    Ok(())
}

pub async fn send_delete(ctx: &Ctx, tx: &mut Tx, row: &PracticeRow) -> AppResult<()> {
    let org = org_of(ctx, row).await?;
    let tombstone = json!({"id": row.ap_id, "type": "Tombstone", "formerType": "Article"});
    outbox::to_followers(
        tx,
        ctx.app_data(),
        &org,
        &activity(ctx, "Delete", &org, tombstone),
        true,
    )
    .await?;
    Ok(())
}
