//! Real fediverse peers nobody here wrote (bovine-herd from PyPI, Fedify from npm), installed
//! by the test set-up itself (pinned versions, see `peers/*/`) and run as child processes.

use std::{path::PathBuf, process::Stdio, sync::Mutex, time::Duration};

use serde_json::Value;
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, ChildStdin, Command},
};
use url::Url;

use crate::free_port;

pub(crate) fn peers_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peers")
}

/// Where installed peers are kept: outside the checkout, so a fresh clone reuses them
/// (`PRASSI_PEERS_CACHE`, else `~/.cache/prassi-peers`, else `federation-tests/.peers`).
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PRASSI_PEERS_CACHE") {
        return PathBuf::from(dir);
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".cache/prassi-peers"),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".peers"),
    }
}

/// Serialises installs within one test binary (the scripts also lock across processes).
static INSTALL: Mutex<()> = Mutex::new(());

pub(crate) fn run_setup(cmd: &mut std::process::Command, what: &str) {
    let _g = INSTALL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run the {what} set-up: {e}"));
    assert!(
        out.status.success(),
        "{what} set-up failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Installs bovine-herd into a venv (once; later calls return at once) and returns the venv.
pub fn install_bovine() -> PathBuf {
    let venv = cache_dir().join("bovine-venv");
    run_setup(
        std::process::Command::new("bash")
            .arg(peers_dir().join("bovine/setup.sh"))
            .arg(&venv),
        "bovine",
    );
    venv
}

/// Installs the Fedify peer's npm packages from its lockfile into the cache (once per
/// lockfile) beside a fresh copy of its scripts; returns the directory to run it from.
pub fn install_fedify() -> PathBuf {
    let dir = cache_dir().join("fedify");
    run_setup(
        std::process::Command::new("bash")
            .arg(peers_dir().join("fedify/setup.sh"))
            .arg(&dir),
        "Fedify",
    );
    dir
}

/// Reads the child's stdout until a line starting with `prefix`, bounded by `timeout`.
async fn wait_line(child: &mut Child, prefix: &str, timeout: Duration, what: &str) -> String {
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let found = tokio::time::timeout(timeout, async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(rest) = line.strip_prefix(prefix) {
                return Some(rest.trim().to_string());
            }
        }
        None
    })
    .await;
    match found {
        Ok(Some(rest)) => {
            // Keep draining so the child never blocks on a full pipe.
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            rest
        }
        Ok(None) => panic!("{what} exited before it was ready"),
        Err(_) => panic!("{what} was not ready within {timeout:?}"),
    }
}

/// The JSON control API of a peer, under `base`; every call must succeed.
struct Control(Url);

impl Control {
    async fn call(&self, method: reqwest::Method, url: Url, body: Option<Value>) -> Value {
        let mut req = reqwest::Client::new().request(method, url.clone());
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
        let status = resp.status();
        let v: Value = resp.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{url} answered {status}: {v}");
        v
    }

    async fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, self.0.join(path).expect("url"), None)
            .await
    }

    /// `POST path {"target": target}`.
    async fn post_target(&self, path: &str, target: &str) -> Value {
        let body = serde_json::json!({ "target": target });
        self.call(
            reqwest::Method::POST,
            self.0.join(path).expect("url"),
            Some(body),
        )
        .await
    }

    async fn list(&self, path: &str) -> Vec<Value> {
        self.get(path).await.as_array().cloned().unwrap_or_default()
    }

    async fn strings(&self, path: &str) -> Vec<String> {
        self.list(path)
            .await
            .iter()
            .filter_map(|s| s.as_str().map(String::from))
            .collect()
    }
}

/// A bovine-herd server with one user, driven through its control API.
pub struct BovinePeer {
    pub actor: Url,
    pub info: Value,
    control: Control,
    child: Child,
    _stdin: ChildStdin,
    _dir: tempfile::TempDir,
}

impl BovinePeer {
    pub async fn start() -> Self {
        let venv = install_bovine();
        let dir = tempfile::tempdir().expect("tempdir");
        let mut child = Command::new(venv.join("bin/python"))
            .arg(peers_dir().join("bovine/peer.py"))
            .args(["--port", &free_port().to_string(), "--quiet", "--workdir"])
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn bovine peer");
        let stdin = child.stdin.take().expect("stdin");
        let ready = wait_line(&mut child, "READY ", Duration::from_secs(90), "bovine peer").await;
        let info: Value = serde_json::from_str(&ready).expect("READY json");
        let actor = Url::parse(info["actor"].as_str().expect("actor")).expect("actor url");
        let control = Control(
            Url::parse(info["control_url"].as_str().expect("control_url")).expect("control url"),
        );
        BovinePeer {
            actor,
            info,
            control,
            child,
            _stdin: stdin,
            _dir: dir,
        }
    }

