//! The pages in a real browser (Debian's headless Chromium through chromedriver): axe-core
//! finds no WCAG 2.1 A/AA violation on any page, in Italian and English, at desktop and phone
//! width; the keyboard alone reaches every control in order with a visible focus; the
//! language switch works without JavaScript; no page asks another host for anything; and the
//! "follow from your server" box takes a user of one instance to their own, where they log in
//! and follow (the citizen's whole visit is in `browser_citizen.rs`).
//!
//! Every page is listed once, in [`pages`]: a new page is one line there.

use std::time::Duration;

use federation_tests::{
    browser::{Browser, Session, Width},
    eventually, example_with_local_media, TestInstance,
};
use prassi::domain::actor::Role;

const ORG: &str = "comune-bari";

/// A instance with something on every page: an organisation, its published practice, a
/// citizen.
struct Site {
    instance: TestInstance,
    practice: String,
}

async fn site() -> Site {
    let instance = TestInstance::start().await;
    let manager = instance.manager_of(ORG).await;
    let p = manager
        .publish(example_with_local_media(&manager, 0).await)
        .await;
    let practice = p["ap_id"].as_str().expect("ap_id").to_string();
    instance.user("ada", Role::Citizen, None).await;
    Site { instance, practice }
}

/// The browser, the site and its base URL (without the final `/`); `None` where the browser
/// tests cannot run.
async fn start() -> Option<(Browser, Site, String)> {
    let browser = Browser::start().await?;
    let site = site().await;
    let base = site
        .instance
        .base
        .as_str()
        .trim_end_matches('/')
        .to_string();
    Some((browser, site, base))
}

/// Every page the checks visit: (a name for messages, its path). One line per page.
fn pages(site: &Site) -> Vec<(&'static str, String)> {
    let org = site.instance.actor_url(ORG);
    let practice = url::Url::parse(&site.practice).expect("practice url");
    let org_uri: String = url::form_urlencoded::byte_serialize(org.as_str().as_bytes()).collect();
    vec![
        ("home", "/".into()),
        ("accessibility", "/accessibility".into()),
        ("privacy", "/privacy".into()),
        ("practice", practice.path().into()),
        ("organisation", org.path().into()),
        ("person", "/actors/ada".into()),
        ("follow from your server", format!("/follow?uri={org_uri}")),
        (
            "follow, a bad account",
            format!("/follow?uri={org_uri}&account=nobody"),
        ),
        ("search", "/search?q=partecipazione".into()),
        ("search, two facets", "/search?sector=01&sort=recent".into()),
        ("organisations", "/organizations".into()),
        ("topics", "/topics".into()),
        ("rankings", "/rankings".into()),
        ("calls", "/calls".into()),
        ("recognised", "/recognised".into()),
        ("instance", "/actor".into()),
        ("log-in", "/login".into()),
        ("sign-up", "/signup".into()),
        ("password forgotten", "/password/forgot".into()),
        ("not found", "/no-such-page".into()),
    ]
}

/// Chooses the language with the switch's link (its cookie then holds for every page).
async fn choose(s: &Session, base: &str, lang: &str) {
    s.goto(&format!("{base}/lang/{lang}?back=/")).await;
    assert_eq!(s.lang().await, lang, "the switch to {lang}");
}

/// With `PRASSI_BROWSER_SHOTS=DIR`, a screenshot of the window into DIR, to look at.
async fn shot(s: &Session, name: &str, lang: &str) {
    let Some(dir) = std::env::var_os("PRASSI_BROWSER_SHOTS") else {
        return;
    };
    let png = s.client.screenshot().await.expect("screenshot");
    let file = format!("{}_{lang}_{:?}.png", name.replace([' ', ','], "_"), s.width);
    std::fs::create_dir_all(&dir).expect("shots dir");
    std::fs::write(std::path::Path::new(&dir).join(file), png).expect("write shot");
}

