//! Messages for people: serde's errors without the names of Rust types.

/// serde's phrases that name a Rust type, and what they say instead.
const TYPE_PHRASES: [(&str, &str); 9] = [
    ("expected struct variant ", "an object"),
    ("expected tuple variant ", "a list"),
    ("expected newtype variant ", "a value of another type"),
    ("expected unit variant ", "one of the allowed values"),
    ("expected tuple struct ", "a list"),
    ("expected newtype struct ", "a value of another type"),
    ("expected unit struct ", "null"),
    ("expected struct ", "an object"),
    ("expected enum ", "one of the allowed values"),
];

/// `message` with each `expected struct Name` (and the like) replaced by what the value
/// should look like.
pub fn without_type_names(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    'scan: while !rest.is_empty() {
        for (phrase, instead) in TYPE_PHRASES {
            if let Some(after) = rest.strip_prefix(phrase) {
                let name_len = after
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .unwrap_or(after.len());
                if name_len > 0 {
                    out.push_str("expected ");
                    out.push_str(instead);
                    rest = &after[name_len..];
                    continue 'scan;
                }
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}
