//! The practice record a manager edits over several sittings, and the rules for saving it as a
//! draft ([`normalise`]) and for publishing it ([`check_publishable`]).
//!
//! Every field is optional or empty by default so a half-written draft is a valid record; what a
//! value may be is fixed by its type (vocabularies, [`Amount`], dates, URLs), and what must be
//! present is decided only at publication. Field names are the JSON contract of the API.

mod amount;
mod decode;
mod digest;
mod publish;
mod validate;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use url::Url;
use utoipa::ToSchema;

use super::{
    actor::LevelOfGovernment,
    sanitize,
    vocab::{
        vocabulary, Country, Currency, InnovationType, Language, Licence, Participation,
        RegionCode, Sdg, Sector, Stage,
    },
};

pub use amount::Amount;
pub use decode::{decode, finish_draft, from_json, read_draft};
pub use digest::{canonical_json, content_digest};
pub use publish::{apply_publication_defaults, check_publishable};
pub use validate::{normalise, FieldErrors};

/// Text in several languages, keyed by language code: `{"it": "…", "en": "…"}`.
pub type Translations = BTreeMap<Language, String>;

/// A good practice as its manager describes it. `R` marks what publication requires.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PracticeRecord {
    /// R. The language the practice was written in; translated fields need it at least.
    pub language: Option<Language>,
    /// R. Plain text, at most 200 characters per language.
    #[schema(value_type = BTreeMap<String, String>)]
    pub title: Translations,
    /// R. Plain text, at most 500 characters: what Mastodon shows.
    #[schema(value_type = BTreeMap<String, String>)]
    pub summary: Translations,
    /// R. Rich text (sanitised HTML): the problem, what was done, what is new.
    #[schema(value_type = BTreeMap<String, String>)]
    pub description: Translations,
    /// R.
    pub stage: Option<Stage>,
    /// R (start).
    pub period: Period,
    /// R.
    pub level_of_government: Option<LevelOfGovernment>,
    /// R (country and region).
    pub place: Place,
    /// R, at least one, no duplicates.
    pub sectors: Vec<Sector>,
    pub innovation_types: Vec<InnovationType>,
    /// Required when participation methods are given.
    pub participation: Option<Participation>,
    pub participation_methods: Vec<String>,
    /// R: at least one member marked as manager.
    pub team: Vec<TeamMember>,
    pub consultants: Vec<Partner>,
    pub partners: Vec<Partner>,
    /// R (who).
    pub beneficiaries: Beneficiaries,
    /// R (amount and currency).
    pub budget: Budget,
    pub funding_sources: Vec<String>,
    /// R, at least one.
    pub indicators: Vec<Indicator>,
    /// R. Rich text.
    #[schema(value_type = BTreeMap<String, String>)]
    pub impact: Translations,
    /// R. Rich text.
    #[schema(value_type = BTreeMap<String, String>)]
    pub lessons_learned: Translations,
    /// Rich text.
    #[schema(value_type = BTreeMap<String, String>)]
    pub challenges: Translations,
    /// Rich text: what another administration needs to reuse the practice.
    #[schema(value_type = BTreeMap<String, String>)]
    pub replication: Translations,
    pub evidence: Evidence,
    pub sdgs: Vec<Sdg>,
    pub related_links: Vec<Link>,
    /// R, but CC-BY-4.0 is filled in on publication when absent (see
    /// [`apply_publication_defaults`]).
    pub licence: Option<Licence>,
    /// At least one image (with alt text) to publish.
    pub media: Vec<MediaRef>,
}

/// When the practice runs. `end` is never before `start`; an ongoing practice has no end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Period {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub ongoing: bool,
}

/// Where the practice takes place. Latitude and longitude come together or not at all.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Place {
    pub country: Option<Country>,
    pub region: Option<RegionCode>,
    pub municipality: Option<String>,
    /// −90 to 90.
    pub lat: Option<f64>,
    /// −180 to 180.
    pub lon: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TeamMember {
    pub name: String,
    pub role: String,
    pub affiliation: Option<String>,
    /// The manager answers for the practice; publication needs at least one.
    pub manager: bool,
}

/// An external consultant or partner organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Partner {
    pub name: String,
    pub role: Option<String>,
    pub url: Option<Url>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Beneficiaries {
    pub who: Option<String>,
    pub how_many: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Budget {
    pub amount: Option<Amount>,
    pub currency: Option<Currency>,
}

/// A measured result: a baseline and a value at a date, with a link to the evidence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Indicator {
    pub name: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub value: Option<f64>,
    pub date: Option<NaiveDate>,
    pub evidence_url: Option<Url>,
}