#[tokio::test]
async fn axe_finds_no_violation_on_any_page_in_either_language_at_either_width() {
    let Some((browser, site, base)) = start().await else {
        return;
    };
    let mut problems = Vec::new();
    let mut checked = 0;
    for width in Width::ALL {
        let s = browser.session(width, true).await;
        // The checks themselves see what they are for: a picture without alt text, and a page
        // that loads a file from elsewhere.
        s.goto("data:text/html,<html lang=en><title>t</title><main><img src='data:,'></main>")
            .await;
        let found = s.axe().await;
        assert!(
            found.iter().any(|v| v.starts_with("image-alt")),
            "axe does not run: {found:?}"
        );
        assert_eq!(
            s.inner_width().await,
            u64::from(width.size().0),
            "viewport at {width:?}"
        );
        for lang in ["it", "en"] {
            choose(&s, &base, lang).await;
            for (name, path) in pages(&site) {
                s.goto(&format!("{base}{path}")).await;
                // (axe checks that `<html lang>` is there and valid; whether the page is in
                // the chosen language is the switch's test.)
                for v in s.axe().await {
                    problems.push(format!("{name} ({path}) {lang} {width:?}: {v}"));
                }
                shot(&s, name, lang).await;
                let requests = s.requests().await;
                assert!(
                    requests.iter().any(|r| r.contains("/static/")),
                    "{name}: the page's own files are not seen: {requests:?}"
                );
                for r in requests {
                    if !r.starts_with(&format!("{base}/")) && !r.starts_with("data:") {
                        problems.push(format!("{name} {lang} {width:?}: request to {r}"));
                    }
                }
                checked += 1;
            }
        }
        s.close().await;
    }
    assert_eq!(checked, 4 * pages(&site).len());
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[tokio::test]
async fn the_keyboard_alone_reaches_every_control_in_order_with_a_visible_focus() {
    let Some((browser, site, base)) = start().await else {
        return;
    };
    let mut problems = Vec::new();
    for width in Width::ALL {
        let s = browser.session(width, true).await;
        // The check of the focus indicator sees a missing one.
        s.goto("data:text/html,<a href='/x' style='outline:none;box-shadow:none'>x</a>")
            .await;
        s.mark_focusables().await;
        s.tab().await;
        let f = s.focused().await;
        assert_eq!(f.index, Some(0), "{}", f.html);
        assert!(
            !f.indicated,
            "an element without outline counts as indicated"
        );
        for (name, path) in pages(&site) {
            s.goto(&format!("{base}{path}")).await;
            let controls = s.mark_focusables().await;
            assert!(!controls.is_empty(), "{name}: no control at all");
            for (i, control) in controls.iter().enumerate() {
                s.tab().await;
                let f = s.focused().await;
                if f.index != Some(i) {
                    problems.push(format!(
                        "{name} {width:?}: Tab {} should reach {control}, reached {}",
                        i + 1,
                        f.html
                    ));
                    break;
                }
                if !f.indicated {
                    problems.push(format!(
                        "{name} {width:?}: no visible focus on {} (outline {}, shadow {})",
                        f.html, f.outline, f.shadow
                    ));
                }
            }
        }
        s.close().await;
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[tokio::test]
async fn the_follow_box_is_operated_with_the_keyboard() {
    let Some((browser, site, base)) = start().await else {
        return;
    };
    let org = site.instance.actor_url(ORG);
    let uri: String = url::form_urlencoded::byte_serialize(org.as_str().as_bytes()).collect();
    let s = browser.session(Width::Phone, true).await;
    s.goto(&format!("{base}/follow?uri={uri}")).await;
    let controls = s.mark_focusables().await;
    let field = controls
        .iter()
        .position(|c| c.contains("id=\"follow-account\""))
        .expect("the account field");
    for _ in 0..=field {
        s.tab().await;
    }
    let f = s.focused().await;
    assert_eq!(f.index, Some(field), "{}", f.html);
    s.client
        .active_element()
        .await
        .expect("focused field")
        .send_keys(&format!("ada@{}", site.instance.domain))
        .await
        .expect("type");
    s.enter().await;
    let next = s
        .client
        .wait()
        .for_element(fantoccini::Locator::Css("main a.btn-primary"))
        .await
        .expect("the link to the visitor's server");
    let href = next.attr("href").await.expect("href").expect("an href");
    assert_eq!(
        href,
        format!("{base}/authorize_interaction?uri={uri}"),
        "our own account: our own template, {{uri}} filled in"
    );
    s.close().await;
}

#[tokio::test]
async fn the_language_switch_works_without_javascript() {
    let Some((browser, _site, base)) = start().await else {
        return;
    };
    let s = browser.session(Width::Desktop, false).await;
    // Scripts really are off: this page would retitle itself.
    s.goto("data:text/html,<title>off</title><script>document.title='on'</script>")
        .await;
    assert_eq!(s.client.title().await.expect("title"), "off");

    s.goto(&format!("{base}/privacy")).await;
    assert_eq!(s.lang().await, "it", "Italian by default");
    let italian = s.client.title().await.expect("title");
    s.client
        .find(fantoccini::Locator::Css("a[hreflang=en]"))
        .await
        .expect("the switch to English")
        .click()
        .await
        .expect("click");
    assert_eq!(s.lang().await, "en");
    assert_eq!(
        s.client.current_url().await.expect("url").path(),
        "/privacy",
        "the switch comes back to the same page"
    );
    let english = s.client.title().await.expect("title");
    assert_ne!(italian, english, "the page itself is translated");
    // The choice is remembered on the next page.
    s.goto(&format!("{base}/accessibility")).await;
    assert_eq!(s.lang().await, "en");
    s.client
        .find(fantoccini::Locator::Css("a[hreflang=it]"))
        .await
        .expect("the switch to Italian")
        .click()
        .await
        .expect("click");
    assert_eq!(s.lang().await, "it");
    s.close().await;
}

/// One Prassi instance's user follows an organisation of another from the follow box: from
/// A's page to B's log-in, then B's "Follow …?" page, and A counts B's user among the
/// organisation's followers once B's Follow is delivered and accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_of_one_instance_follows_an_organisation_of_another_from_the_follow_box() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let a = site().await;
    let b = TestInstance::start().await;
    b.user("bea", Role::Citizen, None).await;
    let base_a = a.instance.base.as_str().trim_end_matches('/').to_string();
    let base_b = b.base.as_str().trim_end_matches('/').to_string();
    let org = a.instance.actor_url(ORG);
    let uri: String = url::form_urlencoded::byte_serialize(org.as_str().as_bytes()).collect();

    let s = browser.session(Width::Desktop, true).await;
    // From the organisation's own page.
    s.goto(org.as_str()).await;
    s.fill("#follow-account", &format!("bea@{}", b.domain))
        .await;
    s.follow("form.prassi-follow-form button[type=submit]")
        .await;
    let go = s.find("main a.btn-primary").await;
    assert!(
        go.text().await.expect("text").contains(&b.domain),
        "the link names B"
    );
    s.follow("main a.btn-primary").await;
    let at = s.client.current_url().await.expect("url");
    assert_eq!(at.origin().ascii_serialization(), base_b, "on B now");
    assert_eq!(at.path(), "/login", "anonymous on B: to the log-in first");
    let next = at
        .query_pairs()
        .find(|(k, _)| k == "next")
        .map(|(_, v)| v.into_owned())
        .expect("the way back");
    assert_eq!(next, format!("/authorize_interaction?uri={uri}"));

    // Log in on B: back to the confirmation, which names A's organisation.
    s.fill("#login-username", "bea").await;
    s.fill("#login-password", "a-long-password").await;
    s.follow("form[action='/login'] button[type=submit]").await;
    assert_eq!(s.path().await, format!("/authorize_interaction?uri={uri}"));
    let ask = s.text("main").await;
    assert!(
        ask.contains(&format!("@{ORG}@{}", a.instance.domain)),
        "{ask}"
    );
    assert!(a.instance.followers_of(org.as_str()).await.is_empty());
    s.follow("form[action='/authorize_interaction'] button[type=submit]")
        .await;
    let title = s.text("main h1").await;
    assert!(
        title.starts_with("Ora segui") || title == "Richiesta inviata",
        "{title}"
    );
    let bea = b.actor_url("bea").to_string();
    let followers = eventually(Duration::from_secs(20), "A counts bea", || async {
        let f = a.instance.followers_of(org.as_str()).await;
        f.contains(&bea).then_some(f)
    })
    .await;
    assert_eq!(followers, vec![bea], "{base_a}: exactly B's user");
    // The link after the follow leads to the organisation's page on A.
    let see = s.find("main a.btn-primary").await;
    assert_eq!(
        see.attr("href").await.expect("href").as_deref(),
        Some(org.as_str())
    );
    s.close().await;
}
