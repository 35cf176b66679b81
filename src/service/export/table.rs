//! The catalogue as CSV: one RFC 4180 row per practice (UTF-8, CRLF, fields quoted only when
//! they must be), under a header of stable column names documented in the README ("Open data").
//! Cells with several values join them with `;`: every such value is a code, a URL or a date,
//! none of which holds a `;`.

use super::Practice;
use crate::domain::{
    practice::{own_text, summary_text},
    vocab::data_themes::themes_of,
};

/// The header, in order. Names are part of the public contract: add columns at the end,
/// never rename or reorder one.
pub const COLUMNS: &[&str] = &[
    "id",
    "url",
    "title",
    "summary",
    "organisation",
    "organisation_url",
    "ipa_code",
    "level_of_government",
    "country",
    "region",
    "municipality",
    "sectors",
    "data_themes",
    "stage",
    "innovation_types",
    "participation",
    "sdgs",
    "period_start",
    "period_end",
    "ongoing",
    "budget_amount",
    "budget_currency",
    "good_index",
    "recognised_by",
    "recognition_calls",
    "recognition_dates",
    "origin",
    "local",
    "licence",
    "language",
    "published",
    "modified",
];

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

/// Writes one record; writing into memory cannot fail, and a record that somehow did is
/// left out rather than half-written.
fn write(fields: &[String], out: &mut Vec<u8>) {
    let mut w = writer();
    if w.write_record(fields).is_ok() {
        if let Ok(bytes) = w.into_inner() {
            out.extend_from_slice(&bytes);
        }
    }
}

pub fn header() -> Vec<u8> {
    let mut out = Vec::new();
    let fields: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    write(&fields, &mut out);
    out
}

fn joined<T: ToString>(values: impl IntoIterator<Item = T>) -> String {
    values
        .into_iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(";")
}

/// One practice's row, appended to `out`.
pub fn row(p: &Practice<'_>, out: &mut Vec<u8>) {
    let r = &p.row.practice;
    let rec = p.record;
    let opt = |v: Option<String>| v.unwrap_or_default();
    let organisation = p
        .row
        .org_name
        .clone()
        .or_else(|| p.row.org_username.clone())
        .unwrap_or_default();
    let level = rec
        .level_of_government
        .map(|l| l.as_str().to_string())
        .or_else(|| p.row.org_level.clone());
    let fields = vec![
        r.ap_id.clone(),
        p.page_url().to_string(),
        opt(own_text(&rec.title, rec).map(|s| s.trim().to_string())),
        opt(own_text(&rec.summary, rec).map(summary_text)),
        organisation,
        opt(p.row.org_ap_id.clone()),
        opt(p.row.org_ipa_code.clone()),
        opt(level),
        opt(rec.place.country.map(|c| c.as_str().to_string())),
        opt(rec.place.region.as_ref().map(|c| c.as_str().to_string())),
        opt(rec.place.municipality.clone()),
        joined(rec.sectors.iter().map(|s| s.as_str())),
        joined(themes_of(&rec.sectors).iter().map(|t| t.as_str())),
        opt(rec.stage.map(|s| s.as_str().to_string())),
        joined(rec.innovation_types.iter().map(|t| t.as_str())),
        opt(rec.participation.map(|s| s.as_str().to_string())),
        joined(rec.sdgs.iter().map(|s| s.as_str())),
        opt(rec.period.start.map(|d| d.to_string())),
        opt(rec.period.end.map(|d| d.to_string())),
        rec.period.ongoing.to_string(),
        opt(rec.budget.amount.map(|a| a.to_string())),
        opt(rec.budget.currency.map(|c| c.as_str().to_string())),
        opt(p.good_index().map(|g| format!("{g:.4}"))),
        joined(
            p.recognitions
                .iter()
                .map(|x| Practice::hub_of(&x.call_ap_id)),
        ),
        joined(p.recognitions.iter().map(|x| x.call_ap_id.as_str())),
        joined(p.recognitions.iter().map(|x| x.recognised_at.date_naive())),
        r.origin.clone(),
        r.local.to_string(),
        rec.licence.unwrap_or_default().as_str().to_string(),
        opt(rec.language.map(|l| l.as_str().to_string())),
        opt(r
            .published_at
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))),
        r.updated_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    ];
    debug_assert_eq!(fields.len(), COLUMNS.len());
    write(&fields, out);
}
