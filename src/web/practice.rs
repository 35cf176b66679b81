//! The page of a practice (HTML) and its ActivityPub document, at the same URL.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::{json, Value};
use url::Url;

use super::{esc, layout};
use crate::{
    db::{
        actors, good_index,
        practices::{self, Version, VersionKey},
    },
    domain::practice::{own_text, MediaKind, PracticeRecord, PracticeState, Translations},
    error::{AppError, AppResult},
    federation::{
        objects::practice::{article_of, practice_context},
        protocol::context::context,
        protocol::objects::{Collection, Tombstone},
    },
    http_util::{activity_json, html, negotiate, Rendered, Wants},
    service::media::cache as media_cache,
    state::{Ctx, DocKey, Fed},
};

/// `/practices/{key}`: `key` is the id part of a local practice's URL, or a numeric id (which
/// also shows practices received from other instances). The ActivityPub document of a local
/// practice (or its tombstone) is rendered once per version and answered with an `ETag`.
pub async fn show(
    State(fed): State<Fed>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let ap_id;
    let by = match key.parse::<i64>() {
        Ok(id) => VersionKey::Id(id),
        Err(_) => {
            ap_id = format!("{}/practices/{key}", ctx.config.base());
            VersionKey::ApId(&ap_id)
        }
    };
    let gone = || AppError::NotFound("no such practice".into());
    if negotiate(&headers) == Wants::Html {
        // The page reads the whole row in one query; only the document needs the version first.
        let row = match by {
            VersionKey::Id(id) => practices::by_id(&ctx.db, id).await?,
            VersionKey::ApId(ap_id) => practices::by_ap_id(&ctx.db, ap_id).await?,
        }
        .filter(|r| r.state != PracticeState::Draft);
        let Some(row) = row else {
            return Ok(super::not_found(&ctx, &headers, "no such practice"));
        };
        if row.state == PracticeState::Deleted {
            let body = html(layout(
                &ctx,
                "Deleted",
                "<h1>This practice was deleted</h1>",
            ));
            return Ok((StatusCode::GONE, body).into_response());
        }
        let record: PracticeRecord = serde_json::from_str(&row.record)?;
        return page(&ctx, &row, &record).await;
    }
    let v = ctx
        .practice_versions
        .read(key.clone(), || practices::version(&ctx.db, by))
        .await?
        .filter(|v| v.state != PracticeState::Draft)
        .ok_or_else(gone)?;
    if v.local || v.state == PracticeState::Deleted {
        Ok(document(&ctx, &v).await?.respond(&headers))
    } else {
        Err(AppError::NotFound(format!("see {}", v.ap_id)))
    }
}

/// The `Article` of a published practice, or the `Tombstone` (410) of a deleted one, from
/// memory or rendered (and kept) now.
async fn document(ctx: &Ctx, v: &Version) -> AppResult<Arc<Rendered>> {
    // The Article carries the good index, which moves without a new version.
    let index = match v.local {
        true => good_index::of(&ctx.db, v.id)
            .await?
            .map_or(0, |i| i.changed_at),
        false => 0,
    };
    let key = DocKey::Practice {
        id: v.id,
        version: v.updated_at.timestamp_micros(),
        index,
    };
    let render = async {
        let row = practices::by_id(&ctx.db, v.id)
            .await?
            .ok_or_else(|| AppError::NotFound("no such practice".into()))?;
        let rendered = if row.state == PracticeState::Deleted {
            let mut t = Tombstone::of_article(Url::parse(&row.ap_id)?, row.deleted_at);
            t.context = Some(practice_context());
            Rendered::activity_json(StatusCode::GONE, &t)?
        } else {
            let record: PracticeRecord = serde_json::from_str(&row.record)?;
            Rendered::activity_json(StatusCode::OK, &article_of(ctx, &row, &record).await?.0)?
        };
        Ok::<_, AppError>(Arc::new(rendered))
    };
    ctx.documents
        .try_get_with(key, render)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("rendering practice {}: {e}", v.id)))
}

/// `/practices/{key}/replies` and `/likes`: the collections the `Article` links to (comments
/// and endorsements arrive in later steps; until then they are empty, not missing).
pub async fn collection(
    State(fed): State<Fed>,
    Path((key, which)): Path<(String, String)>,
) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    if which != "replies" && which != "likes" {
        return Err(AppError::NotFound("no such collection".into()));
    }
    let id = format!("{}/practices/{key}", ctx.config.base());
    let row = practices::by_ap_id(&ctx.db, &id)
        .await?
        .filter(|r| r.state == PracticeState::Published)
        .ok_or_else(|| AppError::NotFound("no such practice".into()))?;
    let mut c = Collection::empty(Url::parse(&format!("{}/{which}", row.ap_id))?);
    c.context = Some(context());
    Ok(activity_json(&c))
}

