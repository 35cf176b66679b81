//! Draft normalisation and the publication check, both reporting every problem at once.
//!
//! Types already guarantee that each value is well-formed; these rules cover what types cannot:
//! lengths, ranges, relations between fields, duplicates, markup, and what must be present.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use url::Url;

use super::{MediaKind, PracticeRecord, Translations, SUMMARY_MAX_CHARS};
use crate::domain::sanitize;

/// Problems by field path (`title.it`, `period.start`, `indicators[0].unit`, `media`), each with
/// a message for the person filling the form.
pub type FieldErrors = BTreeMap<String, String>;

const TITLE_MAX: usize = 200;
const NAME_MAX: usize = 200;
const UNIT_MAX: usize = 50;
const LONG_PLAIN_MAX: usize = 2_000;
const ALT_MAX: usize = 1_500;
/// Sanitised HTML per language: a long description fits many times over; a pasted book does not.
const RICH_MAX: usize = 50_000;
const LIST_MAX: usize = 100;
const MEDIA_MAX: usize = 50;

/// Collects errors; the first message for a path wins, as it is usually the root cause.
#[derive(Default)]
pub(super) struct Errors(pub(super) FieldErrors);

/// Whether a plain-text field is one line (names, titles) or may hold paragraphs.
#[derive(Clone, Copy, PartialEq)]
enum Lines {
    One,
    Many,
}

impl Errors {
    pub(super) fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.entry(path.into()).or_insert_with(|| message.into());
    }

    /// Trims a plain-text value and checks it has no markup, no control characters and fits.
    fn plain(&mut self, path: &str, value: &mut String, max: usize, lines: Lines) {
        let trimmed = value.trim();
        if trimmed.len() != value.len() {
            *value = trimmed.to_string();
        }
        if !sanitize::is_plain(value) {
            self.add(path, "must be plain text, without HTML tags");
        } else if lines == Lines::One && value.contains(['\n', '\r']) {
            self.add(path, "must be a single line");
        } else if value
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            self.add(path, "contains control characters");
        }
        let n = value.chars().count();
        if n > max {
            self.add(
                path,
                format!("must be at most {max} characters (it has {n})"),
            );
        }
    }

    /// As [`Self::plain`]; a blank value becomes absent.
    fn opt_plain(&mut self, path: &str, value: &mut Option<String>, max: usize, lines: Lines) {
        if let Some(v) = value {
            self.plain(path, v, max, lines);
            if v.is_empty() {
                *value = None;
            }
        }
    }

    fn plain_translations(&mut self, field: &str, t: &mut Translations, max: usize, lines: Lines) {
        t.retain(|_, v| !v.trim().is_empty());
        for (lang, text) in t.iter_mut() {
            self.plain(&format!("{field}.{lang}"), text, max, lines);
        }
    }

    /// Sanitises every translation; one left with no visible text is dropped as blank.
    fn rich_translations(&mut self, field: &str, t: &mut Translations) {
        for text in t.values_mut() {
            *text = sanitize::rich_text(text);
        }
        t.retain(|_, v| !sanitize::rich_text_is_blank(v));
        for (lang, text) in t.iter() {
            let n = text.chars().count();
            if n > RICH_MAX {
                self.add(
                    format!("{field}.{lang}"),
                    format!("must be at most {RICH_MAX} characters of HTML (it has {n})"),
                );
            }
        }
    }

    /// Only web links: a `file:` or `javascript:` URL would be a trap in a public page.
    fn web_url(&mut self, path: &str, url: &Url) {
        if !matches!(url.scheme(), "http" | "https") {
            self.add(path, "must be an http or https URL");
        }
    }

    fn date(&mut self, path: &str, date: NaiveDate) {
        if !(1900..=2100).contains(&date.year()) {
            self.add(path, "must be between 1900 and 2100");
        }
    }

    fn count(&mut self, path: &str, len: usize, max: usize) {
        if len > max {
            self.add(path, format!("at most {max} entries (there are {len})"));
        }
    }

    /// Reports each repeated entry at its own index, pointing to the first occurrence.
    fn unique<T: PartialEq>(&mut self, field: &str, items: &[T]) {
        for (i, item) in items.iter().enumerate() {
            if let Some(first) = items[..i].iter().position(|x| x == item) {
                self.add(
                    format!("{field}[{i}]"),
                    format!("duplicate of {field}[{first}]"),
                );
            }
        }
    }

    /// Trims a list of short labels, drops blank ones, and checks each and the list.
    fn labels(&mut self, field: &str, items: &mut Vec<String>) {
        for item in items.iter_mut() {
            *item = item.trim().to_string();
        }
        items.retain(|s| !s.is_empty());
        for (i, item) in items.iter_mut().enumerate() {
            self.plain(&format!("{field}[{i}]"), item, NAME_MAX, Lines::One);
        }
        self.count(field, items.len(), LIST_MAX);
        self.unique(field, items);
    }

    pub(super) fn finish<T>(self, ok: T) -> Result<T, FieldErrors> {
        if self.0.is_empty() {
            Ok(ok)
        } else {
            Err(self.0)
        }
    }
}

