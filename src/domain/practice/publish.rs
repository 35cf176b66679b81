//! The publication check: what a record must contain before it is published, and the defaults
//! publication fills in.

use super::{
    validate::{normalise, Errors},
    FieldErrors, MediaKind, PracticeRecord, Translations,
};
use crate::domain::{sanitize, vocab::Language};

/// Whether the record can be published: everything [`normalise`] checks, plus every required
/// field present — translated fields at least in the original `language` — at least one sector,
/// one indicator (with name and unit), one manager in the team, and one image with alt text.
/// A missing licence is not an error: publication fills in CC-BY-4.0
/// ([`apply_publication_defaults`]), the licence the form proposes anyway.
/// Returns every missing or bad field at once.
pub fn check_publishable(r: &PracticeRecord) -> Result<(), FieldErrors> {
    let mut e = Errors(normalise(r.clone()).err().unwrap_or_default());

    if r.language.is_none() {
        e.add("language", "required");
    }
    let plain_blank = |s: &String| s.trim().is_empty();
    let rich_blank = |s: &String| sanitize::rich_text_is_blank(s);
    for (field, t, blank) in [
        ("title", &r.title, &plain_blank as &dyn Fn(&String) -> bool),
        ("summary", &r.summary, &plain_blank),
        ("description", &r.description, &rich_blank),
        ("impact", &r.impact, &rich_blank),
        ("lessons_learned", &r.lessons_learned, &rich_blank),
    ] {
        required_translation(&mut e, field, t, r.language, blank);
    }

    if r.stage.is_none() {
        e.add("stage", "required");
    }
    if r.period.start.is_none() {
        e.add("period.start", "required");
    }
    if r.level_of_government.is_none() {
        e.add("level_of_government", "required");
    }
    if r.place.country.is_none() {
        e.add("place.country", "required");
    }
    if r.place.region.is_none() {
        e.add("place.region", "required");
    }
    if r.sectors.is_empty() {
        e.add("sectors", "choose at least one sector");
    }
    if r.participation.is_none() && !r.participation_methods.is_empty() {
        e.add(
            "participation",
            "required when participation methods are given",
        );
    }

    if !r.team.iter().any(|m| m.manager) {
        e.add("team", "add at least one team member marked as manager");
    }
    for (i, m) in r.team.iter().enumerate() {
        if m.name.trim().is_empty() {
            e.add(format!("team[{i}].name"), "required");
        }
        if m.role.trim().is_empty() {
            e.add(format!("team[{i}].role"), "required");
        }
    }
    for (field, list) in [("consultants", &r.consultants), ("partners", &r.partners)] {
        for (i, p) in list.iter().enumerate() {
            if p.name.trim().is_empty() {
                e.add(format!("{field}[{i}].name"), "required");
            }
        }
    }

    if r.beneficiaries
        .who
        .as_deref()
        .is_none_or(|w| w.trim().is_empty())
    {
        e.add("beneficiaries.who", "required");
    }
    if r.budget.amount.is_none() {
        e.add(
            "budget.amount",
            "required (0 if the practice had no dedicated budget)",
        );
    }
    if r.budget.currency.is_none() {
        e.add("budget.currency", "required");
    }

    if r.indicators.is_empty() {
        e.add("indicators", "add at least one indicator");
    }
    for (i, ind) in r.indicators.iter().enumerate() {
        if ind.name.trim().is_empty() {
            e.add(format!("indicators[{i}].name"), "required");
        }
        if ind.unit.trim().is_empty() {
            e.add(format!("indicators[{i}].unit"), "required");
        }
    }

    for (i, link) in r.related_links.iter().enumerate() {
        if link.title.trim().is_empty() {
            e.add(format!("related_links[{i}].title"), "required");
        }
    }

    if !r.media.iter().any(|m| m.kind == MediaKind::Image) {
        e.add("media", "add at least one image");
    }
    for (i, m) in r.media.iter().enumerate() {
        if m.kind == MediaKind::Image && m.alt.trim().is_empty() {
            e.add(
                format!("media[{i}].alt"),
                "describe the image for people who cannot see it",
            );
        }
        if m.media_type.trim().is_empty() {
            e.add(format!("media[{i}].media_type"), "required");
        }
    }

    e.finish(())
}

fn required_translation(
    e: &mut Errors,
    field: &str,
    t: &Translations,
    language: Option<Language>,
    blank: &dyn Fn(&String) -> bool,
) {
    match language {
        Some(lang) if t.get(&lang).is_none_or(blank) => e.add(
            format!("{field}.{lang}"),
            format!("required in the original language ({})", lang.label_en()),
        ),
        Some(_) => {}
        None if t.values().all(blank) => e.add(field, "required"),
        None => {}
    }
}

/// Fills what publication may default: the licence, CC-BY-4.0 when none was chosen. Called by
/// the publish use case after [`check_publishable`] succeeds, so the published version — and its
/// digest — states the licence explicitly.
pub fn apply_publication_defaults(record: &mut PracticeRecord) {
    record.licence.get_or_insert_with(Default::default);
}
