//! Browser tests' harness: Debian's `chromium`, headless, driven through `chromedriver`
//! (started here on a free port) with fantoccini; axe-core (npm, pinned in `peers/axe/`,
//! installed into the peers' cache by the set-up) injected through WebDriver's execute, which
//! the pages' Content-Security-Policy does not block.
//!
//! Where chromium or chromedriver is missing, [`Browser::start`] says so and returns `None`
//! (the tests skip) — except under CI (`CI` set), where `.ci/run` installs them and a missing
//! browser is a failure.

use std::{path::PathBuf, process::Stdio, time::Duration};

use fantoccini::{
    actions::{InputSource, KeyAction, KeyActions},
    Client, ClientBuilder,
};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::process::{Child, Command};

use crate::{eventually, free_port, peers};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The window sizes every page is checked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// 1280 × 900.
    Desktop,
    /// 390 × 844, a current phone.
    Phone,
}

impl Width {
    pub const ALL: [Width; 2] = [Width::Desktop, Width::Phone];

    pub fn size(self) -> (u32, u32) {
        match self {
            Width::Desktop => (1280, 900),
            Width::Phone => (390, 844),
        }
    }
}

/// A running chromedriver; each [`Session`] is a fresh Chromium with an empty profile.
pub struct Browser {
    driver: Child,
    url: String,
    axe: String,
}

impl Browser {
    /// Starts chromedriver, or explains why the browser tests cannot run here.
    pub async fn start() -> Option<Browser> {
        let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
            .into_iter()
            .filter(|p| !std::path::Path::new(p).exists())
            .collect();
        if !missing.is_empty() {
            let why = format!(
                "browser tests skipped: {} not installed (apt-get install chromium chromium-driver; \
                 .ci/run does it)",
                missing.join(" and ")
            );
            assert!(std::env::var_os("CI").is_none(), "{why}");
            eprintln!("{why}");
            return None;
        }
        let axe = std::fs::read_to_string(install_axe().join("node_modules/axe-core/axe.min.js"))
            .expect("axe-core installed");
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start chromedriver");
        let url = format!("http://127.0.0.1:{port}");
        let status = format!("{url}/status");
        let http = reqwest::Client::new();
        eventually(Duration::from_secs(20), "chromedriver ready", || async {
            let r = http.get(&status).send().await.ok()?;
            let v: Value = r.json().await.ok()?;
            v["value"]["ready"].as_bool().filter(|r| *r)
        })
        .await;
        Some(Browser { driver, url, axe })
    }

    /// A new headless Chromium at `width` preferring Italian, with JavaScript on or off
    /// (Chrome's content setting, so the page's own scripts do not run; WebDriver still works).
    pub async fn session(&self, width: Width, javascript: bool) -> Session {
        let profile = tempfile::tempdir().expect("profile dir");
        let (w, h) = width.size();
        let mut chrome = json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage",
                format!("--user-data-dir={}", profile.path().display()),
                format!("--window-size={w},{h}"),
            ],
        });
        // An Italian citizen's browser: `Accept-Language: it-IT,it` (Chromium's own default
        // would be en-US), so pages come in Italian until the switch says otherwise.
        let mut prefs = json!({"intl.accept_languages": "it-IT,it"});
        if !javascript {
            prefs["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        chrome["prefs"] = prefs;
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), chrome);
        let client = ClientBuilder::rustls()
            .expect("tls")
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("start a Chromium session");
        client.set_window_size(w, h).await.expect("window size");
        Session {
            client,
            axe: self.axe.clone(),
            javascript,
            width,
            _profile: profile,
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.start_kill();
    }
}

/// Installs axe-core (once; later calls return at once) and returns its directory.
pub fn install_axe() -> PathBuf {
    let dir = peers::cache_dir().join("axe");
    peers::run_setup(
        std::process::Command::new("bash")
            .arg(peers::peers_dir().join("axe/setup.sh"))
            .arg(&dir),
        "axe-core",
    );
    dir
}

