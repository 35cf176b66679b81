//! Reading a record from JSON with every bad field named: wrong types, unknown vocabulary
//! terms and unknown fields, each under its path, together with the draft rules.

use std::collections::BTreeMap;

use serde_json::Value;
use serde_path_to_error::Segment;

use super::{FieldErrors, PracticeRecord};

/// Decodes a record from an API body, reporting a wrong type, an unknown enum value or an
/// unknown field under the path where it occurred (`{"stage": "unknown stage `x` …"}`), in
/// the same shape as validation errors so clients handle one format. Every such field is
/// named, not just the first (see [`decode`]).
pub fn from_json(value: Value) -> Result<PracticeRecord, FieldErrors> {
    let (record, errors) = decode(value);
    if errors.is_empty() {
        Ok(record)
    } else {
        Err(errors)
    }
}

/// Decodes a draft and checks it as [`normalise`](super::normalise) does, reporting every
/// problem at once: fields that do not decode (wrong type, unknown vocabulary term, unknown
/// field) together with what the rules find in the fields that do.
pub fn read_draft(value: Value) -> Result<PracticeRecord, FieldErrors> {
    let (record, errors) = decode(value);
    finish_draft(record, errors)
}

/// Checks what [`decode`] made of a body as [`normalise`](super::normalise) does, adding
/// its findings to `errors` (what is already there wins: it is the root cause).
pub fn finish_draft(
    record: PracticeRecord,
    mut errors: FieldErrors,
) -> Result<PracticeRecord, FieldErrors> {
    match super::normalise(record) {
        Ok(record) if errors.is_empty() => Ok(record),
        Ok(_) => Err(errors),
        Err(more) => {
            for (k, v) in more {
                errors.entry(k).or_insert(v);
            }
            Err(errors)
        }
    }
}

/// At most this many fields are named; past it the rest of the body is not looked at.
const MAX_DECODE_ERRORS: usize = 50;

/// Decodes what can be decoded and names every field that cannot. serde stops at the first
/// error, so each bad value is reported under its path (in the body as sent) and taken out,
/// and the rest is decoded again; the record returned holds the fields that decoded. A body
/// that is not a JSON object is refused whole: a record is an object (serde would read `[]`
/// as an empty one).
pub fn decode(value: Value) -> (PracticeRecord, FieldErrors) {
    let mut errors = FieldErrors::new();
    if !value.is_object() {
        errors.insert("record".into(), "must be a JSON object".into());
        return (PracticeRecord::default(), errors);
    }
    let mut doc = value;
    // For each array something was taken out of (by its path in the body as sent), the
    // original positions of the items still in it.
    let mut positions: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    while errors.len() < MAX_DECODE_ERRORS {
        let err = match serde_path_to_error::deserialize::<_, PracticeRecord>(&doc) {
            Ok(record) => return (record, errors),
            Err(err) => err,
        };
        let message = crate::domain::text::without_type_names(&err.inner().to_string());
        let segments: Vec<Step> = err
            .path()
            .iter()
            .map_while(|s| match s {
                Segment::Map { key } => Some(Step::Key(key.clone())),
                Segment::Seq { index } => Some(Step::Index(*index)),
                Segment::Enum { .. } | Segment::Unknown => None,
            })
            .collect();
        let original = original_path(&segments, &positions);
        errors
            .entry(error_key(&original, &message))
            .or_insert(message);
        if segments.is_empty() || !take_out(&mut doc, &segments, &original, &mut positions) {
            break;
        }
    }
    (PracticeRecord::default(), errors)
}

/// One step of a path in a JSON document.
enum Step {
    Key(String),
    Index(usize),
}