/// A translated field in the record's own language (or the first it has).
fn text(t: &Translations, record: &PracticeRecord) -> String {
    own_text(t, record).unwrap_or_default().to_string()
}

/// A section with a heading, left out when empty. `rich` HTML was sanitised on the way in.
fn section(out: &mut String, title: &str, body: &str) {
    if !body.trim().is_empty() {
        out.push_str(&format!(
            "<section><h2>{}</h2>\n{body}\n</section>\n",
            esc(title)
        ));
    }
}

fn facts(pairs: &[(&str, String)]) -> String {
    let items: String = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("<dt>{}</dt><dd>{}</dd>", esc(k), esc(v)))
        .collect();
    if items.is_empty() {
        String::new()
    } else {
        format!("<dl>{items}</dl>")
    }
}

fn list_of(v: &Value, f: impl Fn(&Value) -> String) -> String {
    let items: String = v
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| format!("<li>{}</li>", f(i)))
        .collect();
    if items.is_empty() {
        String::new()
    } else {
        format!("<ul>{items}</ul>")
    }
}

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

async fn page(
    ctx: &Ctx,
    row: &practices::PracticeRow,
    record: &PracticeRecord,
) -> AppResult<Response> {
    let r = &serde_json::to_value(record)?;
    let lang = r["language"].as_str();
    let title = text(&record.title, record);
    let org = actors::by_id(&ctx.db, row.organization_id).await?;
    // A remote organisation always shows where it is: its name alone could claim anything.
    let org_name = match &org {
        Some(o) if !o.local => format!(
            "{} (@{}@{})",
            o.name.as_deref().unwrap_or(&o.username),
            o.username,
            o.domain
        ),
        Some(o) => o.name.clone().unwrap_or_default(),
        None => String::new(),
    };
    let mut m = format!(
        "<article lang=\"{}\">\n<h1>{}</h1>\n<p><strong>{}</strong></p>\n<p>{}</p>\n",
        esc(lang.unwrap_or("it")),
        esc(&title),
        esc(&org_name),
        esc(&text(&record.summary, record))
    );
    let media: String = record
        .media
        .iter()
        .map(|x| {
            // A remote practice's media are served from this instance's cache: the page never
            // makes a reader's browser contact another host.
            let url = if row.local {
                x.url.to_string()
            } else {
                media_cache::local_path(row.id, x.url.as_str())
            };
            let (url, alt) = (esc(&url), esc(x.label()));
            let item = match x.kind {
                MediaKind::Image => {
                    format!("<img src=\"{url}\" alt=\"{alt}\">")
                }
                MediaKind::Video => {
                    format!("<video controls src=\"{url}\" aria-label=\"{alt}\"></video>")
                }
                MediaKind::Document | MediaKind::Slides => {
                    let text = if alt.trim().is_empty() {
                        "Document".to_string()
                    } else {
                        alt
                    };
                    format!("<a href=\"{url}\" download>{text}</a>")
                }
            };
            format!("<li>{item}</li>")
        })
        .collect();
    let media = if media.is_empty() {
        media
    } else {
        format!("<ul>{media}</ul>")
    };
    m.push_str(&index_facts(
        row.local,
        good_index::of(&ctx.db, row.id).await?.as_ref(),
    ));
    m.push_str(&facts(&[
        ("Stage", s(&r["stage"])),
        ("Level of government", s(&r["level_of_government"])),
        (
            "Sectors (COFOG)",
            r["sectors"]
                .as_array()
                .map(|a| a.iter().map(s).collect::<Vec<_>>().join(", "))
                .unwrap_or_default(),
        ),
        (
            "Period",
            format!(
                "{} – {}",
                s(&r["period"]["start"]),
                if r["period"]["ongoing"] == true {
                    "ongoing".into()
                } else {
                    s(&r["period"]["end"])
                }
            ),
        ),
        (
            "Place",
            [
                s(&r["place"]["municipality"]),
                s(&r["place"]["region"]),
                s(&r["place"]["country"]),
            ]
            .iter()
            .filter(|x| !x.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
        ),
        ("Participation (IAP2)", s(&r["participation"])),
        ("Licence", s(&r["licence"])),
        ("Version", row.content_digest.clone().unwrap_or_default()),
    ]));
    section(&mut m, "Media", &media);
    section(&mut m, "Description", &text(&record.description, record));
    section(
        &mut m,
        "Team",
        &list_of(&r["team"], |x| {
            format!(
                "{} — {}{}",
                esc(&s(&x["name"])),
                esc(&s(&x["role"])),
                if x["manager"] == true {
                    " (manager)"
                } else {
                    ""
                }
            )
        }),
    );
    section(
        &mut m,
        "Consultants and partners",
        &list_of(
            &json!([
                r["consultants"].as_array().cloned().unwrap_or_default(),
                r["partners"].as_array().cloned().unwrap_or_default()
            ]
            .concat()),
            |x| esc(&s(&x["name"])),
        ),
    );
    section(
        &mut m,
        "Beneficiaries",
        &facts(&[
            ("Who", s(&r["beneficiaries"]["who"])),
            ("How many", s(&r["beneficiaries"]["how_many"])),
        ]),
    );
    section(
        &mut m,
        "Budget",
        &facts(&[
            (
                "Amount",
                format!(
                    "{} {}",
                    s(&r["budget"]["amount"]),
                    s(&r["budget"]["currency"])
                )
                .trim()
                .to_string(),
            ),
            (
                "Funding",
                r["funding_sources"]
                    .as_array()
                    .map(|a| a.iter().map(s).collect::<Vec<_>>().join(", "))
                    .unwrap_or_default(),
            ),
        ]),
    );
    let indicators = list_of(&r["indicators"], |x| {
        let evidence = x["evidence_url"]
            .as_str()
            .map(|u| format!(" (<a href=\"{}\">evidence</a>)", esc(u)))
            .unwrap_or_default();
        format!(
            "{}: {} → {} {}{}",
            esc(&s(&x["name"])),
            esc(&s(&x["baseline"])),
            esc(&s(&x["value"])),
            esc(&s(&x["unit"])),
            evidence
        )
    });
    section(
        &mut m,
        "Impact",
        &format!("{}{indicators}", text(&record.impact, record)),
    );
    section(
        &mut m,
        "Lessons learned",
        &text(&record.lessons_learned, record),
    );
    section(&mut m, "Challenges", &text(&record.challenges, record));
    section(&mut m, "Replication", &text(&record.replication, record));
    section(
        &mut m,
        "Evidence and data",
        &format!(
            "<p>{}</p>{}",
            esc(&s(&r["evidence"]["method"])),
            list_of(&r["evidence"]["datasets"], |x| format!(
                "<a href=\"{0}\">{0}</a>",
                esc(&s(x))
            ))
        ),
    );
    section(&mut m, "Recognitions", &recognitions(ctx, row).await?);
    section(
        &mut m,
        "Related links",
        &list_of(&r["related_links"], |x| {
            format!(
                "<a href=\"{}\">{}</a>",
                esc(&s(&x["url"])),
                esc(&s(&x["title"]))
            )
        }),
    );
    m.push_str("</article>");
    Ok(html(layout(ctx, &title, &m)))
}

/// The recognitions of the practice by hubs' commissions: the call, the date, the reasons,
/// and the mean score of each criterion.
async fn recognitions(ctx: &Ctx, row: &practices::PracticeRow) -> AppResult<String> {
    let rows = crate::db::recognitions::recognitions_of(&ctx.db, row.id).await?;
    let items: String = rows
        .iter()
        .map(|r| {
            let scores: Value = serde_json::from_str(&r.scores).unwrap_or(Value::Null);
            let means: Vec<(String, String)> = scores
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| {
                    (
                        k.replace('_', " "),
                        format!("{:.1} / 5", v["mean"].as_f64().unwrap_or(0.0)),
                    )
                })
                .collect();
            let pairs: Vec<(&str, String)> =
                means.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            format!(
                "<li><a href=\"{}\">{}</a>, {}<p>{}</p>{}</li>",
                esc(&r.call_ap_id),
                esc(&r.call_title),
                esc(&r.recognised_at.format("%Y-%m-%d").to_string()),
                esc(&r.reasons),
                facts(&pairs)
            )
        })
        .collect();
    Ok(if items.is_empty() {
        String::new()
    } else {
        format!("<ul>{items}</ul>")
    })
}

/// The good index as the page shows it: the authoritative figure (the owner's, for a
/// practice of another instance) and the counts behind it.
fn index_facts(local: bool, row: Option<&good_index::IndexRow>) -> String {
    let v = crate::service::good_index::view(local, row);
    let Some(f) = v.figure else {
        return "<p>Good index: not published by its instance yet.</p>\n".into();
    };
    let pct = |g: f64| format!("{:.0} %", g * 100.0);
    let mut out = facts(&[
        ("Good index", pct(f.combined)),
        ("Peers (public administrations)", pct(f.peer)),
        ("Citizens", pct(f.citizen)),
        (
            "Endorsements",
            format!(
                "{} positive, {} negative; {} after reading the whole practice, {} counted",
                f.positive, f.negative, f.verified, f.counted
            ),
        ),
        ("Appreciation without reading", f.unverified.to_string()),
    ]);
    if let Some(h) = v.observed_here {
        out.push_str(&format!(
            "<p>Seen on this instance: {} positive, {} negative endorsements.</p>\n",
            h.positive, h.negative
        ));
    }
    out
}
