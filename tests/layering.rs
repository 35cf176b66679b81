//! Calls run one way: `main → app → api | web → service → federation → state → db → domain`
//! (the project's design notes, "Direction of calls"; the README's "Layout"). This test reads every `src/**/*.rs`, finds each
//! `crate::` path (in `use` trees, grouped or not, and inline), and checks it against that
//! rule; a violation is reported by file and line. The checker is itself tested on small
//! fixture sources below, one of them with a reversed import.

use std::path::{Path, PathBuf};

/// The layers, from the top. A module may import any layer after its own, never one before.
const LAYERS: &[&[&str]] = &[
    &["main"],
    &["app"],
    &["api", "web"],
    &["service"],
    &["federation"],
    &["state"],
    &["db"],
    &["domain"],
];

/// Helpers below everything that uses them: anyone may import them, and they import only
/// each other, `db` and `domain`.
const BASE: &[&str] = &["config", "error", "crypto", "metrics", "sync", "http_util"];

/// Parts of a layer held to a narrower rule: (module path, what it may import besides
/// itself). Wire formats know nothing of storage, state or behaviour.
const NARROW: &[(&str, &[&str])] = &[
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
struct Violation {
    file: String,
    line: usize,
    from: String,
    to: String,
    why: String,
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

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Why `from` (a module path such as `federation::inbox`) may not import `to`, if it may not.
fn refusal(from: &str, to: &str) -> Option<String> {
    layer_refusal(from, to).or_else(|| narrow_refusal(from, to))
}

/// Why the layers forbid `from` to import `to`.
fn layer_refusal(from: &str, to: &str) -> Option<String> {
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
fn narrow_refusal(from: &str, to: &str) -> Option<String> {
    NARROW.iter().find_map(|(part, allowed)| {
        let inside = |p: &str| p == *part || p.starts_with(&format!("{part}::"));
        (inside(from) && !inside(to) && !allowed.contains(&top(to).as_str()))
            .then(|| format!("`{part}` may import only {allowed:?}"))
    })
}

fn top(path: &str) -> String {
    path.split("::").next().unwrap_or_default().to_string()
}

/// Blanks comments, string and character literals (keeping line breaks), so that only code
/// is scanned.
fn code_only(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&b, i) {
            // Raw string: r"…", r#"…"#, …
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let body_start = j + 1;
            let rest: String = b[body_start..].iter().collect();
            let end = rest
                .find(&close)
                .map(|k| body_start + rest[..k].chars().count() + close.len())
                .unwrap_or(b.len());
            for ch in &b[i..end] {
                out.push(blank(*ch));
            }
            i = end;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && is_char_literal(&b, i) {
            let mut j = i + 1;
            if b.get(j) == Some(&'\\') {
                j += 1;
            }
            j += 1;
            while j < b.len() && b[j] != '\'' {
                j += 1;
            }
            for _ in i..=j.min(b.len() - 1) {
                out.push(' ');
            }
            i = j + 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(b: &[char], i: usize) -> bool {
    i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_')
}

/// `'x'` or `'\n'`, as opposed to a lifetime `'a`.
fn is_char_literal(b: &[char], i: usize) -> bool {
    matches!(
        (b.get(i + 1), b.get(i + 2)),
        (Some('\\'), _) | (Some(_), Some('\''))
    )
}

/// Every path a source names after `crate::` (or after the crate's name, as `main.rs` names
/// the library), with its line: `crate::{a::{b, c}, d}` yields `a::b`, `a::c` and `d`. Paths
/// after `super::` are resolved against `module`, the path of the file's own module, so
/// `super::super::web::x` in `federation/activities/follow.rs` is `federation::web` and
/// `super::x` in `db/queue.rs` is `db::x`. A glob `crate::*` yields `*`.
fn imported_paths(src: &str, roots: &[&str], module: &str) -> Vec<(usize, String)> {
    let code = code_only(src);
    let chars: Vec<char> = code.chars().collect();
    let starts_at = |i: usize, word: &str| {
        let pat: Vec<char> = format!("{word}::").chars().collect();
        chars[i..].starts_with(&pat)
            && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'))
            && !(i > 0 && chars[i - 1] == ':')
    };
    let mut found = Vec::new();
    // Inline modules (`mod tests { … }`) open a module inside the file's: (name, brace depth).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < chars.len() {
        if let Some(r) = roots.iter().find(|r| starts_at(i, r)) {
            let mut j = i + r.len() + 2;
            tree(&chars, &mut j, String::new(), &mut found);
            i = j.max(i + 1);
        } else if starts_at(i, "super") {
            let mut base: Vec<&str> = module.split("::").filter(|p| !p.is_empty()).collect();
            base.extend(inline.iter().map(|(n, _)| n.as_str()));
            let mut j = i;
            while j < chars.len() && chars[j..].starts_with(&['s', 'u', 'p', 'e', 'r', ':', ':']) {
                base.pop();
                j += 7;
            }
            tree(&chars, &mut j, base.join("::"), &mut found);
            i = j.max(i + 1);
        } else if let Some((name, open)) = inline_module(&chars, i) {
            depth += 1;
            inline.push((name, depth));
            i = open + 1;
        } else {
            match chars[i] {
                '{' => depth += 1,
                '}' => {
                    if inline.last().is_some_and(|(_, d)| *d == depth) {
                        inline.pop();
                    }
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            }
            i += 1;
        }
    }
    found
}

/// `mod name {` at `i`: the module's name and where its brace is.
fn inline_module(c: &[char], i: usize) -> Option<(String, usize)> {
    if !c[i..].starts_with(&['m', 'o', 'd', ' '])
        || (i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_'))
    {
        return None;
    }
    let mut j = i + 4;
    skip_ws(c, &mut j);
    let mut name = String::new();
    while let Some(ch) = c.get(j).filter(|ch| ch.is_alphanumeric() || **ch == '_') {
        name.push(*ch);
        j += 1;
    }
    skip_ws(c, &mut j);
    (!name.is_empty() && c.get(j) == Some(&'{')).then_some((name, j))
}

/// Reads a use tree at `*j` (after `prefix::`) and records the paths it names.
fn tree(c: &[char], j: &mut usize, prefix: String, out: &mut Vec<(usize, String)>) {
    skip_ws(c, j);
    if c.get(*j) == Some(&'{') {
        *j += 1;
        loop {
            skip_ws(c, j);
            match c.get(*j) {
                None => return,
                Some('}') => {
                    *j += 1;
                    return;
                }
                Some(',') => *j += 1,
                Some(_) => {
                    let before = *j;
                    tree(c, j, prefix.clone(), out);
                    if *j == before {
                        *j += 1;
                    }
                }
            }
        }
    }
    let at = *j;
    if c.get(*j) == Some(&'*') {
        *j += 1;
        let glob = if prefix.is_empty() {
            "*".to_string()
        } else {
            format!("{prefix}::*")
        };
        out.push((line_of(c, at), glob));
        return;
    }
    let mut name = String::new();
    while let Some(ch) = c.get(*j) {
        if ch.is_alphanumeric() || *ch == '_' {
            name.push(*ch);
            *j += 1;
        } else {
            break;
        }
    }
    if name.is_empty() {
        return;
    }
    let path = if prefix.is_empty() {
        name
    } else {
        format!("{prefix}::{name}")
    };
    if c.get(*j) == Some(&':') && c.get(*j + 1) == Some(&':') {
        *j += 2;
        let depth = path.matches("::").count();
        if depth >= 1 {
            // Two segments are enough to place a path (`federation::protocol`).
            out.push((line_of(c, at), path.clone()));
            skip_tree(c, j);
            return;
        }
        tree(c, j, path, out);
    } else {
        out.push((line_of(c, at), path));
        // `name as alias`
        skip_tree(c, j);
    }
}

/// Line of position `j` in the scanned text.
fn line_of(c: &[char], j: usize) -> usize {
    1 + c[..j.min(c.len())].iter().filter(|x| **x == '\n').count()
}

/// Skips the rest of a path or use tree: names, `::`, `as alias` and braced groups, up to
/// whatever ends it (a comma, a closing brace, a parenthesis, …).
fn skip_tree(c: &[char], j: &mut usize) {
    let mut depth = 0;
    while let Some(ch) = c.get(*j) {
        match ch {
            '{' => depth += 1,
            '}' if depth == 0 => return,
            '}' => depth -= 1,
            '*' | ':' | '_' => {}
            ch if ch.is_alphanumeric() || ch.is_whitespace() => {}
            _ if depth > 0 => {}
            _ => return,
        }
        *j += 1;
    }
}

fn skip_ws(c: &[char], j: &mut usize) {
    while c.get(*j).is_some_and(|ch| ch.is_whitespace()) {
        *j += 1;
    }
}

/// The module path of a file under `src/`: `src/federation/activities/follow.rs` is
/// `federation::activities::follow`, `src/db/mod.rs` is `db`.
fn module_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// Checks one source file (`rel` is its path under `src/`).
fn check_source(rel: &Path, src: &str) -> Vec<Violation> {
    let module = module_of(rel);
    if module == "lib" {
        return Vec::new();
    }
    let roots: &[&str] = if module == "main" {
        &["crate", "prassi"]
    } else {
        &["crate", "$crate"]
    };
    imported_paths(src, roots, &module)
        .into_iter()
        .filter_map(|(line, to)| {
            refusal(&module, &to).map(|why| Violation {
                file: format!("src/{}", rel.display()),
                line,
                from: module.clone(),
                to,
                why,
            })
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_import_runs_down_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20, "the sources were not found");
    let mut scanned = 0;
    let mut violations = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        let rel = f.strip_prefix(&src).expect("under src");
        scanned += imported_paths(&text, &["crate", "prassi"], "").len();
        violations.extend(check_source(rel, &text));
    }
    assert!(
        scanned > 100,
        "only {scanned} imports found: the scanner is broken"
    );
    let report: Vec<String> = violations.iter().map(ToString::to_string).collect();
    assert!(
        report.is_empty(),
        "{} imports run against the layers:\n{}",
        report.len(),
        report.join("\n")
    );
}

#[test]
fn a_reversed_import_is_reported_by_file_and_line() {
    let src = "//! A db module.\n\nuse crate::{\n    domain::practice::PracticeRecord,\n    service::practices::summary_of,\n};\n";
    let v = check_source(Path::new("db/practices.rs"), src);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].file, "src/db/practices.rs");
    assert_eq!(v[0].line, 5);
    assert_eq!(v[0].to, "service::practices");
    assert_eq!(
        v[0].to_string(),
        "src/db/practices.rs:5: `db::practices` imports `service::practices`: `service` is above `db`"
    );
}

#[test]
fn allowed_imports_pass_and_every_spelling_is_seen() {
    let src = r##"
use crate::{db::{self, actors}, domain, error::AppError};
use crate::config::Config;
fn f() { let _ = crate::state::lock; crate::db::now(); }
// crate::web::nothing in a comment
const S: &str = "crate::web::nothing in a string";
const R: &str = r#"crate::web::nothing in a raw string"#;
fn g<'a>(x: &'a str) -> char { let _ = x; 'c' }
"##;
    assert!(check_source(Path::new("federation/inbox.rs"), src).is_empty());
    let paths: Vec<String> = imported_paths(src, &["crate"], "federation::inbox")
        .into_iter()
        .map(|p| p.1)
        .collect();
    assert_eq!(
        paths,
        [
            "db::self",
            "db::actors",
            "domain",
            "error::AppError",
            "config::Config",
            "state::lock",
            "db::now"
        ]
    );
}

#[test]
fn each_rule_refuses_what_it_should() {
    let check = |file: &str, src: &str| check_source(Path::new(file), src);
    // Sideways between api and web.
    assert_eq!(check("api/mod.rs", "use crate::web::home;").len(), 1);
    // A helper reaching up.
    assert_eq!(check("metrics.rs", "use crate::state::AppData;").len(), 1);
    assert!(check("metrics.rs", "use crate::db::queue;").is_empty());
    // Wire formats know no storage.
    assert_eq!(
        check(
            "federation/protocol/article.rs",
            "use crate::db::practices;"
        )
        .len(),
        1
    );
    assert!(check(
        "federation/protocol/article.rs",
        "use crate::federation::protocol::context;"
    )
    .is_empty());
    // The domain imports nothing else.
    assert_eq!(
        check("domain/practice/mod.rs", "use crate::error::AppError;").len(),
        1
    );
    // main names the library by its crate name.
    assert!(check("main.rs", "use prassi::{app, db::Db};").is_empty());
    // Macro bodies name the crate as $crate.
    assert_eq!(check("db/query.rs", "$crate::service::x()").len(), 1);
    // A module outside every layer is refused until the rule names it.
    assert_eq!(check("newthing.rs", "use crate::db::Db;").len(), 1);
    // `super::` paths are resolved: reaching up out of the layer is seen...
    let up = check(
        "federation/activities/follow.rs",
        "use super::super::super::web::home;",
    );
    assert_eq!(up.len(), 1, "{up:?}");
    assert_eq!(up[0].to, "web::home");
    // ...and so is stepping out of the wire formats into their neighbours.
    assert_eq!(
        check(
            "federation/protocol/objects/article.rs",
            "use super::super::super::objects::x;"
        )
        .len(),
        1
    );
    assert!(check("db/queue.rs", "use super::{query::execute, Db};").is_empty());
    // A glob of the whole crate names nothing that can be checked: refused.
    assert_eq!(check("service/x.rs", "use crate::*;").len(), 1);
    // Storage imports the domain only.
    assert_eq!(check("db/x.rs", "use crate::metrics::Metrics;").len(), 1);
}