/// The path of `segments` (positions in the document as it is now) in the body as sent, in
/// serde_path_to_error's notation (`media[1].url`; `.` for the whole body).
fn original_path(segments: &[Step], positions: &BTreeMap<String, Vec<usize>>) -> String {
    let mut path = String::new();
    for s in segments {
        match s {
            Step::Key(k) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Step::Index(i) => {
                let i = positions
                    .get(&path)
                    .and_then(|p| p.get(*i).copied())
                    .unwrap_or(*i);
                path.push_str(&format!("[{i}]"));
            }
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

/// Removes the value at `segments` from `doc`; `false` when there is none (nothing to take
/// out, so decoding cannot make progress).
fn take_out(
    doc: &mut Value,
    segments: &[Step],
    original: &str,
    positions: &mut BTreeMap<String, Vec<usize>>,
) -> bool {
    let Some((last, parents)) = segments.split_last() else {
        return false;
    };
    let mut node = doc;
    for s in parents {
        let next = match s {
            Step::Key(k) => node.get_mut(k.as_str()),
            Step::Index(i) => node.get_mut(*i),
        };
        match next {
            Some(n) => node = n,
            None => return false,
        }
    }
    match (last, node) {
        (Step::Key(k), Value::Object(map)) => map.shift_remove(k.as_str()).is_some(),
        (Step::Index(i), Value::Array(items)) if *i < items.len() => {
            // The array's own path in the body as sent: the item's path without its index.
            let array = original
                .rsplit_once('[')
                .map(|(a, _)| a.to_string())
                .unwrap_or_default();
            let len = items.len();
            let kept = positions.entry(array).or_insert_with(|| (0..len).collect());
            if *i < kept.len() {
                kept.remove(*i);
            }
            items.remove(*i);
            true
        }
        _ => false,
    }
}

/// The field an error belongs to. An unknown field is already in the path; a missing one is
/// reported at the enclosing object, so its name is taken from the message. Errors about the
/// whole body go under `record`.
fn error_key(path: &str, message: &str) -> String {
    let parent = if path == "." { "" } else { path };
    let named = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name);
    match (parent, named) {
        ("", Some(name)) => name.to_string(),
        ("", None) => "record".to_string(),
        (parent, Some(name)) => format!("{parent}.{name}"),
        (parent, None) => parent.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::vocab::Sector;

    fn keys(errors: &FieldErrors) -> Vec<&str> {
        errors.keys().map(String::as_str).collect()
    }

    #[test]
    fn error_keys() {
        assert_eq!(
            error_key("colour", "unknown field `colour`, expected one of …"),
            "colour"
        );
        assert_eq!(
            error_key("team[0].x", "unknown field `x`, expected …"),
            "team[0].x"
        );
        assert_eq!(error_key("media[1]", "missing field `url`"), "media[1].url");
        assert_eq!(error_key("stage", "unknown stage `x`"), "stage");
        assert_eq!(
            error_key(".", "invalid type: string, expected struct"),
            "record"
        );
    }

    #[test]
    fn json_errors_name_the_field() {
        let err = |v: serde_json::Value| from_json(v).unwrap_err();
        let e = err(json!({"stage": "brainstorming"}));
        assert_eq!(keys(&e), ["stage"]);
        assert!(e["stage"]
            .starts_with("unknown stage `brainstorming` (expected one of: identifying_problems"));
        let e = err(json!({"colour": "blue"}));
        assert!(e["colour"].starts_with("unknown field `colour`"), "{e:?}");
        let e = err(json!({"team": [{"name": "A", "boss": true}]}));
        assert_eq!(keys(&e), ["team[0].boss"]);
        let e = err(json!({"indicators": [{"name": "n", "unit": 3}]}));
        assert_eq!(keys(&e), ["indicators[0].unit"]);
        let e = err(json!({"media": [{"kind": "image"}]}));
        assert_eq!(keys(&e), ["media[0].url"]);
        let e = err(json!({"title": {"xx": "?"}}));
        assert!(e.keys().next().unwrap().starts_with("title"), "{e:?}");
        let e = err(json!({"period": {"start": "2024-13-01"}}));
        assert_eq!(keys(&e), ["period.start"]);
        let e = err(json!({"budget": {"amount": "1.234"}}));
        assert_eq!(keys(&e), ["budget.amount"]);
        let e = err(json!({"sdgs": [18]}));
        assert_eq!(keys(&e), ["sdgs[0]"]);
        let e = err(json!("a string"));
        assert_eq!(keys(&e), ["record"]);
        // serde would read an array as a struct: a record is an object, nothing else.
        for not_an_object in [json!([]), json!(null), json!(3), json!(["stage"])] {
            assert_eq!(keys(&err(not_an_object)), ["record"]);
        }
    }

    #[test]
    fn every_field_that_does_not_decode_is_named() {
        let e = from_json(json!({
            "language": "it", "stage": "bogus", "sectors": ["99"], "place": {"country": "ZZ"},
        }))
        .unwrap_err();
        assert_eq!(keys(&e), ["place.country", "sectors[0]", "stage"], "{e:?}");
        assert!(e["sectors[0]"].contains("99"), "{e:?}");

        // Several bad items of one list keep their own positions; good ones are kept.
        let (record, e) = decode(json!({
            "sectors": ["07", "99", "09", "nope"],
            "media": [{"kind": "image"}, {"url": "https://a.example/x.png", "kind": "photo"}],
            "colour": "blue", "team": [{"name": "A", "boss": true}],
            "place": {"country": "ZZ", "region": "nowhere", "lat": "north"},
        }));
        assert_eq!(
            keys(&e),
            [
                "colour",
                "media[0].url",
                "media[1].kind",
                "place.country",
                "place.lat",
                "place.region",
                "sectors[1]",
                "sectors[3]",
                "team[0].boss",
            ],
            "{e:?}"
        );
        assert_eq!(record.sectors, [Sector::Health, Sector::Education]);
    }

    #[test]
    fn decoding_and_rules_report_together() {
        let e = read_draft(json!({
            "stage": "bogus",
            "summary": {"it": "x".repeat(501)},
            "period": {"start": "2024-01-01", "end": "2023-01-01"},
        }))
        .unwrap_err();
        assert_eq!(keys(&e), ["period.end", "stage", "summary.it"], "{e:?}");
        assert!(read_draft(json!({"stage": "implementing"})).is_ok());
    }
}
