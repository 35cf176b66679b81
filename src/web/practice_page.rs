//! The page of a practice (`templates/practice.html`): every section of the record in the
//! reader's language where the record has it, the media, the facts, the good index in words
//! and figures, recognitions and candidacies, the reader's panel, and the thread of comments.
//! Each text section and attachment carries `data-part` with its key of `PracticeView.parts`.

use std::collections::HashMap;

use askama::Template;
use axum::response::Response;

use super::{
    components::language,
    format::{date, file_size, number},
    page::{self, Page},
    practice_facts::{budget, facts, index_box, Fact, IndexBox},
    thread::{count, steps, StanceLabels, ThreadStep},
};
use crate::{
    config::Config,
    db::{page_sources::PageSources, practices::PracticeRow},
    domain::{
        practice::{translation, MediaKind, PracticeRecord, Translations},
        vocab::Language,
    },
    error::AppResult,
    service::{
        comments,
        media::{self, cache as media_cache},
        practices::{self, PracticeView},
    },
    state::Ctx,
};

/// Text of the record and the language it is in, when that is not the page's.
pub struct Text {
    pub html: String,
    pub lang: Option<&'static str>,
}

/// A text section; `part` is its key in `PracticeView.parts` when it counts for reading.
pub struct Section {
    pub key: &'static str,
    pub title: String,
    pub text: Text,
    pub part: Option<String>,
}

pub struct Medium {
    /// `attachment:<n>`, when it counts for reading.
    pub part: Option<String>,
    pub anchor: String,
    pub kind: &'static str,
    pub url: String,
    pub alt: String,
    pub caption: Option<String>,
    /// "PDF, 12 kB": what a document is before it is downloaded.
    pub about: String,
}

pub struct Member {
    pub name: String,
    pub role: String,
    pub affiliation: Option<String>,
    pub manager: bool,
}

pub struct Partner {
    pub name: String,
    pub role: Option<String>,
    pub url: Option<String>,
}

pub struct IndicatorLine {
    pub name: String,
    pub baseline: String,
    pub value: String,
    pub date: String,
    pub evidence: Option<String>,
}

pub struct RecognitionLine {
    pub call: String,
    pub title: String,
    pub date: String,
    pub reasons: String,
    pub scores: Vec<Fact>,
}

pub struct CandidacyLine {
    pub call: String,
    pub title: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "practice.html")]
struct PracticePage<'a> {
    page: Page,
    title: Text,
    org_name: String,
    org_url: String,
    handle: String,
    /// The id the follow box follows (the box's form reads it once it is one).
    #[allow(dead_code)]
    follow_uri: String,
    facts: Vec<Fact>,
    sections: Vec<Section>,
    media: Vec<Medium>,
    team: Vec<Member>,
    partners: Vec<Partner>,
    budget: Vec<Fact>,
    indicators: Vec<IndicatorLine>,
    evidence_method: Option<String>,
    datasets: Vec<String>,
    links: Vec<(String, String)>,
    /// The language of the record's own fields (team, roles, indicators) when not the page's.
    record_lang: Option<&'static str>,
    index: IndexBox,
    recognitions: Vec<RecognitionLine>,
    candidacies: Vec<CandidacyLine>,
    panel: String,
    thread: Vec<ThreadStep<'a>>,
    comments: usize,
}

