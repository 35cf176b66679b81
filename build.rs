//! Build-time work: the migrations are embedded by `sqlx::migrate!` (a change to them alone must
//! rebuild), and the pages' static files (`assets/web`, `assets/vendor`) are embedded through a
//! generated table with one version for all of them, so their URLs can be cached for a year.

use std::{
    collections::hash_map::DefaultHasher,
    fs,
    hash::{Hash, Hasher},
    path::{Path, PathBuf},
};

/// The folders whose files are served under `/static/{version}/`, by their path below `assets/`.
const ASSET_ROOTS: &[&str] = &["assets/web", "assets/vendor"];

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=locales");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let mut files = Vec::new();
    for root in ASSET_ROOTS {
        println!("cargo:rerun-if-changed={root}");
        walk(&manifest.join(root), &mut files);
    }
    files.sort();
    let assets = manifest.join("assets");
    let mut hasher = DefaultHasher::new();
    let mut table = String::new();
    for file in &files {
        let rel = file
            .strip_prefix(&assets)
            .expect("under assets/")
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = fs::read(file).expect("readable asset");
        rel.hash(&mut hasher);
        bytes.hash(&mut hasher);
        table.push_str(&format!(
            "    ({rel:?}, include_bytes!({:?})),\n",
            file.to_string_lossy()
        ));
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("assets.rs");
    let code = format!(
        "/// Changes whenever any embedded file does.\npub const VERSION: &str = \"{:012x}\";\n\
         /// Every embedded file, by its path below `assets/`.\n\
         pub static FILES: &[(&str, &[u8])] = &[\n{table}];\n",
        hasher.finish() & 0xffff_ffff_ffff
    );
    fs::write(out, code).expect("writable OUT_DIR");
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}
