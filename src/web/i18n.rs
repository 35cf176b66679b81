//! The pages' languages: Italian by default, and English. Every string of the pages is in the
//! Fluent catalogs `locales/{it,en}/prassi.ftl`, embedded at compile time. The language is the
//! one the visitor chose with the switch (a cookie), else the first of `Accept-Language` we
//! have, else Italian.

use std::{borrow::Cow, collections::HashMap, sync::LazyLock};

use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use fluent_templates::{fluent_bundle::FluentValue, LanguageIdentifier, Loader};
use serde::Deserialize;

use crate::state::Fed;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "it",
        // No Unicode isolation marks around arguments: they would show in `<title>` and in
        // attribute values.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The cookie that keeps the visitor's choice, for a year.
pub const COOKIE: &str = "prassi_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    It,
    En,
}

static IT: LazyLock<LanguageIdentifier> =
    LazyLock::new(|| "it".parse().expect("a valid language tag"));
static EN: LazyLock<LanguageIdentifier> =
    LazyLock::new(|| "en".parse().expect("a valid language tag"));

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::It, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::It => "it",
            Lang::En => "en",
        }
    }

    /// The language's name in itself, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::It => "Italiano",
            Lang::En => "English",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "it" => Some(Lang::It),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of a request: the cookie, else `Accept-Language`, else Italian.
    pub fn of_request(headers: &HeaderMap) -> Lang {
        cookie(headers, COOKIE)
            .and_then(Lang::from_code)
            .or_else(|| from_accept_language(headers))
            .unwrap_or_default()
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::It => &IT,
            Lang::En => &EN,
        }
    }

    /// The message `key` in this language.
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// The message `key` with its arguments (`{ $name }` in the catalog).
    pub fn t_with(self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'static>> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
            .collect();
        LOCALES.lookup_with_args(self.id(), key, &args)
    }
}

/// The value of one cookie of a request.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// The best of our languages in `Accept-Language`, by quality then order.
fn from_accept_language(headers: &HeaderMap) -> Option<Lang> {
    let value = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut best: Option<(f32, Lang)> = None;
    for item in value.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let Some(lang) = Lang::from_code(tag) else {
            continue;
        };
        if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

/// Where the switch sends the visitor back: a path of this site only.
#[derive(Deserialize)]
pub struct Back {
    back: Option<String>,
}

/// `GET /lang/{code}?back=/path`: remembers the choice and goes back to the page, in that
/// language. A link, so it works without JavaScript.
pub async fn switch(
    State(fed): State<Fed>,
    Path(code): Path<String>,
    Query(q): Query<Back>,
) -> Response {
    let Some(lang) = Lang::from_code(&code) else {
        return (StatusCode::NOT_FOUND, "no such language").into_response();
    };
    let back = q
        .back
        .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
        .unwrap_or_else(|| "/".to_string());
    let secure = if fed.to_request_data().config.public_url.scheme() == "https" {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        lang.code()
    );
    let mut res = StatusCode::SEE_OTHER.into_response();
    let h = res.headers_mut();
    if let (Ok(loc), Ok(c)) = (HeaderValue::from_str(&back), HeaderValue::from_str(&cookie)) {
        h.insert(header::LOCATION, loc);
        h.insert(header::SET_COOKIE, c);
    }
    res
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn keys(lang: &str) -> BTreeSet<String> {
        let path = format!("{}/locales/{lang}/prassi.ftl", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("catalog");
        text.lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
            .collect()
    }

    /// Fluent refuses a catalog that defines a message twice (every page would fail): branches
    /// that each add a section must not both add the same key.
    #[test]
    fn no_catalog_defines_a_key_twice() {
        for lang in ["it", "en"] {
            let path = format!("{}/locales/{lang}/prassi.ftl", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).expect("catalog");
            let mut seen = BTreeSet::new();
            for key in text
                .lines()
                .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
                .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim()))
            {
                assert!(seen.insert(key), "{lang}: `{key}` is defined twice");
            }
        }
        // And the bundles load.
        for lang in Lang::ALL {
            assert!(!lang.t("nav-home").is_empty());
        }
    }

    #[test]
    fn both_catalogs_have_the_same_keys() {
        let (it, en) = (keys("it"), keys("en"));
        assert!(it.len() > 20, "{} keys", it.len());
        let only_it: Vec<_> = it.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&it).collect();
        assert!(
            only_it.is_empty() && only_en.is_empty(),
            "only in Italian: {only_it:?}; only in English: {only_en:?}"
        );
    }

    /// Every `t("key")` and `t_with("key", …)` in the templates and the web code names a
    /// message of the catalogs.
    #[test]
    fn every_key_the_pages_use_is_in_the_catalogs() {
        let it = keys("it");
        let root = env!("CARGO_MANIFEST_DIR");
        let mut missing = Vec::new();
        let mut used = 0;
        let mut files = Vec::new();
        for dir in ["templates", "src/web"] {
            collect(&std::path::Path::new(root).join(dir), &mut files);
        }
        for file in files {
            let text = std::fs::read_to_string(&file).expect("readable");
            // Method calls only: `page.t("…")`, `lang.t_with("…", …)`.
            for marker in [".t(\"", ".t1(\"", ".tn(\"", ".t_with(\""] {
                for (i, _) in text.match_indices(marker) {
                    let rest = &text[i + marker.len()..];
                    let key = &rest[..rest.find('"').unwrap_or(0)];
                    let id_like = key
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                    if key.is_empty() || !id_like {
                        continue;
                    }
                    used += 1;
                    if !it.contains(key) {
                        missing.push(format!("{}: {key}", file.display()));
                    }
                }
            }
        }
        assert!(used > 10, "found only {used} uses");
        assert!(missing.is_empty(), "not in the catalogs: {missing:#?}");
    }

    fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                collect(&p, out);
            } else {
                out.push(p);
            }
        }
    }

    #[test]
    fn messages_are_translated_and_take_arguments() {
        assert_eq!(Lang::It.t("nav-search"), "Cerca");
        assert_eq!(Lang::En.t("nav-search"), "Search");
        let s = Lang::En.t_with("page-of", &[("page", 2.into()), ("pages", 5.into())]);
        assert_eq!(s, "Page 2 of 5");
    }

    #[test]
    fn the_language_comes_from_the_cookie_then_the_browser() {
        let h = |pairs: &[(header::HeaderName, &str)]| {
            let mut m = HeaderMap::new();
            for (k, v) in pairs {
                m.append(k.clone(), HeaderValue::from_str(v).unwrap());
            }
            m
        };
        assert_eq!(Lang::of_request(&HeaderMap::new()), Lang::It);
        assert_eq!(
            Lang::of_request(&h(&[(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9,it;q=0.5")])),
            Lang::En
        );
        assert_eq!(
            Lang::of_request(&h(&[(
                header::ACCEPT_LANGUAGE,
                "de-DE, it;q=0.3, en;q=0.7"
            )])),
            Lang::En
        );
        assert_eq!(
            Lang::of_request(&h(&[(header::ACCEPT_LANGUAGE, "fr, de")])),
            Lang::It
        );
        assert_eq!(
            Lang::of_request(&h(&[
                (header::ACCEPT_LANGUAGE, "en"),
                (header::COOKIE, "a=b; prassi_lang=it")
            ])),
            Lang::It
        );
    }
}
