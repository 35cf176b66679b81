//! Tests of the practice record: draft normalisation, publication rules, JSON decoding, digest.

use super::*;
use crate::domain::practice_examples::{
    self, example_codesigned_service, example_participatory_budgeting,
};

fn keys(errors: &FieldErrors) -> Vec<&str> {
    errors.keys().map(String::as_str).collect()
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn an_empty_draft_is_a_valid_draft_but_not_publishable() {
    assert_eq!(
        normalise(PracticeRecord::default()).unwrap(),
        PracticeRecord::default()
    );
    let errors = check_publishable(&PracticeRecord::default()).unwrap_err();
    assert_eq!(
        keys(&errors),
        [
            "beneficiaries.who",
            "budget.amount",
            "budget.currency",
            "description",
            "impact",
            "indicators",
            "language",
            "lessons_learned",
            "level_of_government",
            "media",
            "period.start",
            "place.country",
            "place.region",
            "sectors",
            "stage",
            "summary",
            "team",
            "title",
        ]
    );
}

#[test]
fn normalise_trims_drops_blanks_and_sanitises() {
    let mut r = PracticeRecord::default();
    r.title
        .insert(Language::It, "  Bilancio partecipativo \t".into());
    r.title.insert(Language::En, "   ".into());
    r.description.insert(
        Language::It,
        r#"<p onclick="x()">Testo<script>alert(1)</script></p><a href="javascript:alert(1)">l</a>"#
            .into(),
    );
    r.impact.insert(Language::It, "<p><br></p>".into());
    r.place.municipality = Some("  ".into());
    r.participation_methods = vec![" Assemblee ".into(), "".into()];
    r.media.push(MediaRef {
        url: url("https://example.org/a.JPG"),
        media_type: " Image/JPEG ".into(),
        kind: MediaKind::Image,
        alt: " Una piazza ".into(),
        caption: Some(" ".into()),
        licence: None,
    });
    let r = normalise(r).unwrap();
    assert_eq!(r.title.len(), 1);
    assert_eq!(r.title[&Language::It], "Bilancio partecipativo");
    assert_eq!(
        r.description[&Language::It],
        r#"<p>Testo</p><a rel="noopener nofollow">l</a>"#
    );
    assert!(r.impact.is_empty(), "an empty editor is no text");
    assert_eq!(r.place.municipality, None);
    assert_eq!(r.participation_methods, ["Assemblee"]);
    assert_eq!(r.media[0].media_type, "image/jpeg");
    assert_eq!(r.media[0].alt, "Una piazza");
    assert_eq!(r.media[0].caption, None);
}

#[test]
fn normalise_reports_every_problem_at_once() {
    let mut r = PracticeRecord {
        stage: Some(Stage::Concluded),
        ..Default::default()
    };
    r.title.insert(Language::It, "<b>Titolo</b>".into());
    r.title.insert(Language::En, "Two\nlines".into());
    r.summary.insert(Language::It, "é".repeat(501));
    r.period = Period {
        start: NaiveDate::from_ymd_opt(2024, 5, 1),
        end: NaiveDate::from_ymd_opt(2024, 4, 30),
        ongoing: true,
    };
    r.place = Place {
        country: Some(Country::FR),
        region: Some("ITF4".parse().unwrap()),
        municipality: None,
        lat: Some(91.0),
        lon: None,
    };
    r.sectors = vec![Sector::Health, Sector::Education, Sector::Health];
    r.sdgs = vec![Sdg::new(3).unwrap(), Sdg::new(3).unwrap()];
    r.team.push(TeamMember {
        name: "A".repeat(201),
        ..Default::default()
    });
    r.partners.push(Partner {
        name: "P".into(),
        role: None,
        url: Some(url("ftp://example.org/")),
    });
    r.indicators.push(Indicator {
        baseline: Some(f64::NAN),
        date: NaiveDate::from_ymd_opt(1024, 1, 1),
        ..Default::default()
    });
    r.evidence.datasets = vec![url("https://d.example/x"), url("https://d.example/x")];
    r.related_links.push(Link {
        title: "ok".into(),
        url: url("javascript:alert(1)"),
    });
    r.media.push(MediaRef {
        url: url("https://example.org/v.mp4"),
        media_type: "video/mp4".into(),
        kind: MediaKind::Image,
        alt: String::new(),
        caption: None,
        licence: None,
    });
    r.media.push(MediaRef {
        url: url("data:image/png;base64,AAAA"),
        media_type: "not a type".into(),
        kind: MediaKind::Document,
        alt: String::new(),
        caption: None,
        licence: None,
    });
    let errors = normalise(r).unwrap_err();
    assert_eq!(
        keys(&errors),
        [
            "evidence.datasets[1]",
            "indicators[0].baseline",
            "indicators[0].date",
            "media[0].media_type",
            "media[1].media_type",
            "media[1].url",
            "partners[0].url",
            "period.end",
            "period.ongoing",
            "place.lat",
            "place.lon",
            "place.region",
            "related_links[0].url",
            "sdgs[1]",
            "sectors[2]",
            "summary.it",
            "team[0].name",
            "title.en",
            "title.it",
        ]
    );
    assert_eq!(errors["sectors[2]"], "duplicate of sectors[0]");
    assert_eq!(errors["title.it"], "must be plain text, without HTML tags");
    assert_eq!(errors["title.en"], "must be a single line");
    assert_eq!(
        errors["summary.it"],
        "must be at most 500 characters (it has 501)"
    );
    assert!(errors["period.end"].contains("ongoing"));
    assert!(errors["place.region"].contains("France"));
    assert!(errors["media[0].media_type"].contains("image/"));
}

#[test]
fn period_rules() {
    let period = |start: Option<(i32, u32, u32)>, end: Option<(i32, u32, u32)>, ongoing| {
        let d =
            |t: Option<(i32, u32, u32)>| t.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
        normalise(PracticeRecord {
            period: Period {
                start: d(start),
                end: d(end),
                ongoing,
            },
            ..Default::default()
        })
    };
    assert!(period(Some((2024, 1, 1)), Some((2024, 1, 1)), false).is_ok());
    assert!(
        period(None, Some((2024, 1, 1)), false).is_ok(),
        "a draft may lack the start"
    );
    assert!(period(Some((2024, 1, 1)), None, true).is_ok());
    let e = period(Some((2024, 1, 2)), Some((2024, 1, 1)), false).unwrap_err();
    assert_eq!(e["period.end"], "must not be before the start");
}

#[test]
fn coordinates_and_regions() {
    let place = |lat, lon, country, region: &str| {
        normalise(PracticeRecord {
            place: Place {
                country,
                region: Some(region.parse().unwrap()),
                municipality: None,
                lat,
                lon,
            },
            ..Default::default()
        })
    };
    assert!(place(Some(-90.0), Some(180.0), Some(Country::IT), "16").is_ok());
    assert!(place(None, None, Some(Country::GR), "EL30").is_ok());
    assert!(place(None, None, None, "ITF4").is_ok());
    let e = place(Some(0.0), Some(-180.5), Some(Country::DE), "16").unwrap_err();
    assert_eq!(keys(&e), ["place.lon", "place.region"]);
}

#[test]
fn publication_requires_original_language_manager_indicators_and_an_image() {
    let mut r = example_participatory_budgeting();
    assert_eq!(check_publishable(&r), Ok(()));

    r.title.remove(&Language::It);
    r.lessons_learned.insert(Language::It, "<p> </p>".into());
    r.team.iter_mut().for_each(|m| m.manager = false);
    r.team[1].role = " ".into();
    r.indicators[0].unit.clear();
    r.media.retain(|m| m.kind != MediaKind::Image);
    r.media.push(MediaRef {
        url: url("https://example.org/x.png"),
        media_type: "image/png".into(),
        kind: MediaKind::Image,
        alt: "  ".into(),
        caption: None,
        licence: None,
    });
    r.participation = None;
    r.budget.currency = None;
    let e = check_publishable(&r).unwrap_err();
    assert_eq!(
        keys(&e),
        [
            "budget.currency",
            "indicators[0].unit",
            "lessons_learned.it",
            "media[1].alt",
            "participation",
            "team",
            "team[1].role",
            "title.it",
        ]
    );
    assert_eq!(e["title.it"], "required in the original language (Italian)");

    r.media.clear();
    r.indicators.clear();
    let e = check_publishable(&r).unwrap_err();
    assert_eq!(e["media"], "add at least one image");
    assert_eq!(e["indicators"], "add at least one indicator");
}

#[test]
fn publication_also_applies_draft_rules() {
    let mut r = example_participatory_budgeting();
    r.summary.insert(Language::En, "<i>x</i>".into());
    r.sectors.push(r.sectors[0]);
    let e = check_publishable(&r).unwrap_err();
    assert_eq!(keys(&e), ["sectors[2]", "summary.en"]);
}

#[test]
fn licence_defaults_on_publication() {
    let mut r = example_codesigned_service();
    assert_eq!(r.licence, None);
    assert_eq!(check_publishable(&r), Ok(()));
    apply_publication_defaults(&mut r);
    assert_eq!(r.licence, Some(Licence::CcBy4));
    r.licence = Some(Licence::Cc0);
    apply_publication_defaults(&mut r);
    assert_eq!(r.licence, Some(Licence::Cc0));
}

#[test]
fn summaries_fall_back_and_truncate() {
    let mut r = example_participatory_budgeting();
    let it = r.summary[&Language::It].clone();
    assert_eq!(plain_summary(&r, Language::It).unwrap(), it);
    assert_eq!(
        plain_summary(&r, Language::De).unwrap(),
        it,
        "falls back to the original"
    );
    r.summary.remove(&Language::It);
    assert!(plain_summary(&r, Language::De)
        .unwrap()
        .starts_with("Every year"));
    r.summary.clear();
    assert_eq!(plain_summary(&r, Language::It), None);

    r.summary.insert(Language::It, "è".repeat(600));
    let s = plain_summary(&r, Language::It).unwrap();
    assert_eq!(s.chars().count(), 500);
    assert!(s.ends_with("è…"));
    r.summary
        .insert(Language::It, "<p>Da <b>remoto</b></p>".into());
    assert_eq!(plain_summary(&r, Language::It).unwrap(), "Da remoto");
}

#[test]
fn translation_prefers_requested_then_original_then_any() {
    let mut t = Translations::new();
    t.insert(Language::Fr, "bonjour".into());
    assert_eq!(
        translation(&t, Language::It, Some(Language::En)),
        Some("bonjour")
    );
    t.insert(Language::En, "hello".into());
    assert_eq!(
        translation(&t, Language::It, Some(Language::En)),
        Some("hello")
    );
    t.insert(Language::It, " ".into());
    assert_eq!(translation(&t, Language::It, None), Some("hello"));
}

#[test]
fn openapi_schema_describes_the_record() {
    use utoipa::PartialSchema;
    let schema = serde_json::to_value(PracticeRecord::schema()).unwrap();
    let props = &schema["properties"];
    assert_eq!(props.as_object().unwrap().len(), 28);
    assert_eq!(props["title"]["type"], "object");
    assert_eq!(props["title"]["additionalProperties"]["type"], "string");
}

#[test]
fn examples_are_publishable_and_already_normal() {
    let all = practice_examples::all();
    for (i, r) in all.iter().enumerate() {
        assert_eq!(check_publishable(r), Ok(()), "example {i}");
        assert_eq!(
            &normalise(r.clone()).unwrap(),
            r,
            "example {i} changes when normalised"
        );
        let json = serde_json::to_value(r).unwrap();
        assert_eq!(&from_json(json).unwrap(), r);
    }
    let digests: std::collections::BTreeSet<_> = all.iter().map(content_digest).collect();
    assert_eq!(digests.len(), 3);
}
