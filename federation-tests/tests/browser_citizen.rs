//! A citizen in a real browser (Debian's headless Chromium), end to end: signs up (the
//! confirmation link read from a local SMTP sink), logs in, searches from the home page,
//! narrows the results with two facets, opens a practice, reads it all, endorses it and
//! comments; the practice page then shows the verified endorsement and the comment, to the
//! citizen and to an anonymous visitor. Once on a desktop window with JavaScript (the reading
//! counted by scrolling through the sections and opening the document) and once on a
//! phone-sized window without it (the "mark as read" buttons). At the default reading floor
//! the endorsement stays locked and the page says why.

use std::time::Duration;

use federation_tests::{
    browser::{Browser, Session, Width},
    eventually, example_with_local_media,
    web_client::{instance_with_mail, SmtpSink},
    Options, TestInstance,
};
use prassi::{config::Config, domain::actor::Role};

fn base(inst: &TestInstance) -> String {
    inst.base.as_str().trim_end_matches('/').to_string()
}

/// The three demo practices, by two organisations, their media uploaded here; the path of the
/// staff-training one, the only one both facets below keep.
async fn publish(inst: &TestInstance) -> String {
    let bari = inst.manager_of("comune-bari").await;
    let emilia = inst.manager_of("regione-emilia-romagna").await;
    bari.publish(example_with_local_media(&bari, 0).await).await;
    let training = emilia
        .publish(example_with_local_media(&emilia, 1).await)
        .await;
    bari.publish(example_with_local_media(&bari, 2).await).await;
    // The search worker has indexed all three.
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/search?q=progetti", base(inst));
    eventually(
        Duration::from_secs(30),
        "three practices indexed",
        || async {
            let v: serde_json::Value = http.get(&url).send().await.ok()?.json().await.ok()?;
            (v["total"].as_u64() == Some(3)).then_some(())
        },
    )
    .await;
    let ap_id = training["ap_id"].as_str().expect("ap_id");
    url::Url::parse(ap_id).expect("url").path().to_string()
}

/// How many results the search page lists, and the total it announces.
async fn results(s: &Session) -> (usize, String) {
    (
        s.count("ol.prassi-hits > li").await,
        s.text("#search-results").await,
    )
}

/// Ticks the facet value `name`=`value`: with JavaScript the tick submits the form; without,
/// the "Apply" button does. On a phone the folded filters are opened first.
async fn tick(s: &Session, name: &str, value: &str) {
    let open = s
        .eval("return document.getElementById('search-facets').open;")
        .await;
    if open != true {
        s.click("#search-facets > summary").await;
    }
    let input = format!("input[name={name}][value='{value}']");
    let id = s
        .find(&input)
        .await
        .attr("id")
        .await
        .expect("id")
        .expect("an id");
    s.click(&format!("label[for='{id}']")).await;
    if !s.javascript {
        s.click("#search-facets button[type=submit]").await;
    }
    let wanted = format!("{name}={value}");
    eventually(Duration::from_secs(10), "the filtered page", || async {
        s.path().await.contains(&wanted).then_some(())
    })
    .await;
}

/// The "mark as read" button of a part not read yet.
const UNREAD: &str = "#take-part li:not(:has(.badge)) form[action$='/read'] button";

/// Marks the first unread part as read with its button, and waits for the page that comes
/// back, with `left` parts to read.
async fn mark_one(s: &Session, left: usize) {
    s.follow(UNREAD).await;
    eventually(
        Duration::from_secs(10),
        "one part fewer to read",
        || async { (s.count(UNREAD).await == left).then_some(()) },
    )
    .await;
}

