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
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=src/web");
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
    // The icons the pages use, cut out of the design system's sprite of 179: a first visit
    // loads a few kilobytes instead of 93.
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    let icons = out_dir.join("icons.svg");
    fs::write(&icons, icon_subset(&manifest)).expect("writable OUT_DIR");
    "web/icons.svg".hash(&mut hasher);
    fs::read(&icons).expect("icons").hash(&mut hasher);
    table.push_str(&format!(
        "    (\"web/icons.svg\", include_bytes!({:?})),\n",
        icons.to_string_lossy()
    ));
    let out = out_dir.join("assets.rs");
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

/// The symbols of `sprites.svg` named by an `icon("…")` call in the templates or in
/// `src/web`, as a sprite of their own. An icon the sprite does not have stops the build.
fn icon_subset(manifest: &Path) -> String {
    let mut sources = Vec::new();
    walk(&manifest.join("templates"), &mut sources);
    walk(&manifest.join("src/web"), &mut sources);
    let mut names = std::collections::BTreeSet::new();
    for file in sources {
        let text = fs::read_to_string(&file).unwrap_or_default();
        for part in text.split("icon(\"").skip(1) {
            if let Some(name) = part.split('"').next().filter(|n| n.starts_with("it-")) {
                names.insert(name.to_string());
            }
        }
    }
    let sprite =
        fs::read_to_string(manifest.join("assets/vendor/bootstrap-italia/svg/sprites.svg"))
            .expect("the design system's sprite");
    let mut out = String::from("<svg xmlns=\"http://www.w3.org/2000/svg\">");
    for name in &names {
        let start = sprite
            .find(&format!("<symbol id=\"{name}\""))
            .unwrap_or_else(|| panic!("the sprite has no icon {name}"));
        let end = start + sprite[start..].find("</symbol>").expect("a closed symbol") + 9;
        out.push_str(&sprite[start..end]);
    }
    out.push_str("</svg>");
    out
}
