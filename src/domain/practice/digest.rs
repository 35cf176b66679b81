//! A record's canonical form and content digest.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::PracticeRecord;

/// The record as canonical JSON: object keys sorted by code point, no whitespace, and members
/// that hold their default (null, false, "", [] or {}) left out.
///
/// Canonical because the digest must be the same for the same content wherever it is computed:
/// on another instance, after a round trip through the database, or after a release that
/// reorders struct fields or adds an optional one. serde_json keeps insertion order here (the
/// crate enables `preserve_order`), so keys are sorted explicitly rather than relying on maps.
pub fn canonical_json(record: &PracticeRecord) -> String {
    // Serializing a record cannot fail: every map key is a language code string and serde_json
    // writes non-finite floats as null rather than failing.
    let value = serde_json::to_value(record).unwrap_or(Value::Null);
    let mut out = String::with_capacity(4096);
    write_canonical(&value, &mut out);
    out
}

/// `sha256:` and the hex SHA-256 of [`canonical_json`]: names one version of a practice, so a
/// proof of reading can say exactly which text was read.
pub fn content_digest(record: &PracticeRecord) -> String {
    let hash = Sha256::digest(canonical_json(record).as_bytes());
    format!("sha256:{}", hex::encode(hash))
}

fn is_default(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.values().all(is_default),
        Value::Bool(true) | Value::Number(_) => false,
    }
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut members: Vec<_> = map.iter().filter(|(_, v)| !is_default(v)).collect();
            members.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, value)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_canonical(value, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::String(s) => write_string(s, out),
        // serde_json prints numbers deterministically (shortest round-trip form for floats).
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null => out.push_str("null"),
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push_str(&Value::String(s.to_string()).to_string());
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::{
        practice::{canonical_json, from_json, Stage},
        practice_examples::example_participatory_budgeting,
        vocab::{Language, Sector},
    };

    #[test]
    fn canonical_form_sorts_and_drops_defaults() {
        let mut a = serde_json::Map::new();
        a.insert("b".into(), Value::from(1));
        a.insert(
            "a".into(),
            serde_json::json!({"z": [], "y": "é\"\n", "x": null}),
        );
        a.insert("c".into(), serde_json::json!([false, {}, 0.5]));
        let mut out = String::new();
        write_canonical(&Value::Object(a), &mut out);
        assert_eq!(out, r#"{"a":{"y":"é\"\n"},"b":1,"c":[false,{},0.5]}"#);
    }

    #[test]
    fn json_accepts_partial_drafts_and_round_trips() {
        let r = from_json(json!({
            "language": "it",
            "title": {"it": "Prova"},
            "sectors": ["07", "education"],
            "place": {"country": "it", "region": "itf4"},
            "budget": {"amount": 1500.5, "currency": "eur"},
            "sdgs": [3, "SDG 4"],
        }))
        .unwrap();
        assert_eq!(r.sectors, [Sector::Health, Sector::Education]);
        let out = serde_json::to_value(&r).unwrap();
        assert_eq!(
            out["budget"],
            json!({"amount": "1500.50", "currency": "EUR"})
        );
        assert_eq!(out["place"]["region"], "ITF4");
        assert_eq!(out["sdgs"], json!([3, 4]));
        assert_eq!(out["sectors"], json!(["07", "09"]));
        assert_eq!(from_json(out).unwrap(), r);
    }

    #[test]
    fn digest_is_canonical() {
        let r = example_participatory_budgeting();
        let d = content_digest(&r);
        assert!(d.starts_with("sha256:") && d.len() == 7 + 64, "{d}");
        assert!(d[7..]
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(content_digest(&r.clone()), d);

        // Same content with keys in reverse order, and defaults spelled out or left out.
        let value = serde_json::to_value(&r).unwrap();
        let serde_json::Value::Object(map) = value else {
            panic!()
        };
        let mut reversed = serde_json::Map::new();
        for (k, v) in map.into_iter().rev() {
            reversed.insert(k, v);
        }
        reversed.insert("challenges".into(), json!(r.challenges));
        reversed.remove("partners");
        let mut with_partners = from_json(serde_json::Value::Object(reversed)).unwrap();
        with_partners.partners = r.partners.clone();
        assert_eq!(content_digest(&with_partners), d);

        let sparse = PracticeRecord {
            stage: Some(Stage::Implementing),
            ..Default::default()
        };
        let explicit = from_json(json!({
            "stage": "implementing", "period": {"ongoing": false, "end": null}, "sectors": [],
            "title": {}, "licence": null,
        }))
        .unwrap();
        assert_eq!(content_digest(&explicit), content_digest(&sparse));
        assert_eq!(canonical_json(&sparse), r#"{"stage":"implementing"}"#);

        // Any change in content changes the digest.
        let mut changed = r.clone();
        changed.indicators[0].value = Some(21_401.0);
        assert_ne!(content_digest(&changed), d);
        let mut changed = r.clone();
        changed
            .title
            .insert(Language::En, format!("{} ", r.title[&Language::En]));
        assert_ne!(content_digest(&changed), d);
        let mut changed = r;
        changed.sectors.reverse();
        assert_ne!(content_digest(&changed), d, "order of a list is content");
    }
}
