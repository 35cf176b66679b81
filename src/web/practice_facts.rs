//! The facts beside a practice (place, period, level, sectors, budget…) and its good index
//! in words and figures, as the practice page shows them.

use super::{
    components::language,
    format::{date, money, number},
    page::Page,
};
use crate::{domain::practice::PracticeRecord, service::practices::PracticeView};

pub struct Fact {
    pub label: String,
    pub value: String,
    /// The value is the record's own words (in the record's language), not a vocabulary's.
    pub own: bool,
}

pub struct IndexBox {
    /// The figures, as whole percentages, when there is a figure to show.
    pub figures: Vec<Fact>,
    pub counts: String,
    pub unverified: String,
    pub source: String,
    pub observed: Option<String>,
}

pub fn facts(page: &Page, r: &PracticeRecord) -> Vec<Fact> {
    let want = language(page.lang);
    let join = |v: Vec<String>| v.join(", ");
    let place = [
        r.place.municipality.clone().unwrap_or_default(),
        r.place
            .region
            .as_ref()
            .map(|region| region.label(want))
            .unwrap_or_default(),
        r.place
            .country
            .map(|c| c.label(want).to_string())
            .unwrap_or_default(),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    let period = match (r.period.start, r.period.end, r.period.ongoing) {
        (Some(s), _, true) => page.t1("practice-since", "start", date(s, page.lang)),
        (Some(s), Some(e), false) => format!("{} – {}", date(s, page.lang), date(e, page.lang)),
        (Some(s), None, false) => date(s, page.lang),
        _ => String::new(),
    };
    let participation = r
        .participation
        .map(|p| p.label(want).to_string())
        .unwrap_or_default();
    let beneficiaries = match (&r.beneficiaries.who, r.beneficiaries.how_many) {
        (Some(w), Some(n)) => format!("{w} ({})", number(Some(n as f64), "", page.lang)),
        (Some(w), None) => w.clone(),
        (None, Some(n)) => number(Some(n as f64), "", page.lang),
        (None, None) => String::new(),
    };
    let vocab = |k, v| (k, v, false);
    let own = |k, v| (k, v, true);
    [
        vocab(
            "practice-stage",
            r.stage
                .map(|s| s.label(want).to_string())
                .unwrap_or_default(),
        ),
        vocab(
            "practice-level",
            r.level_of_government
                .map(|l| page.t(&format!("level-{}", l.as_str())))
                .unwrap_or_default(),
        ),
        vocab(
            "practice-sectors",
            join(
                r.sectors
                    .iter()
                    .map(|s| s.label(want).to_string())
                    .collect(),
            ),
        ),
        vocab(
            "practice-innovation",
            join(
                r.innovation_types
                    .iter()
                    .map(|s| s.label(want).to_string())
                    .collect(),
            ),
        ),
        vocab("practice-participation", participation),
        own("practice-methods", r.participation_methods.join(", ")),
        vocab("practice-place", place),
        vocab("practice-period", period),
        own("practice-beneficiaries", beneficiaries),
        vocab(
            "practice-sdgs",
            join(
                r.sdgs
                    .iter()
                    .map(|s| format!("{} {}", s.number(), s.label(want)))
                    .collect(),
            ),
        ),
        vocab(
            "practice-licence",
            r.licence
                .map(|l| l.label(want).to_string())
                .unwrap_or_default(),
        ),
    ]
    .into_iter()
    .filter(|(_, v, _)| !v.is_empty())
    .map(|(k, value, own)| Fact {
        label: page.t(k),
        value,
        own,
    })
    .collect()
}

pub fn budget(page: &Page, r: &PracticeRecord) -> Vec<Fact> {
    let mut out = Vec::new();
    if let Some(a) = r.budget.amount {
        let currency = r.budget.currency.map(|c| c.as_str()).unwrap_or_default();
        out.push(Fact {
            label: page.t("practice-budget-amount"),
            value: format!("{} {currency}", money(a.cents(), page.lang))
                .trim()
                .to_string(),
            own: false,
        });
    }
    if !r.funding_sources.is_empty() {
        out.push(Fact {
            label: page.t("practice-funding"),
            value: r.funding_sources.join(", "),
            own: true,
        });
    }
    out
}

pub fn index_box(page: &Page, view: &PracticeView) -> IndexBox {
    let v = &view.good_index;
    let pct = |g: f64| format!("{:.0}", g * 100.0);
    let source = page.t(if v.source == "here" {
        "index-source-here"
    } else {
        "index-source-owner"
    });
    let observed = v.observed_here.as_ref().map(|h| {
        page.t1(
            "index-observed",
            "counts",
            format!("+{} / −{}", h.positive, h.negative),
        )
    });
    match &v.figure {
        Some(f) => IndexBox {
            figures: vec![
                Fact {
                    own: false,
                    label: page.t("index-combined"),
                    value: pct(f.combined),
                },
                Fact {
                    own: false,
                    label: page.t("index-peer"),
                    value: pct(f.peer),
                },
                Fact {
                    own: false,
                    label: page.t("index-citizen"),
                    value: pct(f.citizen),
                },
            ],
            counts: page.lang.t_with(
                "index-counts",
                &[
                    ("positive", (f.positive as i64).into()),
                    ("negative", (f.negative as i64).into()),
                    ("verified", (f.verified as i64).into()),
                    ("counted", (f.counted as i64).into()),
                ],
            ),
            unverified: page.tn("index-unverified", "count", f.unverified as i64),
            source,
            observed,
        },
        None => IndexBox {
            figures: Vec::new(),
            counts: page.t("index-none"),
            unverified: String::new(),
            source,
            observed,
        },
    }
}
