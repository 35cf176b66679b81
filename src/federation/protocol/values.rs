//! Readers for fields that servers spell differently: an id or an object with an `id`, one
//! value or an array, a date that may be missing or malformed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use url::Url;

/// The id of a value that is a URL string or an object with an `id`.
pub fn value_id(v: &Value) -> Option<Url> {
    match v {
        Value::String(s) => Url::parse(s).ok(),
        Value::Object(o) => o
            .get("id")
            .and_then(Value::as_str)
            .and_then(|s| Url::parse(s).ok()),
        _ => None,
    }
}

/// The first URL in a value that is a string, a Link, or an array of them.
pub fn first_href(v: &Value) -> Option<Url> {
    match v {
        Value::String(s) => Url::parse(s).ok(),
        Value::Object(o) => o.get("href").or_else(|| o.get("url")).and_then(first_href),
        Value::Array(a) => a.iter().find_map(first_href),
        _ => None,
    }
}

/// The first id of a value that is an id, an object, or an array of them (`attributedTo`).
pub fn first_id(v: &Value) -> Option<Url> {
    match v {
        Value::Array(a) => a.iter().find_map(first_id),
        other => value_id(other),
    }
}

/// A URL, or an object with an `id`.
pub fn id_of<'de, D: Deserializer<'de>>(d: D) -> Result<Url, D::Error> {
    let v = Value::deserialize(d)?;
    value_id(&v).ok_or_else(|| serde::de::Error::custom("expected a URL or an object with an id"))
}

/// The first of one or many ids or objects (`attributedTo: [{…}, "…"]`).
pub fn first_id_of<'de, D: Deserializer<'de>>(d: D) -> Result<Url, D::Error> {
    let v = Value::deserialize(d)?;
    first_id(&v).ok_or_else(|| serde::de::Error::custom("expected an id or an array of ids"))
}

/// Like [`first_id_of`], for an optional field.
pub fn opt_first_id_of<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Url>, D::Error> {
    Ok(Option::<Value>::deserialize(d)?.as_ref().and_then(first_id))
}

/// An optional URL that may be a string, a Link, or an array of them (`url`).
pub fn lenient_url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Url>, D::Error> {
    Ok(Option::<Value>::deserialize(d)?
        .as_ref()
        .and_then(first_href))
}

/// One id or an array of them (`to`, `cc`); entries that are not URLs (`as:Public`) are kept
/// as the spelling they came in.
pub fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(String::from),
        _ => None,
    };
    Ok(match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().filter_map(one).collect(),
        Some(other) => one(&other).into_iter().collect(),
    })
}

/// A timestamp, or nothing when missing or unreadable (a bad date does not make the whole
/// object unreadable).
pub fn lenient_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(Option::<Value>::deserialize(d)?
        .as_ref()
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc)))
}

/// Text, or nothing when missing, null or not a string.
pub fn lenient_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        _ => None,
    })
}