/// Reads every part of the practice page the session is on, as the window allows: with
/// JavaScript by scrolling each section and picture through the viewport and opening the
/// document; without, with each "mark as read" button. Returns once the page says all is read.
async fn read_all(s: &Session) {
    let done = "Hai letto tutta la pratica";
    if s.javascript {
        // The script watches the page (it marks its box once it does).
        s.find("#prassi-reading[data-watching]").await;
        let parts = s
            .eval(
                "return [...document.querySelectorAll('[data-part]')]\
                 .map(e => e.getAttribute('data-part'));",
            )
            .await;
        let parts: Vec<String> = serde_json::from_value(parts).expect("parts");
        assert!(parts.len() >= 4, "{parts:?}");
        for part in &parts {
            let sel = format!("[data-part='{part}']");
            if s.count(&format!("{sel} a")).await > 0 {
                s.click(&format!("{sel} a")).await;
                continue;
            }
            // Its start into view, then its end (the marker the script appends), a frame
            // apart each, as scrolling through does.
            let script = r#"
                const [sel, end] = arguments;
                const done = arguments[arguments.length - 1];
                const el = document.querySelector(sel);
                el.scrollIntoView({block: 'start', behavior: 'instant'});
                requestAnimationFrame(() => requestAnimationFrame(() => {
                  (el.querySelector(end) || el).scrollIntoView({block: 'end', behavior: 'instant'});
                  requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
                }));"#;
            s.client
                .execute_async(
                    script,
                    vec![sel.clone().into(), format!("[data-end-of='{part}']").into()],
                )
                .await
                .expect("scroll through");
        }
        // Each part was posted in the background: the panel, asked for beside the page (a
        // reload could cut a post short), says so; then the page itself once reloaded.
        let panel = s
            .find("#prassi-reading")
            .await
            .attr("data-endpoint")
            .await
            .expect("attr")
            .expect("the panel's address")
            .trim_end_matches("/read")
            .to_string();
        let ask = r#"
            const done = arguments[arguments.length - 1];
            fetch(arguments[0], { credentials: 'same-origin' })
              .then(r => r.text()).then(done).catch(e => done(String(e)));"#;
        let mut last = String::new();
        for _ in 0..300 {
            let html = s
                .client
                .execute_async(ask, vec![panel.clone().into()])
                .await
                .expect("fetch the panel");
            last = html.as_str().unwrap_or_default().to_string();
            if last.contains(done) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let left: Vec<&str> = last
            .split("name=\"part\" value=\"")
            .skip(1)
            .filter_map(|p| p.split('"').next())
            .collect();
        if !last.contains(done) {
            let script = "const b = document.getElementById('prassi-reading');\
                 return [location.href, b && b.getAttribute('data-counted'),\
                 b && b.getAttribute('data-refused')];";
            let seen = s.eval(script).await;
            let panel: String = last
                .split("id=\"prassi-reading\"")
                .nth(1)
                .unwrap_or_default()
                .chars()
                .take(2500)
                .collect();
            panic!(
                "parts still unread after 30 s: {left:?}; the page (at, counted, refused): \
                 {seen}; the panel: {panel}"
            );
        }
        s.client.refresh().await.expect("reload");
    } else {
        let parts = s.count(UNREAD).await;
        assert!(parts >= 4, "{parts} parts to mark");
        for n in (0..parts).rev() {
            mark_one(s, n).await;
        }
    }
    assert!(s.text("#take-part").await.contains(done));
}

/// The text of the one comment of the thread that says `words` (its author, date, stance).
async fn own_comment(s: &Session, words: &str) -> String {
    let found = s
        .client
        .execute(
            "return [...document.querySelectorAll('.prassi-thread article.prassi-comment')]\
             .filter(a => a.innerText.includes(arguments[0])).map(a => a.innerText);",
            vec![words.into()],
        )
        .await
        .expect("the thread");
    let found: Vec<String> = serde_json::from_value(found).expect("texts");
    assert_eq!(found.len(), 1, "one comment says {words:?}: {found:?}");
    found.into_iter().next().expect("one")
}

/// Who visits, and with what window.
struct Visitor {
    name: &'static str,
    width: Width,
    javascript: bool,
}

/// One citizen's whole visit; `earlier` citizens have endorsed before.
async fn visit(
    browser: &Browser,
    inst: &TestInstance,
    sink: &SmtpSink,
    who: Visitor,
    practice: &str,
    earlier: usize,
) {
    let Visitor {
        name,
        width,
        javascript,
    } = who;
    let base = base(inst);
    let s = browser.session(width, javascript).await;
    let mail = format!("{name}@example.org");

    // Sign-up, from the log-in page's link.
    s.goto(&format!("{base}/")).await;
    s.follow("a[href^='/login']").await;
    s.follow("main a[href='/signup']").await;
    s.fill("#signup-username", name).await;
    s.fill("#signup-email", &mail).await;
    s.fill("#signup-password", "una-password-lunga").await;
    s.click("label[for=signup-consent]").await;
    s.follow("form[action='/signup'] button[type=submit]").await;
    assert!(
        s.text("main").await.contains(&mail),
        "the page names the address"
    );
    let link = sink.link_to(&mail, "/signup/confirm", 0).await;
    s.goto(&link).await;
    assert_eq!(s.path().await, "/login?done=confirmed");
    s.fill("#login-username", name).await;
    s.fill("#login-password", "una-password-lunga").await;
    s.follow("form[action='/login'] button[type=submit]").await;
    assert_eq!(s.path().await, "/");
    assert_eq!(
        s.count("header form[action='/logout']").await,
        1,
        "signed in"
    );

    // Search, then two facets.
    s.fill("#home-q", "progetti").await;
    s.follow("form.prassi-search-form button[type=submit]")
        .await;
    assert_eq!(s.path().await, "/search?q=progetti");
    let (n, total) = results(&s).await;
    assert_eq!(n, 3, "{total}");
    tick(&s, "sector", "09").await;
    let (n, total) = results(&s).await;
    assert_eq!(n, 2, "education: {total}");
    tick(&s, "level_of_government", "regional").await;
    let (n, total) = results(&s).await;
    assert_eq!(n, 1, "education, regional: {total}");
    assert_eq!(total, "1 risultato");
    let path = s.path().await;
    assert!(
        path.contains("sector=09") && path.contains("level_of_government=regional"),
        "the search is in the address: {path}"
    );

    // Open it, read it all.
    s.follow("ol.prassi-hits h3 a").await;
    assert_eq!(s.path().await, practice);
    assert!(
        s.text("#endorse-locked")
            .await
            .contains("letto tutta la pratica"),
        "locked before reading"
    );
    read_all(&s).await;

    // Endorse, then comment.
    s.click("label[for=endorse-positive]").await;
    s.follow("#take-part form[action$='/endorse'] button[type=submit]")
        .await;
    let panel = s.text("#take-part").await;
    assert!(panel.contains("Hai sostenuto questa pratica"), "{panel}");
    assert!(panel.contains("lettura verificata"), "{panel}");
    let words = format!("A {name} è servita per il piano di formazione del suo ufficio.");
    s.fill("#comment-content", &words).await;
    s.find("#comment-stance")
        .await
        .select_by_value("positive")
        .await
        .expect("stance");
    s.follow("#take-part form[action$='/comment'] button[type=submit]")
        .await;
    assert!(s.path().await.starts_with(practice));
    let mine = own_comment(&s, &words).await;
    assert!(
        mine.contains(&format!("@{name}@{}", inst.domain)) && mine.contains("Favorevole"),
        "the comment's author and stance: {mine}"
    );

    // What everyone sees: the comment, and the endorsement counted as verified.
    let anon = browser.session(width, javascript).await;
    anon.goto(&format!("{base}{practice}")).await;
    assert!(own_comment(&anon, &words).await.contains("Favorevole"));
    let index = anon.text(".prassi-index").await;
    let verified = format!("dati dopo aver letto tutta la pratica: {}", earlier + 1);
    assert!(index.contains(&verified), "{index}");
    assert!(
        index.contains(&format!("Giudizi positivi: {}", earlier + 1)),
        "{index}"
    );
    anon.close().await;
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_signs_up_searches_reads_endorses_and_comments_on_a_desktop_and_a_phone() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let (sink, inst) = instance_with_mail().await;
    let practice = publish(&inst).await;
    let desktop = Visitor {
        name: "giulia",
        width: Width::Desktop,
        javascript: true,
    };
    visit(&browser, &inst, &sink, desktop, &practice, 0).await;
    let phone = Visitor {
        name: "marta",
        width: Width::Phone,
        javascript: false,
    };
    visit(&browser, &inst, &sink, phone, &practice, 1).await;
}

/// At the default floor (a share of the reading time) a person who marks every part at
/// once has not read it: the endorse controls stay locked, and the page says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_default_reading_floor_the_endorsement_stays_locked_with_its_reason() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let inst = TestInstance::start_with(Options {
        // The floor a new configuration has (the test harness lowers it to 0).
        tweak: |c| {
            c.reading_min_fraction =
                Config::for_url(c.public_url.clone(), c.data_dir.clone()).reading_min_fraction;
            assert!(c.reading_min_fraction > 0.0);
        },
        ..Default::default()
    })
    .await;
    let practice = publish(&inst).await;
    inst.user("ada", Role::Citizen, None).await;
    let base = base(&inst);
    let s = browser.session(Width::Phone, false).await;
    s.goto(&format!("{base}/login?next={practice}")).await;
    s.fill("#login-username", "ada").await;
    s.fill("#login-password", "a-long-password").await;
    s.follow("form[action='/login'] button[type=submit]").await;
    assert_eq!(s.path().await, practice);
    let parts = s.count(UNREAD).await;
    assert!(parts >= 4, "{parts} parts to mark");
    for n in (0..parts).rev() {
        mark_one(&s, n).await;
    }
    let reason = s.text("#endorse-locked").await;
    assert!(
        reason.contains("troppo rapida") && reason.contains("minut"),
        "the time still needed: {reason}"
    );
    assert_eq!(
        s.count("#take-part form[action$='/endorse']").await,
        0,
        "no endorse form while locked"
    );
    s.close().await;
}