    pub async fn follow(&self, target: &str) -> Value {
        self.control.post_target("follow", target).await
    }

    /// Posts a `Create(Note)` through the user's outbox (`content`, `to`, `cc`,
    /// `inReplyTo`, `tag` as given); bovine delivers it to the actors addressed.
    pub async fn note(&self, body: Value) -> Value {
        let url = self.control.0.join("note").expect("url");
        self.control
            .call(reqwest::Method::POST, url, Some(body))
            .await
    }

    /// The user's inbox, newest first, in bovine's stored form.
    pub async fn inbox(&self) -> Vec<Value> {
        self.control.list("inbox").await
    }

    pub async fn followers(&self) -> Vec<String> {
        self.control.strings("followers").await
    }

    pub async fn following(&self) -> Vec<String> {
        self.control.strings("following").await
    }

    /// An object from bovine's store, as bovine parsed and kept it.
    pub async fn object(&self, id: &str) -> Value {
        let mut url = self.control.0.join("object").expect("url");
        url.query_pairs_mut().append_pair("id", id);
        self.control.call(reqwest::Method::GET, url, None).await
    }

    /// Raw POSTs its inboxes received, oldest first, with the verified signer.
    pub async fn received(&self) -> Value {
        self.control.get("received").await
    }

    /// The peer's log file (every request with headers, bovine's warnings).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("peer.log")).unwrap_or_default()
    }
}

impl Drop for BovinePeer {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// A Fedify-based peer with one actor (`alice`), driven through its control API.
pub struct FedifyPeer {
    pub base: Url,
    pub actor: Url,
    control: Control,
    child: Child,
}

impl FedifyPeer {
    pub async fn start() -> Self {
        let dir = install_fedify();
        let mut child = Command::new("node")
            .arg("peer.mjs")
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn fedify peer");
        let port = wait_line(
            &mut child,
            "LISTENING ",
            Duration::from_secs(60),
            "Fedify peer",
        )
        .await;
        let base = Url::parse(&format!("http://localhost:{port}/")).expect("url");
        let control = Control(base.join("control/").expect("url"));
        let me = control.get("actor").await;
        let actor = Url::parse(me["id"].as_str().expect("id")).expect("actor url");
        FedifyPeer {
            base,
            actor,
            control,
            child,
        }
    }

    pub async fn follow(&self, target: &str) -> Value {
        self.control.post_target("follow", target).await
    }

    pub async fn unfollow(&self, target: &str) -> Value {
        self.control.post_target("unfollow", target).await
    }

    // -- comments
    /// Sends alice's `Create(Note)` (`content`, `inReplyTo`, `to`, `cc`, `tag` as given) to
    /// the actors addressed; returns `{"id": note id, "create": activity id}`.
    pub async fn note(&self, body: Value) -> Value {
        let url = self.control.0.join("note").expect("url");
        self.control
            .call(reqwest::Method::POST, url, Some(body))
            .await
    }

    /// Activities received, in arrival order, as Fedify parsed them.
    pub async fn received(&self) -> Vec<Value> {
        self.control.list("received").await
    }

    pub async fn followers(&self) -> Vec<String> {
        self.control.strings("followers").await
    }
}

impl FedifyPeer {
    /// Sends a `Like` of `object` (a practice) to `target` (its organisation).
    pub async fn like(&self, object: &str, target: &str) -> Value {
        let body = serde_json::json!({ "object": object, "target": target });
        self.control
            .call(
                reqwest::Method::POST,
                self.control.0.join("like").expect("url"),
                Some(body),
            )
            .await
    }
}

impl BovinePeer {
    /// Sends a `Like` of `object` (a practice) addressed to `to` (its organisation).
    pub async fn like(&self, object: &str, to: &str) -> Value {
        let body = serde_json::json!({ "object": object, "to": [to] });
        self.control
            .call(
                reqwest::Method::POST,
                self.control.0.join("like").expect("url"),
                Some(body),
            )
            .await
    }
}

impl Drop for FedifyPeer {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}