/// Cleans a draft for saving: trims text, turns blank optional text into absent, sanitises rich
/// text, and checks what is present — lengths, ranges, dates, URL schemes, markup in plain
/// fields (refused, not silently stripped, so nobody loses text they meant), duplicates and
/// consistency between fields. Missing required fields are not an error here: a draft is
/// written over several sittings. Returns every problem found, not just the first.
pub fn normalise(mut r: PracticeRecord) -> Result<PracticeRecord, FieldErrors> {
    let mut e = Errors::default();

    e.plain_translations("title", &mut r.title, TITLE_MAX, Lines::One);
    e.plain_translations("summary", &mut r.summary, SUMMARY_MAX_CHARS, Lines::Many);
    for (field, t) in [
        ("description", &mut r.description),
        ("impact", &mut r.impact),
        ("lessons_learned", &mut r.lessons_learned),
        ("challenges", &mut r.challenges),
        ("replication", &mut r.replication),
    ] {
        e.rich_translations(field, t);
    }

    let p = &r.period;
    if let Some(start) = p.start {
        e.date("period.start", start);
    }
    if let Some(end) = p.end {
        e.date("period.end", end);
        if p.ongoing {
            e.add(
                "period.end",
                "an ongoing practice has no end date: remove it or untick ongoing",
            );
        } else if p.start.is_some_and(|start| end < start) {
            e.add("period.end", "must not be before the start");
        }
    }
    if p.ongoing && r.stage.is_some_and(|s| s.is_ended()) {
        e.add(
            "period.ongoing",
            "a concluded or discontinued practice is not ongoing",
        );
    }

    let place = &mut r.place;
    e.opt_plain(
        "place.municipality",
        &mut place.municipality,
        NAME_MAX,
        Lines::One,
    );
    if let Some(lat) = place.lat {
        if !(-90.0..=90.0).contains(&lat) {
            e.add("place.lat", "must be between -90 and 90");
        }
    }
    if let Some(lon) = place.lon {
        if !(-180.0..=180.0).contains(&lon) {
            e.add("place.lon", "must be between -180 and 180");
        }
    }
    match (place.lat, place.lon) {
        (Some(_), None) => e.add("place.lon", "give both latitude and longitude, or neither"),
        (None, Some(_)) => e.add("place.lat", "give both latitude and longitude, or neither"),
        _ => {}
    }
    if let (Some(country), Some(region)) = (place.country, &place.region) {
        if region.country().is_some_and(|c| c != country) {
            e.add(
                "place.region",
                format!("`{region}` is not a region of {}", country.label_en()),
            );
        }
    }

    e.unique("sectors", &r.sectors);
    e.unique("innovation_types", &r.innovation_types);
    e.unique("sdgs", &r.sdgs);
    e.labels("participation_methods", &mut r.participation_methods);
    e.labels("funding_sources", &mut r.funding_sources);

    e.count("team", r.team.len(), LIST_MAX);
    for (i, m) in r.team.iter_mut().enumerate() {
        e.plain(
            &format!("team[{i}].name"),
            &mut m.name,
            NAME_MAX,
            Lines::One,
        );
        e.plain(
            &format!("team[{i}].role"),
            &mut m.role,
            NAME_MAX,
            Lines::One,
        );
        e.opt_plain(
            &format!("team[{i}].affiliation"),
            &mut m.affiliation,
            NAME_MAX,
            Lines::One,
        );
    }
    for (field, list) in [
        ("consultants", &mut r.consultants),
        ("partners", &mut r.partners),
    ] {
        e.count(field, list.len(), LIST_MAX);
        for (i, p) in list.iter_mut().enumerate() {
            e.plain(
                &format!("{field}[{i}].name"),
                &mut p.name,
                NAME_MAX,
                Lines::One,
            );
            e.opt_plain(
                &format!("{field}[{i}].role"),
                &mut p.role,
                NAME_MAX,
                Lines::One,
            );
            if let Some(url) = &p.url {
                e.web_url(&format!("{field}[{i}].url"), url);
            }
        }
    }

    e.opt_plain(
        "beneficiaries.who",
        &mut r.beneficiaries.who,
        LONG_PLAIN_MAX,
        Lines::Many,
    );

    e.count("indicators", r.indicators.len(), LIST_MAX);
    for (i, ind) in r.indicators.iter_mut().enumerate() {
        e.plain(
            &format!("indicators[{i}].name"),
            &mut ind.name,
            NAME_MAX,
            Lines::One,
        );
        e.plain(
            &format!("indicators[{i}].unit"),
            &mut ind.unit,
            UNIT_MAX,
            Lines::One,
        );
        for (what, v) in [("baseline", ind.baseline), ("value", ind.value)] {
            if v.is_some_and(|v| !v.is_finite()) {
                e.add(format!("indicators[{i}].{what}"), "must be a finite number");
            }
        }
        if let Some(date) = ind.date {
            e.date(&format!("indicators[{i}].date"), date);
        }
        if let Some(url) = &ind.evidence_url {
            e.web_url(&format!("indicators[{i}].evidence_url"), url);
        }
    }

    e.opt_plain(
        "evidence.method",
        &mut r.evidence.method,
        LONG_PLAIN_MAX,
        Lines::Many,
    );
    e.count("evidence.datasets", r.evidence.datasets.len(), LIST_MAX);
    for (i, url) in r.evidence.datasets.iter().enumerate() {
        e.web_url(&format!("evidence.datasets[{i}]"), url);
    }
    e.unique("evidence.datasets", &r.evidence.datasets);

    e.count("related_links", r.related_links.len(), LIST_MAX);
    for (i, link) in r.related_links.iter_mut().enumerate() {
        e.plain(
            &format!("related_links[{i}].title"),
            &mut link.title,
            TITLE_MAX,
            Lines::One,
        );
        e.web_url(&format!("related_links[{i}].url"), &link.url);
    }

    e.count("media", r.media.len(), MEDIA_MAX);
    for (i, m) in r.media.iter_mut().enumerate() {
        e.web_url(&format!("media[{i}].url"), &m.url);
        m.media_type = m.media_type.trim().to_ascii_lowercase();
        if !m.media_type.is_empty() {
            let path = format!("media[{i}].media_type");
            if !is_mime_type(&m.media_type) {
                e.add(path, "must be a MIME type such as image/jpeg");
            } else if let Some(prefix) = match m.kind {
                MediaKind::Image => Some("image/"),
                MediaKind::Video => Some("video/"),
                MediaKind::Document | MediaKind::Slides => None,
            } {
                if !m.media_type.starts_with(prefix) {
                    e.add(
                        path,
                        format!("a {} must have a {prefix}… type", m.kind.as_str()),
                    );
                }
            }
        }
        e.plain(&format!("media[{i}].alt"), &mut m.alt, ALT_MAX, Lines::Many);
        e.opt_plain(
            &format!("media[{i}].caption"),
            &mut m.caption,
            SUMMARY_MAX_CHARS,
            Lines::Many,
        );
    }

    e.finish(r)
}

/// `type/subtype` made of RFC 6838 name characters, without parameters.
fn is_mime_type(s: &str) -> bool {
    let name = |p: &str| {
        !p.is_empty()
            && p.len() <= 127
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    s.split_once('/')
        .is_some_and(|(t, sub)| name(t) && name(sub))
}