/// One browser window.
pub struct Session {
    pub client: Client,
    pub width: Width,
    pub javascript: bool,
    axe: String,
    _profile: tempfile::TempDir,
}

/// What the focused element looks like after a Tab.
#[derive(Debug, Deserialize)]
pub struct Focused {
    /// Its place among the page's focusable elements ([`Session::mark_focusables`]).
    pub index: Option<usize>,
    pub html: String,
    /// A computed outline or box-shadow is drawn around it.
    pub indicated: bool,
    pub outline: String,
    pub shadow: String,
}

impl Session {
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// The element `css` selects, waited for (a page that is still loading).
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(fantoccini::Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
    }

    /// Types `text` into the field `css` selects (emptied first).
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear the field");
        field.send_keys(text).await.expect("type");
    }

    /// Clicks the element `css` selects (scrolled into view first, as a person would). A page
    /// just loaded at an anchor may still be scrolled to it by the browser after the element
    /// was brought into view (seen once in CI: the button 700 px above the window); then it
    /// is scrolled to and clicked again, up to three times.
    pub async fn click(&self, css: &str) {
        let mut tries = 0;
        loop {
            tries += 1;
            let el = self.find(css).await;
            self.client
                .execute(
                    "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
                    vec![serde_json::to_value(&el).expect("element")],
                )
                .await
                .expect("scroll");
            match el.click().await {
                Err(fantoccini::error::CmdError::Standard(w))
                    if tries < 3
                        && w.error == fantoccini::error::ErrorStatus::ElementClickIntercepted =>
                {
                    continue
                }
                r => return self.clicked(css, &el, r).await,
            }
        }
    }

    async fn clicked(
        &self,
        css: &str,
        el: &fantoccini::elements::Element,
        r: Result<(), fantoccini::error::CmdError>,
    ) {
        if let Err(e) = r {
            // Name what is in the way, which the driver does not.
            let on_top = self
                .client
                .execute(
                    "const r = arguments[0].getBoundingClientRect();\
                     const t = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);\
                     return [JSON.stringify(r), t ? t.outerHTML.slice(0, 200) : 'nothing'];",
                    vec![serde_json::to_value(el).expect("element")],
                )
                .await;
            panic!("click {css}: {e}\n(at its centre: {on_top:?})");
        }
    }

    /// Clicks what `css` selects (a link, or a form's button) and waits until the page it
    /// leads to has replaced this one and loaded.
    pub async fn follow(&self, css: &str) {
        self.eval("window.__prassiOld = true; return true;").await;
        self.click(css).await;
        eventually(Duration::from_secs(15), "the next page", || async {
            let state = self
                .client
                .execute(
                    "return window.__prassiOld === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await
                .ok()?;
            (state == true).then_some(())
        })
        .await;
    }

    /// The visible text of the element `css` selects.
    pub async fn text(&self, css: &str) -> String {
        // A page still being replaced (after a form's redirect) can take the element found
        // away before it is read: find it again in the new one.
        for _ in 0..20 {
            match self.find(css).await.text().await {
                Ok(t) => return t,
                Err(fantoccini::error::CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference =>
                {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("text of {css}: {e}"),
            }
        }
        panic!("{css} went stale 20 times in a row")
    }

    /// How many elements `css` selects.
    pub async fn count(&self, css: &str) -> usize {
        let n = self
            .client
            .execute(
                "return document.querySelectorAll(arguments[0]).length;",
                vec![css.into()],
            )
            .await
            .expect("count");
        n.as_u64().expect("a number") as usize
    }

    /// The current URL's path and query.
    pub async fn path(&self) -> String {
        let u = self.client.current_url().await.expect("url");
        match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        }
    }

    /// The viewport's width in CSS pixels.
    pub async fn inner_width(&self) -> u64 {
        self.eval("return window.innerWidth;")
            .await
            .as_u64()
            .expect("a width")
    }

    /// axe-core's WCAG 2.1 A and AA violations on the current page, one line each.
    pub async fn axe(&self) -> Vec<String> {
        if self.eval("return typeof window.axe;").await != "object" {
            self.eval(&format!("{};\nreturn typeof window.axe;", self.axe))
                .await;
        }
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
              .then(r => done(r.violations.map(v => `${v.id} (${v.impact}): ${v.help} at ` +
                  v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(', '))))
              .catch(e => done([`axe failed: ${e}`]));"#;
        let v = self
            .client
            .execute_async(script, vec![])
            .await
            .expect("axe.run");
        serde_json::from_value(v).expect("a list of violations")
    }

    /// Every resource the page loaded (`performance.getEntriesByType('resource')`), the page
    /// itself, and every address its pictures, videos, scripts and stylesheets name (a lazy
    /// picture below the fold has not been loaded yet, but will be).
    pub async fn requests(&self) -> Vec<String> {
        let v = self
            .eval(
                "return [location.href].concat(performance.getEntriesByType('resource')\
                 .map(e => e.name), [...document.querySelectorAll('img[src], video[src], \
                 source[src], script[src], link[rel=stylesheet], link[rel=icon]')]\
                 .map(e => e.src || e.href));",
            )
            .await;
        serde_json::from_value(v).expect("a list of URLs")
    }

    /// Numbers the page's focusable elements in document order (`data-kb`), the order Tab
    /// must follow with no positive `tabindex`: visible links, buttons, fields and summaries,
    /// one radio button per group. Returns a short description of each.
    pub async fn mark_focusables(&self) -> Vec<String> {
        let v = self
            .eval(
                r#"
            const sel = 'a[href], button, input, select, textarea, summary, [tabindex]';
            const seen = new Set();
            const els = [...document.querySelectorAll(sel)].filter(e => {
              if (e.disabled || e.type === 'hidden' || e.closest('[inert]')) return false;
              if (e.getAttribute('tabindex') === '-1') return false;
              if (e.tagName === 'SUMMARY' && e.parentElement.tagName !== 'DETAILS') return false;
              // Inside a folded <details> only its <summary> takes the focus until it is opened.
              const folded = e.closest('details:not([open])');
              if (folded && !(e.tagName === 'SUMMARY' && e.parentElement === folded)) return false;
              if (e.getClientRects().length === 0) return false;
              if (getComputedStyle(e).visibility === 'hidden') return false;
              if (e.type === 'radio') {
                if (seen.has(e.name)) return false;
                seen.add(e.name);
              }
              return true;
            });
            els.forEach((e, i) => e.setAttribute('data-kb', String(i)));
            return els.map(e => e.outerHTML.slice(0, 100));"#,
            )
            .await;
        serde_json::from_value(v).expect("a list")
    }

    /// Presses Tab (a real key event through WebDriver's actions).
    pub async fn tab(&self) {
        self.press('\u{e004}').await;
    }

    /// Presses Enter.
    pub async fn enter(&self) {
        self.press('\u{e007}').await;
    }

    async fn press(&self, key: char) {
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client.perform_actions(keys).await.expect("key press");
    }

    /// The element that has the focus.
    pub async fn focused(&self) -> Focused {
        let v = self
            .eval(
                r#"
            const a = document.activeElement;
            const cs = getComputedStyle(a);
            const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
            const shadow = cs.boxShadow !== 'none' && cs.boxShadow !== '';
            const i = a.getAttribute('data-kb');
            return { index: i === null ? null : Number(i), html: a.outerHTML.slice(0, 100),
              indicated: outline || shadow,
              outline: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`,
              shadow: cs.boxShadow };"#,
            )
            .await;
        serde_json::from_value(v).expect("the focused element")
    }

    /// `<html lang>` of the current page.
    pub async fn lang(&self) -> String {
        self.client
            .find(fantoccini::Locator::Css("html"))
            .await
            .expect("html")
            .attr("lang")
            .await
            .expect("lang")
            .unwrap_or_default()
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
