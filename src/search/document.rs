//! A stored practice as the index holds it: its texts by language, its facet values and its
//! sort keys.

use std::collections::BTreeMap;

use chrono::Datelike;
use tantivy::{schema::Facet, TantivyDocument};

use super::{facets::FacetName, schema::Fields};
use crate::{
    db::search::Indexable,
    domain::{
        practice::{own_language, PracticeRecord, PracticeState, Translations},
        sanitize::strip_tags,
        vocab::Language,
    },
};

/// The document of `p` (recognised by the calls `recognitions`), or `None` when it is not to
/// be found (a draft, a deleted or an unreadable practice).
pub fn of(f: &Fields, p: &Indexable, recognitions: &[String]) -> Option<TantivyDocument> {
    if p.state != PracticeState::Published {
        return None;
    }
    let record: PracticeRecord = serde_json::from_str(&p.record).ok()?;
    let own = own_language(&record);
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.id, p.id as u64);

    // Text by language: every translation goes to the field of its own language.
    let mut by_lang: BTreeMap<Language, Vec<String>> = BTreeMap::new();
    let mut add = |t: &Translations, html: bool| {
        for (lang, text) in t {
            let text = if html { strip_tags(text) } else { text.clone() };
            if !text.trim().is_empty() {
                by_lang.entry(*lang).or_default().push(text);
            }
        }
    };
    add(&record.title, false);
    for t in &record.title {
        doc.add_text(f.title, t.1);
    }
    add(&record.summary, false);
    add(&record.description, true);
    add(&record.lessons_learned, true);
    add(&record.impact, true);
    add(&record.challenges, true);
    // Indicators' names and the organisation's name are in the practice's own language.
    let own_extra: Vec<String> = record
        .indicators
        .iter()
        .map(|i| i.name.clone())
        .chain(p.org_name.clone())
        .filter(|s| !s.trim().is_empty())
        .collect();
    by_lang.entry(own).or_default().extend(own_extra);
    for (lang, texts) in &by_lang {
        // The title is in `title` already; the body has the rest, summary first (snippets
        // start from the first match, and the summary is what a reader expects to see).
        let skip = record
            .title
            .get(lang)
            .map_or(0, |t| usize::from(!t.trim().is_empty()));
        let joined = texts.join("\n");
        let body: Vec<&String> = texts.iter().skip(skip).collect();
        for b in body {
            doc.add_text(f.body, b);
        }
        match lang {
            Language::It => doc.add_text(f.it, &joined),
            Language::En => doc.add_text(f.en, &joined),
            _ => {}
        }
    }

    // Facets.
    let mut facet = |name: FacetName, value: &str| {
        doc.add_facet(f.facets, Facet::from_path([name.as_str(), value]));
    };
    if let Some(c) = record.place.country {
        facet(FacetName::Country, c.as_str());
    }
    if let Some(r) = &record.place.region {
        facet(FacetName::Region, r.as_str());
    }
    if let Some(l) = record.level_of_government {
        facet(FacetName::LevelOfGovernment, l.as_str());
    }
    for s in &record.sectors {
        facet(FacetName::Sector, s.as_str());
    }
    for i in &record.innovation_types {
        facet(FacetName::InnovationType, i.as_str());
    }
    if let Some(s) = record.stage {
        facet(FacetName::Stage, s.as_str());
    }
    if let Some(p) = record.participation {
        facet(FacetName::Participation, p.as_str());
    }
    for s in &record.sdgs {
        facet(FacetName::Sdg, s.as_str());
    }
    if let Some(start) = record.period.start {
        facet(FacetName::Year, &start.year().to_string());
    }
    let mut hubs: Vec<String> = recognitions.iter().filter_map(|c| host_of(c)).collect();
    hubs.sort();
    hubs.dedup();
    for h in &hubs {
        facet(FacetName::Recognition, h);
    }
    facet(FacetName::Origin, &p.origin);
    if let (Some(u), Some(d)) = (&p.org_username, &p.org_domain) {
        facet(FacetName::Organization, &format!("{u}@{d}"));
    }

    doc.add_u64(f.by_index, index_key(figure_of(p), p.id));
    let when = p.published_at.unwrap_or(p.created_at);
    doc.add_u64(f.by_recent, recent_key(when.timestamp(), p.id));
    Some(doc)
}

/// The good index a list sorts by: ours for our practices, the owner's for the others (ours
/// when the owner published none).
fn figure_of(p: &Indexable) -> f64 {
    if p.local {
        return p.combined;
    }
    crate::db::good_index::parse_figure(p.owner_figure.as_deref())
        .map_or(p.combined, |f| f.combined)
}

/// `host[:port]` of a URL.
pub fn host_of(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    let host = u.host_str()?;
    Some(match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    })
}

/// The index (0 to 1, in millionths) above, the row id below: equal figures list the newest
/// first, the same on every backend and after every rebuild.
pub fn index_key(figure: f64, id: i64) -> u64 {
    let millionths = (figure.clamp(0.0, 1.0) * 1_000_000.0).round() as u64;
    (millionths << 32) | (id as u64 & 0xFFFF_FFFF)
}

/// Seconds since the epoch above, the row id below (30 bits).
pub fn recent_key(seconds: i64, id: i64) -> u64 {
    ((seconds.max(0) as u64) << 30) | (id as u64 & 0x3FFF_FFFF)
}
