//! Calls run one way: `main → app → api | web → service → federation → state → db → domain`
//! (the project's design notes, "Direction of calls"; the README's "Layout"). This test reads
//! every `src/**/*.rs`, finds each `crate::` path (in `use` trees, grouped or not, and inline)
//! and each `super::` path, and checks it against that rule ([`rules`]); a violation is
//! reported by file and line. The reading is in [`scan`]. The checker is itself tested on
//! small fixture sources below, one of them with a reversed import.

mod rules;
mod scan;

use std::path::{Path, PathBuf};

use rules::{refusal, Violation};
use scan::{imported_paths, module_of};

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
