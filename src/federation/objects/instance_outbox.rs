//! `/actor/outbox`: the instance actor's `Announce` of every public practice of this
//! instance, in its current version, newest first (by local id), paged by a stable cursor
//! (`?max_id=`, never an offset), each with the whole `Article` embedded — the document
//! `/practices/{key}` serves — so a hub that follows this instance backfills it page by page
//! without fetching each practice again. A page holds `PRASSI_OUTBOX_PAGE_SIZE` practices, or
//! fewer when they would not fit in a readable body.

use std::collections::{hash_map::Entry, HashMap};

use serde_json::{json, Value};
use url::Url;

use crate::{
    config::MAX_OUTBOX_PAGE,
    db::{
        actors::{self, ActorRow},
        practices::{self, PracticeRow},
    },
    domain::practice::PracticeRecord,
    error::{AppError, AppResult},
    federation::{
        objects::practice::{practice_context, served_article},
        protocol::context::AS_PUBLIC,
    },
    state::Ctx,
};

/// A page stops before this many bytes of items, whatever its size in practices: readers
/// (ours, and the library's fetches) refuse bodies over 1 MiB, and a page must be read whole.
const PAGE_BYTES: usize = 768 * 1024;

/// What a request of the outbox asks for.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct OutboxQuery {
    /// Any value: a page rather than the collection.
    pub page: Option<String>,
    /// Only practices with a local id below this one (the cursor).
    pub max_id: Option<i64>,
    /// Practices per page, at most [`MAX_OUTBOX_PAGE`].
    pub limit: Option<i64>,
}

fn page_url(outbox: &Url, max_id: Option<i64>, limit: Option<i64>) -> Url {
    let mut u = outbox.clone();
    {
        let mut q = u.query_pairs_mut();
        q.append_pair("page", "true");
        if let Some(m) = max_id {
            q.append_pair("max_id", &m.to_string());
        }
        if let Some(l) = limit {
            q.append_pair("limit", &l.to_string());
        }
    }
    u
}

/// The id of the instance actor's Announce of one version of a practice.
fn announce_id(row: &PracticeRow) -> String {
    format!(
        "{}#announce-{}",
        row.ap_id,
        row.updated_at.timestamp_micros()
    )
}

/// The collection (no `page`, no `max_id`) or one of its pages.
pub async fn document(ctx: &Ctx, q: &OutboxQuery) -> AppResult<Value> {
    let me = &ctx.instance_actor;
    let outbox = Url::parse(&format!("{}/outbox", me.ap_id))?;
    let limit = q.limit.map(|l| l.clamp(1, MAX_OUTBOX_PAGE));
    let size = limit.unwrap_or(ctx.config.backfill.outbox_page_size);
    let total = practices::count_published_local(&ctx.db).await?;
    if q.page.is_none() && q.max_id.is_none() {
        return Ok(json!({
            "@context": practice_context(),
            "id": outbox,
            "type": "OrderedCollection",
            "totalItems": total,
            "first": page_url(&outbox, None, limit),
        }));
    }
    let rows = practices::published_local_page(&ctx.db, q.max_id, size).await?;
    let mut items = Vec::with_capacity(rows.len());
    // Whether the page stops before `size` to stay readable (see [`PAGE_BYTES`]).
    let (mut bytes, mut last, mut cut) = (0, None, false);
    // The organisations and managers of a page are few: each is read once.
    let mut actors: HashMap<i64, Option<ActorRow>> = HashMap::new();
    for row in &rows {
        let record: PracticeRecord = serde_json::from_str(&row.record)?;
        let mut ids = vec![row.organization_id];
        ids.extend(row.author_id);
        for id in ids {
            if let Entry::Vacant(e) = actors.entry(id) {
                e.insert(actors::by_id(&ctx.db, id).await?);
            }
        }
        let org = actors
            .get(&row.organization_id)
            .cloned()
            .flatten()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("practice without organisation")))?;
        let author = row
            .author_id
            .and_then(|a| actors.get(&a).cloned().flatten());
        let mut article = served_article(ctx, row, &record, &org, author.as_ref()).await?;
        article.context = None;
        let item = json!({
            "id": announce_id(row),
            "type": "Announce",
            "actor": me.ap_id.as_str(),
            "published": row.updated_at,
            "to": [AS_PUBLIC],
            "cc": me.followers_url.iter().collect::<Vec<_>>(),
            "object": article,
        });
        let len = serde_json::to_vec(&item)?.len();
        if !items.is_empty() && bytes + len > PAGE_BYTES {
            cut = true;
            break;
        }
        bytes += len;
        last = Some(row.id);
        items.push(item);
    }
    let mut page = json!({
        "@context": practice_context(),
        "id": page_url(&outbox, q.max_id, limit),
        "type": "OrderedCollectionPage",
        "partOf": outbox,
        "totalItems": total,
        "orderedItems": items,
    });
    if cut || rows.len() as i64 == size {
        if let Some(last) = last {
            page["next"] = json!(page_url(&outbox, Some(last), limit));
        }
    }
    Ok(page)
}
