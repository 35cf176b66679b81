//! Reading a source as text: blanking comments and literals, and finding every path it names
//! after `crate::`, the crate's name or `super::`, with its line.

use std::path::Path;

/// Blanks comments, string and character literals (keeping line breaks), so that only code
/// is scanned.
pub(crate) fn code_only(src: &str) -> String {
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

pub(crate) fn ident_before(b: &[char], i: usize) -> bool {
    i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_')
}

/// `'x'` or `'\n'`, as opposed to a lifetime `'a`.
pub(crate) fn is_char_literal(b: &[char], i: usize) -> bool {
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
pub(crate) fn imported_paths(src: &str, roots: &[&str], module: &str) -> Vec<(usize, String)> {
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
pub(crate) fn inline_module(c: &[char], i: usize) -> Option<(String, usize)> {
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
pub(crate) fn tree(c: &[char], j: &mut usize, prefix: String, out: &mut Vec<(usize, String)>) {
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
pub(crate) fn line_of(c: &[char], j: usize) -> usize {
    1 + c[..j.min(c.len())].iter().filter(|x| **x == '\n').count()
}

/// Skips the rest of a path or use tree: names, `::`, `as alias` and braced groups, up to
/// whatever ends it (a comma, a closing brace, a parenthesis, …).
pub(crate) fn skip_tree(c: &[char], j: &mut usize) {
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

pub(crate) fn skip_ws(c: &[char], j: &mut usize) {
    while c.get(*j).is_some_and(|ch| ch.is_whitespace()) {
        *j += 1;
    }
}

/// The module path of a file under `src/`: `src/federation/activities/follow.rs` is
/// `federation::activities::follow`, `src/db/mod.rs` is `db`.
pub(crate) fn module_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}
