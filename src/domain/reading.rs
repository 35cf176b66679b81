//! Proof of reading: the parts of a practice a reader must open, and when a reading is
//! complete. The parts are derived from the record alone, so the reader's instance derives
//! the same keys from a remote Article (whose record carries the media in the Article's
//! attachment order) as the owner does from its own record.

use super::{
    practice::{own_text, PracticeRecord, Translations},
    sanitize,
};

/// Words read per minute when estimating a practice's reading time.
pub const WORDS_PER_MINUTE: f64 = 240.0;

/// Default of the reading floor: the share of the estimated reading time that must pass
/// between the first part opened and the last.
pub const DEFAULT_MIN_FRACTION: f64 = 0.25;

/// The text sections that count as parts, in the order a reader meets them, by their key
/// (the record's field name). The title is the heading of them all, not a section.
fn sections(r: &PracticeRecord) -> [(&'static str, &Translations); 6] {
    [
        ("summary", &r.summary),
        ("description", &r.description),
        ("impact", &r.impact),
        ("lessons_learned", &r.lessons_learned),
        ("challenges", &r.challenges),
        ("replication", &r.replication),
    ]
}

/// The part keys of a version: the text sections present, then `attachment:<n>` for each
/// medium in attachment order.
pub fn parts(r: &PracticeRecord) -> Vec<String> {
    let mut keys: Vec<String> = sections(r)
        .into_iter()
        .filter(|(_, t)| own_text(t, r).is_some())
        .map(|(k, _)| k.to_string())
        .collect();
    keys.extend((0..r.media.len()).map(|n| format!("attachment:{n}")));
    keys
}

/// Words of the text sections in the original language (attachments count none).
pub fn words(r: &PracticeRecord) -> usize {
    sections(r)
        .into_iter()
        .filter_map(|(_, t)| own_text(t, r))
        .map(|text| sanitize::strip_tags(text).split_whitespace().count())
        .sum()
}

/// The least time, in milliseconds, between the first part opened and the last for a
/// reading of `r` to be complete: `fraction` of its estimated reading time.
pub fn min_span_ms(r: &PracticeRecord, fraction: f64) -> i64 {
    let minutes = words(r) as f64 / WORDS_PER_MINUTE;
    (minutes * 60_000.0 * fraction.max(0.0)).ceil() as i64
}

/// What a reader opened of one version: each part once, with the first and last time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Opened {
    pub parts: Vec<String>,
    pub first_ms: Option<i64>,
    pub last_ms: Option<i64>,
}

/// Whether `opened` covers every part of `all` over at least `min_span_ms`.
pub fn is_complete(all: &[String], opened: &Opened, min_span_ms: i64) -> bool {
    let every = all.iter().all(|k| opened.parts.contains(k));
    let span = match (opened.first_ms, opened.last_ms) {
        (Some(a), Some(b)) => b - a,
        _ => return all.is_empty() && min_span_ms <= 0,
    };
    every && span >= min_span_ms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::practice_examples::example_participatory_budgeting;

    #[test]
    fn parts_are_the_sections_present_then_the_attachments() {
        let mut r = example_participatory_budgeting();
        let keys = parts(&r);
        assert_eq!(keys[0], "summary");
        assert!(keys.contains(&"description".to_string()));
        let media = r.media.len();
        assert!(media > 0);
        assert_eq!(keys.last().unwrap(), &format!("attachment:{}", media - 1));
        r.challenges.clear();
        assert!(!parts(&r).contains(&"challenges".to_string()));
    }

    #[test]
    fn reading_time_floor() {
        let r = example_participatory_budgeting();
        let w = words(&r);
        assert!(w > 50, "{w}");
        let floor = min_span_ms(&r, 0.25);
        assert_eq!(floor, (w as f64 / 240.0 * 60_000.0 * 0.25).ceil() as i64);
        assert_eq!(min_span_ms(&r, 0.0), 0);

        let all = parts(&r);
        let at_once = Opened {
            parts: all.clone(),
            first_ms: Some(1000),
            last_ms: Some(1000),
        };
        assert!(!is_complete(&all, &at_once, floor), "all keys at once");
        assert!(is_complete(&all, &at_once, 0), "no floor");
        let slow = Opened {
            last_ms: Some(1000 + floor),
            ..at_once.clone()
        };
        assert!(is_complete(&all, &slow, floor));
        let missing = Opened {
            parts: all[1..].to_vec(),
            ..slow
        };
        assert!(!is_complete(&all, &missing, floor), "a part unopened");
    }
}
