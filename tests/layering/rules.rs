//! The rule: the layers from the top, the helpers below them, the narrower rules of some
//! parts, and why an import breaks them.

/// The layers, from the top. A module may import any layer after its own, never one before.
pub(crate) const LAYERS: &[&[&str]] = &[
    &["main"],
    &["app"],
    &["api", "web"],
    &["service"],
    &["federation"],
    &["state"],
    &["search"],
    &["db"],
    &["domain"],
];

/// Helpers below everything that uses them: anyone may import them, and they import only
/// each other, `db` and `domain`.
pub(crate) const BASE: &[&str] = &[
    "config",
    "error",
    "crypto",
    "metrics",
    "sync",
    "http_util",
    "throttle",
];

/// Parts of a layer held to a narrower rule: (module path, what it may import besides
/// itself). Wire formats know nothing of storage, state or behaviour.
pub(crate) const NARROW: &[(&str, &[&str])] = &[
    (
        "federation::protocol",
        &["domain", "config", "error", "sync"],
    ),
    ("domain", &[]),
    // Storage knows the domain and nothing else, so no helper that reads it can be read by it.
    ("db", &["domain"]),
];

/// One import that breaks the rule.
#[derive(Debug, PartialEq)]
pub(crate) struct Violation {
    pub file: String,
    pub line: usize,
    pub from: String,
    pub to: String,
    pub why: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: `{}` imports `{}`: {}",
            self.file, self.line, self.from, self.to, self.why
        )
    }
}

pub(crate) fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Why `from` (a module path such as `federation::inbox`) may not import `to`, if it may not.
pub(crate) fn refusal(from: &str, to: &str) -> Option<String> {
    layer_refusal(from, to).or_else(|| narrow_refusal(from, to))
}

/// Why the layers forbid `from` to import `to`.
pub(crate) fn layer_refusal(from: &str, to: &str) -> Option<String> {
    let (ft, tt) = (top(from), top(to));
    if ft == tt || BASE.contains(&tt.as_str()) {
        return None;
    }
    if BASE.contains(&ft.as_str()) {
        return (tt != "db" && tt != "domain")
            .then(|| format!("`{ft}` is a helper and may import only helpers, `db` and `domain`"));
    }
    match (rank(&ft), rank(&tt)) {
        (Some(a), Some(b)) if a == b => Some(format!("`{ft}` and `{tt}` never import each other")),
        (Some(a), Some(b)) if a > b => Some(format!("`{tt}` is above `{ft}`")),
        (Some(_), Some(_)) => None,
        (None, _) => Some(format!("`{ft}` is in no layer; add it to the rule")),
        (_, None) => Some(format!("`{tt}` is in no layer; add it to the rule")),
    }
}

/// Why a narrower rule forbids `from` to import `to`.
pub(crate) fn narrow_refusal(from: &str, to: &str) -> Option<String> {
    NARROW.iter().find_map(|(part, allowed)| {
        let inside = |p: &str| p == *part || p.starts_with(&format!("{part}::"));
        (inside(from) && !inside(to) && !allowed.contains(&top(to).as_str()))
            .then(|| format!("`{part}` may import only {allowed:?}"))
    })
}

pub(crate) fn top(path: &str) -> String {
    path.split("::").next().unwrap_or_default().to_string()
}