/// The page of a published practice, made from what was read for it: `s` and the thread's
/// text (`PageSources::with_thread_text`). Besides them, the page and the configuration, only
/// the reader's panel sees `ctx`, and it reads nothing for a reader who is not signed in:
/// the page such a reader gets is a function of what was read, which is what lets it be kept
/// (see `web::practice`).
pub async fn render(
    ctx: &Ctx,
    page: Page,
    s: &PageSources,
    thread_text: &str,
) -> AppResult<Response> {
    let config = &ctx.config;
    let row = &s.row;
    let record: PracticeRecord = serde_json::from_str(&row.record)?;
    let record = &record;
    let (view, org) = practices::published_from(config, s);
    let thread = comments::thread_of_text(thread_text)?;
    let sizes: HashMap<&str, i64> = s.sizes.iter().map(|(f, n)| (f.as_str(), *n)).collect();
    let want = language(page.lang);
    let pick = |t: &Translations| pick(t, want, record.language);
    let title = pick(&record.title);
    let summary = pick(&record.summary);
    let (org_name, org_url, handle, follow_uri) = match org {
        Some(o) => {
            let name = o.name.clone().unwrap_or_else(|| o.username.clone());
            let url = if o.local {
                format!("/actors/{}", o.username)
            } else {
                o.url.clone().unwrap_or_else(|| o.ap_id.to_string())
            };
            (
                name,
                url,
                format!("@{}@{}", o.username, o.domain),
                o.ap_id.to_string(),
            )
        }
        None => Default::default(),
    };
    let page = page
        .titled(title.html.clone())
        .described(summary.html.clone())
        .with_alternate(row.ap_id.clone());
    let record_lang = record.language.filter(|l| *l != want).map(Language::as_str);
    let panel = super::participate::panel(ctx, &page, &view, Some(&thread)).await?;
    let labels = StanceLabels::of(&page);
    let template = PracticePage {
        facts: facts(&page, record),
        sections: sections(&page, record, &view),
        media: media(config, &page, row, record, &view, &sizes),
        team: record
            .team
            .iter()
            .map(|m| Member {
                name: m.name.clone(),
                role: m.role.clone(),
                affiliation: m.affiliation.clone(),
                manager: m.manager,
            })
            .collect(),
        partners: record
            .consultants
            .iter()
            .chain(&record.partners)
            .map(|p| Partner {
                name: p.name.clone(),
                role: p.role.clone(),
                url: p.url.as_ref().map(|u| u.to_string()),
            })
            .collect(),
        budget: budget(&page, record),
        indicators: record
            .indicators
            .iter()
            .map(|i| IndicatorLine {
                name: i.name.clone(),
                baseline: number(i.baseline, &i.unit, page.lang),
                value: number(i.value, &i.unit, page.lang),
                date: i.date.map(|d| date(d, page.lang)).unwrap_or_default(),
                evidence: i.evidence_url.as_ref().map(|u| u.to_string()),
            })
            .collect(),
        evidence_method: record.evidence.method.clone().filter(|m| !m.is_empty()),
        datasets: record
            .evidence
            .datasets
            .iter()
            .map(|u| u.to_string())
            .collect(),
        links: record
            .related_links
            .iter()
            .map(|l| (l.title.clone(), l.url.to_string()))
            .collect(),
        record_lang,
        index: index_box(&page, &view),
        recognitions: view
            .recognitions
            .iter()
            .map(|r| RecognitionLine {
                call: r.call.clone(),
                title: r.call_title.clone(),
                date: date(r.recognised_at.date_naive(), page.lang),
                reasons: r.reasons.clone(),
                scores: r
                    .scores
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| Fact {
                        label: k.replace('_', " "),
                        value: format!("{:.1} / 5", v["mean"].as_f64().unwrap_or(0.0)),
                        own: false,
                    })
                    .collect(),
            })
            .collect(),
        candidacies: view
            .candidacies
            .iter()
            .map(|c| CandidacyLine {
                call: c.call.clone(),
                title: c.call_title.clone(),
                status: c.status.label(want).to_string(),
            })
            .collect(),
        panel,
        comments: count(&thread),
        thread: steps(&page, &labels, &thread),
        title,
        org_name,
        org_url,
        handle,
        follow_uri,
        page,
    };
    Ok(page::ok(&template))
}

/// `t` in `want`, else in the original, else any; with its language when not `want`.
fn pick(t: &Translations, want: Language, original: Option<Language>) -> Text {
    let html = translation(t, want, original).unwrap_or_default();
    let lang = t
        .iter()
        .find(|(_, v)| v.trim() == html)
        .map(|(l, _)| *l)
        .filter(|l| *l != want && !html.is_empty())
        .map(Language::as_str);
    Text {
        html: html.to_string(),
        lang,
    }
}

fn sections(page: &Page, record: &PracticeRecord, view: &PracticeView) -> Vec<Section> {
    let want = language(page.lang);
    [
        ("summary", &record.summary),
        ("description", &record.description),
        ("impact", &record.impact),
        ("lessons_learned", &record.lessons_learned),
        ("challenges", &record.challenges),
        ("replication", &record.replication),
    ]
    .into_iter()
    .map(|(key, t)| Section {
        key,
        title: page.t(&format!("practice-{key}")),
        text: pick(t, want, record.language),
        part: view.parts.iter().find(|p| *p == key).cloned(),
    })
    .filter(|s| !s.text.html.trim().is_empty())
    .collect()
}

/// The media of the record; `sizes` are those of the uploads among them, by file name.
fn media(
    config: &Config,
    page: &Page,
    row: &PracticeRow,
    record: &PracticeRecord,
    view: &PracticeView,
    sizes: &HashMap<&str, i64>,
) -> Vec<Medium> {
    let mut out = Vec::new();
    for (n, m) in record.media.iter().enumerate() {
        // A remote practice's media are served from this instance's cache: the page never
        // makes a reader's browser contact another host.
        let url = if row.local {
            m.url.to_string()
        } else {
            media_cache::local_path(row.id, m.url.as_str())
        };
        let key = format!("attachment:{n}");
        let size = media::upload_name(config, m.url.as_str())
            .and_then(|f| sizes.get(f))
            .copied();
        let kind_label = m.kind.label(language(page.lang));
        let format = m
            .media_type
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let about = match size {
            Some(bytes) => format!("{format}, {}", file_size(bytes, page.lang)),
            None if !format.is_empty() => format,
            None => kind_label.to_string(),
        };
        out.push(Medium {
            part: view.parts.iter().find(|p| **p == key).cloned(),
            anchor: format!("part-attachment-{n}"),
            kind: match m.kind {
                MediaKind::Image => "image",
                MediaKind::Video => "video",
                MediaKind::Document | MediaKind::Slides => "document",
            },
            url,
            alt: m.label().to_string(),
            caption: m.caption.clone().filter(|c| !c.trim().is_empty()),
            about,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_missing_in_the_readers_language_says_its_own() {
        let t: Translations = [(Language::It, "Ciao".to_string())].into_iter().collect();
        let text = pick(&t, Language::En, Some(Language::It));
        assert_eq!((text.html.as_str(), text.lang), ("Ciao", Some("it")));
        let same = pick(&t, Language::It, Some(Language::It));
        assert_eq!(same.lang, None);
    }
}