/// How the results were validated, and the open data behind them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Evidence {
    pub method: Option<String>,
    pub datasets: Vec<Url>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    #[serde(default)]
    pub title: String,
    pub url: Url,
}

vocabulary! {
    /// What a medium is, which decides how it is attached (`Image`, `Video`, `Document`).
    pub enum MediaKind ("media kind") {
        Image = "image" => "Image", "Immagine";
        Video = "video" => "Video", "Video";
        Document = "document" => "Document", "Documento";
        Slides = "slides" => "Slides", "Presentazione";
    }
}

vocabulary! {
    /// Where a practice is in its life: a draft only its organisation sees, published to
    /// everyone and to followers, or deleted (its URL answers 410 afterwards).
    pub enum PracticeState ("practice state") {
        Draft = "draft" => "Draft", "Bozza";
        Published = "published" => "Published", "Pubblicata";
        Deleted = "deleted" => "Deleted", "Eliminata";
    }
}

/// A picture, video, document or slide deck attached to the practice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaRef {
    pub url: Url,
    /// MIME type, e.g. `image/jpeg`.
    #[serde(default)]
    pub media_type: String,
    pub kind: MediaKind,
    /// Required for images: read aloud by screen readers and shown by Mastodon.
    #[serde(default)]
    pub alt: String,
    #[serde(default)]
    pub caption: Option<String>,
    #[serde(default)]
    pub licence: Option<Licence>,
}

/// The URLs of a stored record's media, read without the rest of it (which is skipped, not
/// parsed); none when the text is not a record.
pub fn media_urls_of(record: &str) -> Vec<String> {
    #[derive(Deserialize)]
    struct Medium {
        url: String,
    }
    #[derive(Deserialize)]
    struct Media {
        #[serde(default)]
        media: Vec<Medium>,
    }
    serde_json::from_str::<Media>(record)
        .map(|m| m.media.into_iter().map(|u| u.url).collect())
        .unwrap_or_default()
}

impl MediaRef {
    /// What names the medium to a reader: its alt text, or its caption when it has none (a
    /// document's title is usually its caption).
    pub fn label(&self) -> &str {
        match self.caption.as_deref() {
            Some(c) if self.alt.trim().is_empty() => c,
            _ => &self.alt,
        }
    }
}

/// The longest summary, in characters, that federation sends (Mastodon shows it in full).
pub const SUMMARY_MAX_CHARS: usize = 500;

/// The text of a translated field in `lang`, else in the original language, else in any
/// language it has, so a reader always sees something rather than nothing.
pub fn translation(t: &Translations, lang: Language, original: Option<Language>) -> Option<&str> {
    let present = |l: &Language| t.get(l).map(|s| s.trim()).filter(|s| !s.is_empty());
    present(&lang)
        .or_else(|| original.and_then(|o| present(&o)))
        .or_else(|| t.values().map(|s| s.trim()).find(|s| !s.is_empty()))
}

/// A translated field of `record` in the record's own language (Italian when it names none),
/// falling back as [`translation`] does: what a reader sees when nobody asked for a language.
pub fn own_text<'r>(t: &'r Translations, record: &PracticeRecord) -> Option<&'r str> {
    translation(t, own_language(record), record.language)
}

/// The language a record is read in when nobody asked for one.
pub fn own_language(record: &PracticeRecord) -> Language {
    record.language.unwrap_or(Language::It)
}

/// The plain-text summary to show or federate in `lang` (falling back as [`translation`] does),
/// cut as [`summary_text`] does.
pub fn plain_summary(record: &PracticeRecord, lang: Language) -> Option<String> {
    translation(&record.summary, lang, record.language).map(summary_text)
}

/// A summary as federation sends it: plain text (markup that slipped in is stripped: records
/// from remote servers are not ours to normalise), cut to 500 characters on a character
/// boundary with `…` when longer.
pub fn summary_text(text: &str) -> String {
    let text = if sanitize::is_plain(text) {
        text.to_string()
    } else {
        sanitize::strip_tags(text)
    };
    if text.chars().count() <= SUMMARY_MAX_CHARS {
        return text;
    }
    let cut: String = text.chars().take(SUMMARY_MAX_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests;
