//! Helpers for the open-data exports: downloading them as a harvester does, and the Python
//! checks beside the tests (`federation-tests/open_data/`), run in a venv with a pinned rdflib
//! that the test set-up installs itself (once, cached like the real peers).

use std::path::PathBuf;

use serde_json::Value;

use crate::TestInstance;

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("open_data")
}

/// Where the venv is kept: beside the peers' (`PRASSI_PEERS_CACHE`, else
/// `~/.cache/prassi-peers`, else `federation-tests/.peers`).
fn venv_dir() -> PathBuf {
    let cache = if let Some(dir) = std::env::var_os("PRASSI_PEERS_CACHE") {
        PathBuf::from(dir)
    } else if let Some(home) = std::env::var_os("HOME") {
        PathBuf::from(home).join(".cache/prassi-peers")
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".peers")
    };
    cache.join("open-data-venv")
}

/// Installs rdflib into the venv (once; later calls return at once); its python.
pub fn install_rdflib() -> PathBuf {
    let venv = venv_dir();
    let out = std::process::Command::new("bash")
        .arg(here().join("setup.sh"))
        .arg(&venv)
        .output()
        .expect("run open_data/setup.sh");
    assert!(
        out.status.success(),
        "the open-data venv set-up failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    venv.join("bin/python")
}

/// Runs `script` over `body` and the expectations; Ok(its output) when it passed, Err(its
/// output) when it failed.
fn run_check(script: &str, body: &[u8], expect: &Value) -> Result<String, String> {
    let python = install_rdflib();
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("export");
    let want = dir.path().join("expect.json");
    std::fs::write(&data, body).expect("write the export");
    std::fs::write(&want, expect.to_string()).expect("write the expectations");
    let out = std::process::Command::new(python)
        .arg(here().join(script))
        .arg(&data)
        .arg(&want)
        .output()
        .expect("run the check");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(text)
    } else {
        Err(text)
    }
}

/// The DCAT-AP_IT check (rdflib) of a JSON-LD catalogue: see `check_catalog.py`.
pub fn check_catalog(body: &[u8], expect: &Value) -> Result<String, String> {
    run_check("check_catalog.py", body, expect)
}

/// The read-back of a CSV export with Python's csv module: see `check_csv.py`.
pub fn check_csv(body: &[u8], expect: &Value) -> Result<String, String> {
    run_check("check_csv.py", body, expect)
}

/// An export as a harvester downloads it, with no token: the response's headers and body.
pub async fn download(
    inst: &TestInstance,
    path: &str,
    headers: &[(&str, &str)],
) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let mut req = reqwest::Client::new().get(inst.base.join(path).expect("url"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.expect("download the export");
    let status = resp.status();
    let h = resp.headers().clone();
    let body = resp.bytes().await.expect("read the export").to_vec();
    (status, h, body)
}
