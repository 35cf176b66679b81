//! A browser for the web tests: a reqwest client that keeps cookies (as a browser does, by
//! name), does not follow redirections (the tests look at them), and reads form fields out
//! of pages; and the local SMTP sink (Python's aiosmtpd, installed by the tests themselves
//! into the peers' cache) whose messages the tests read.

use std::{collections::BTreeMap, path::PathBuf, process::Stdio, sync::Mutex, time::Duration};

use reqwest::header::{HeaderMap, COOKIE, SET_COOKIE};
use tokio::io::{AsyncBufReadExt, BufReader};
use url::Url;

use crate::eventually;

/// One answer: status, headers, body.
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    /// The `Location` of a redirection.
    pub fn location(&self) -> String {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }

    /// The `Set-Cookie` lines.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect()
    }

    /// The value of the hidden input `name` (the first one).
    pub fn field(&self, name: &str) -> Option<String> {
        field(&self.body, name)
    }
}

/// The value of the first `<input … name="NAME" … value="…">` of a page.
pub fn field(body: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\"");
    body.split("<input").skip(1).find_map(|tag| {
        let tag = tag.split('>').next()?;
        if !tag.contains(&needle) {
            return None;
        }
        let v = tag.split("value=\"").nth(1)?.split('"').next()?;
        Some(
            v.replace("&amp;", "&")
                .replace("&#x2f;", "/")
                .replace("&#47;", "/"),
        )
    })
}

/// A page as a browser with nobody signed in asks for it (in `lang`, by
/// `Accept-Language`, when given); its status and body.
pub async fn page(
    inst: &crate::TestInstance,
    path: &str,
    lang: Option<&str>,
) -> (reqwest::StatusCode, String) {
    let mut req = reqwest::Client::new()
        .get(inst.base.join(path).expect("url"))
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    if let Some(l) = lang {
        req = req.header("accept-language", l);
    }
    let res = req.send().await.expect("page");
    let status = res.status();
    (status, res.text().await.expect("body"))
}

/// A cookie-keeping client of one site.
pub struct Browser {
    pub base: Url,
    http: reqwest::Client,
    pub cookies: Mutex<BTreeMap<String, String>>,
}

impl Browser {
    pub fn new(base: &Url) -> Self {
        Self {
            base: base.clone(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: Mutex::new(BTreeMap::new()),
        }
    }

    /// Logs in as `user` through the log-in form; the answer of its POST.
    pub async fn log_in(&self, user: &str, password: &str, next: &str) -> Answer {
        let form = self.get(&format!("/login?next={next}")).await;
        assert_eq!(form.status, 200, "{}", form.body);
        let csrf = form.field("csrf").expect("the log-in form's token");
        self.post(
            "/login",
            &[
                ("username", user),
                ("password", password),
                ("csrf", &csrf),
                ("next", next),
            ],
        )
        .await
    }

    /// The `Cookie` header this client sends.
    pub fn cookie_header(&self) -> String {
        let jar = self.cookies.lock().expect("jar");
        jar.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&self, headers: &HeaderMap) {
        let mut jar = self.cookies.lock().expect("jar");
        for v in headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            let first = v.split(';').next().unwrap_or_default();
            let Some((k, val)) = first.split_once('=') else {
                continue;
            };
            let gone = v.to_ascii_lowercase().contains("max-age=0") || val.is_empty();
            if gone {
                jar.remove(k.trim());
            } else {
                jar.insert(k.trim().to_string(), val.trim().to_string());
            }
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().expect("jar").get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies
            .lock()
            .expect("jar")
            .insert(name.into(), value.into());
    }

    fn url(&self, path: &str) -> Url {
        if path.starts_with("http") {
            Url::parse(path).expect("url")
        } else {
            self.base.join(path).expect("path")
        }
    }

    async fn answer(&self, res: reqwest::Response) -> Answer {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        self.keep(&headers);
        let body = res.text().await.unwrap_or_default();
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        let res = self
            .http
            .get(self.url(path))
            .header("accept", "text/html")
            .header("accept-language", "it")
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .expect("GET");
        self.answer(res).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        let res = self
            .http
            .post(self.url(path))
            .header("accept", "text/html")
            .header("accept-language", "it")
            .header(COOKIE, self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(form)
                    .finish(),
            )
            .send()
            .await
            .expect("POST");
        self.answer(res).await
    }
}

/// A running SMTP sink; stops when dropped.
pub struct SmtpSink {
    pub port: u16,
    dir: tempfile::TempDir,
    _child: tokio::process::Child,
}

fn venv_dir() -> PathBuf {
    let cache = if let Some(dir) = std::env::var_os("PRASSI_PEERS_CACHE") {
        PathBuf::from(dir)
    } else if let Some(home) = std::env::var_os("HOME") {
        PathBuf::from(home).join(".cache/prassi-peers")
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".peers")
    };
    cache.join("smtp-sink-venv")
}

impl SmtpSink {
    /// Installs aiosmtpd (once; cached) and starts the sink on a free port.
    pub async fn start() -> Self {
        let here = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("smtp_sink");
        let venv = venv_dir();
        let out = std::process::Command::new("bash")
            .arg(here.join("setup.sh"))
            .arg(&venv)
            .output()
            .expect("run smtp_sink/setup.sh");
        assert!(
            out.status.success(),
            "the SMTP sink set-up failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let port = crate::free_port();
        let mut child = tokio::process::Command::new(venv.join("bin/python"))
            .arg(here.join("sink.py"))
            .arg(port.to_string())
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the SMTP sink");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the sink did not start in time")
            .expect("sink output");
        assert_eq!(ready.as_deref(), Some(format!("ready {port}").as_str()));
        Self {
            port,
            dir,
            _child: child,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, raw.
    pub fn messages(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(self.dir.path())
            .expect("sink dir")
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect()
    }

    /// Waits for a message to `to` with a link containing `path`; the link.
    pub async fn link_to(&self, to: &str, path: &str, seen: usize) -> String {
        eventually(Duration::from_secs(20), "a mail with the link", || async {
            self.messages()
                .into_iter()
                .skip(seen)
                .filter(|m| m.to_lowercase().contains(&to.to_lowercase()))
                .find_map(|m| link_in(&m, path))
        })
        .await
    }
}

/// The first URL of a (plain-text, maybe quoted-printable) message whose path has `path`.
pub fn link_in(message: &str, path: &str) -> Option<String> {
    // Quoted-printable soft line breaks and `=3D` for `=`.
    let text = message
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    text.split_whitespace()
        .find(|w| w.starts_with("http") && w.contains(path))
        .map(str::to_string)
}

/// The URL of the one [`SmtpSink`] of a test binary, for [`with_mail`] (an instance's tweak is
/// a plain `fn`, so it reads the sink from here). Set it once the sink has started.
pub static SMTP_URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// An instance's tweak: send mail through the sink in [`SMTP_URL`].
pub fn with_mail(c: &mut prassi::config::Config) {
    c.mail.smtp_url = SMTP_URL.get().map(|u| u.parse().expect("smtp url"));
    c.mail.from = Some("Prassi <noreply@prassi.test>".into());
}

/// A local SMTP sink and an instance that sends its mail there (one per test binary: the
/// sink's address is kept in [`SMTP_URL`]).
pub async fn instance_with_mail() -> (SmtpSink, crate::TestInstance) {
    let sink = SmtpSink::start().await;
    SMTP_URL
        .set(sink.url())
        .expect("one mail instance per test binary");
    let inst = crate::TestInstance::start_with(crate::Options {
        tweak: with_mail,
        ..Default::default()
    })
    .await;
    (sink, inst)
}
