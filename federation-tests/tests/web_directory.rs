//! The directory pages in a browser's eyes, in Italian and in English: an organisation with
//! its practices and its ranking figures, the organisations, the topics and a topic's
//! practices, the rankings in order, a person's public comments, the instance, a comment;
//! on a hub, its calls (open and closed), a call with a recognised practice, the candidacy
//! with the commission's reasons and scores, and the recognised practices. Unknown ones are
//! 404 pages, and actor pages link their ActivityPub document.

use federation_tests::{
    candidacies::{act, candidacy_in, open_call, propose, published_practice, reviewer, scores},
    comments::comment,
    example, TestInstance,
};
use prassi::{
    db::good_index::{self, Counted},
    domain::{actor::Role, good_index::Class, vocab::Sector},
};
use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

/// GETs `path` as a browser whose language is `lang`; the status and the page.
async fn browse(inst: &TestInstance, path: &str, lang: &str) -> (StatusCode, String) {
    let res = reqwest::Client::new()
        .get(inst.base.join(path).expect("url"))
        .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
        .header(header::ACCEPT_LANGUAGE, lang)
        .send()
        .await
        .expect("GET");
    let status = res.status();
    let page = res.text().await.expect("body");
    assert!(
        page.contains(&format!("<html lang=\"{lang}\">")),
        "{path} in {lang}: {page}"
    );
    (status, page)
}

/// The page at `path` in `lang`, which must answer 200.
async fn page(inst: &TestInstance, path: &str, lang: &str) -> String {
    let (status, page) = browse(inst, path, lang).await;
    assert_eq!(status, StatusCode::OK, "{path} in {lang}: {page}");
    page
}

fn has(page: &str, what: &str, needle: &str) {
    assert!(page.contains(needle), "{what}: no `{needle}` in\n{page}");
}

fn alternate(page: &str, ap_id: &str) {
    has(
        page,
        "the alternate link",
        &format!("<link rel=\"alternate\" type=\"application/activity+json\" href=\"{ap_id}\">"),
    );
}

/// Where `needle` first is in `page` (it must be there).
fn at(page: &str, needle: &str) -> usize {
    page.find(needle)
        .unwrap_or_else(|| panic!("no `{needle}` in\n{page}"))
}

/// A figure from 0 to 1 as the pages write it.
fn percent(f: f64, lang: &str) -> String {
    let s = format!("{:.1} %", f * 100.0);
    if lang == "it" {
        s.replace('.', ",")
    } else {
        s
    }
}

/// Feeds one verified endorsement of `class` from `instance` into practice `id`'s index.
async fn vote(inst: &TestInstance, id: i64, instance: &str, class: Class) {
    let v = Counted {
        instance: instance.into(),
        class,
        weight: prassi::domain::good_index::weight(class, true, false),
        positive: true,
        verified: true,
    };
    let db = inst.store();
    let mut tx = db.begin().await.expect("begin");
    good_index::endorsement_changed(&mut tx, id, true, None, Some(&v), prassi::db::now_ms())
        .await
        .expect("index");
    tx.commit().await.expect("commit");
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

fn ap_id(v: &Value) -> String {
    v["ap_id"].as_str().expect("ap_id").to_string()
}

/// The path of an id of `inst` (`/actors/x` of `http://host/actors/x`).
fn path(url: &str) -> String {
    url::Url::parse(url).expect("url").path().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organisations_topics_rankings_people_and_comments_have_their_pages_in_both_languages() {
    let a = TestInstance::start().await;
    let trento = a.organization("comune-di-trento", "Comune di Trento").await;
    a.organization("comune-di-bolzano", "Comune di Bolzano")
        .await;
    let (_, m1) = a
        .user("m-trento", Role::Manager, Some("comune-di-trento"))
        .await;
    let (_, m2) = a
        .user("m-bolzano", Role::Manager, Some("comune-di-bolzano"))
        .await;
    let p1 = m1.publish(example(0)).await;
    let p2 = m1.publish(example(1)).await;
    let p3 = m2.publish(example(2)).await;
    // Ten peers for Trento's first and Bolzano's only practice, four citizens for Trento's
    // second: Bolzano ranks first (the ranking test of good_index.rs has the figures).
    for _ in 0..10 {
        vote(&a, id(&p1), "x.example", Class::Peer).await;
        vote(&a, id(&p3), "x.example", Class::Peer).await;
    }
    for _ in 0..4 {
        vote(&a, id(&p2), "z.example", Class::Citizen).await;
    }
    let ranking = a
        .admin
        .call(Method::GET, "/api/v1/rankings/organisations", None)
        .await
        .expect("ranking");
    assert_eq!(ranking[0]["handle"], "comune-di-bolzano", "{ranking}");
    let trento_row = &ranking[1];
    assert_eq!(trento_row["handle"], "comune-di-trento", "{ranking}");

    // --- The organisation: profile, practices, figures, follow box, alternate. ---
    for (lang, heading, rank) in [
        ("it", "Le sue pratiche", "2ª su 2 organizzazioni"),
        ("en", "Its practices", "Ranked 2 of 2 organisations"),
    ] {
        let org = page(&a, "/actors/comune-di-trento", lang).await;
        has(&org, "the name", "<h1>Comune di Trento</h1>");
        has(&org, "the section", heading);
        for p in [&p1, &p2] {
            has(&org, "a practice", &format!("href=\"{}\"", ap_id(p)));
        }
        assert!(
            !org.contains(&ap_id(&p3)),
            "Bolzano's practice on Trento's page"
        );
        has(&org, "the rank", rank);
        has(
            &org,
            "the score",
            &percent(trento_row["score"].as_f64().expect("score"), lang),
        );
        has(
            &org,
            "the level",
            if lang == "it" {
                "Regionale"
            } else {
                "Regional"
            },
        );
        has(
            &org,
            "the handle",
            &format!("@comune-di-trento@{}", a.config.domain()),
        );
        alternate(&org, trento.as_str());
    }

    // --- The organisations, with their counts. ---
    for (lang, two, one) in [
        ("it", "2 pratiche", "1 pratica"),
        ("en", "2 practices", "1 practice"),
    ] {
        let orgs = page(&a, "/organizations", lang).await;
        let t = at(&orgs, "Comune di Trento");
        has(&orgs[t..], "Trento's count", two);
        let b = at(&orgs, "Comune di Bolzano");
        has(&orgs[b..], "Bolzano's count", one);
        has(&orgs, "the link", "href=\"/actors/comune-di-trento\"");
    }

    // --- The rankings: Bolzano before Trento, the figures, the formula in words. ---
    for (lang, formula) in [
        ("it", "Come si calcola"),
        ("en", "How the score is computed"),
    ] {
        let r = page(&a, "/rankings", lang).await;
        has(&r, "the formula", formula);
        let table = &r[at(&r, "<table")..];
        assert!(
            at(table, "Comune di Bolzano") < at(table, "Comune di Trento"),
            "Bolzano ranks first: {table}"
        );
        for row in ranking.as_array().expect("rows") {
            has(
                table,
                "a score",
                &percent(row["score"].as_f64().expect("score"), lang),
            );
        }
        has(&r, "a practice of the ranking", &ap_id(&p3));
    }

    // --- The topics and a topic's practices. ---
    let sector: Sector = p1["record"]["sectors"][0]
        .as_str()
        .expect("a sector")
        .parse()
        .expect("known");
    let tagged: Vec<&Value> = [&p1, &p2, &p3]
        .into_iter()
        .filter(|p| {
            p["record"]["sectors"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|s| s.as_str().and_then(|s| s.parse::<Sector>().ok()) == Some(sector))
        })
        .collect();
    for (lang, label) in [("it", sector.label_it()), ("en", sector.label_en())] {
        let topics = page(&a, "/topics", lang).await;
        let t = at(&topics, &format!("href=\"/actors/{}\"", sector.slug()));
        has(&topics[t..], "the topic", label);
        let topic = page(&a, &format!("/actors/{}", sector.slug()), lang).await;
        has(&topic, "the topic's name", &format!("<h1>{label}</h1>"));
        for p in &tagged {
            has(
                &topic,
                "a tagged practice",
                &format!("href=\"{}\"", ap_id(p)),
            );
        }
        alternate(&topic, a.actor_url(sector.slug()).as_str());
    }

    // --- A person: a citizen's public comments; a manager's organisation and role. ---
    let (_, carla) = a.user("carla", Role::Citizen, None).await;
    let c = comment(
        &carla,
        id(&p3),
        "Lo abbiamo copiato a Rovereto",
        None,
        Some("positive"),
    )
    .await;
    for (lang, stance, heading) in [
        ("it", "A favore", "Commenti pubblici"),
        ("en", "In favour", "Public comments"),
    ] {
        let person = page(&a, "/actors/carla", lang).await;
        has(&person, "the heading", heading);
        has(&person, "the comment", "Lo abbiamo copiato a Rovereto");
        has(&person, "the stance", stance);
        has(&person, "the practice", &format!("href=\"{}\"", ap_id(&p3)));
        alternate(&person, a.actor_url("carla").as_str());
        let manager = page(&a, "/actors/m-trento", lang).await;
        has(
            &manager,
            "the organisation",
            "href=\"/actors/comune-di-trento\"",
        );
        has(
            &manager,
            "the role",
            if lang == "it" {
                "Responsabile di pratiche"
            } else {
                "Manager of practices"
            },
        );
        has(
            &manager,
            "no comment",
            if lang == "it" {
                "Ancora nessun commento"
            } else {
                "No public comment yet"
            },
        );
    }

    // --- A comment's page. ---
    let comment_url = ap_id(&c);
    for (lang, by) in [("it", "Commento di carla"), ("en", "Comment by carla")] {
        let html = page(&a, &path(&comment_url), lang).await;
        has(&html, "the title", by);
        has(&html, "the text", "Lo abbiamo copiato a Rovereto");
        has(&html, "the practice", &format!("href=\"{}\"", ap_id(&p3)));
        alternate(&html, &comment_url);
    }

    // --- The instance. ---
    for (lang, kicker) in [("it", "Questa istanza"), ("en", "This instance")] {
        let me = page(&a, "/actor", lang).await;
        has(&me, "the kicker", kicker);
        alternate(&me, &format!("{}actor", a.base));
    }

    // --- What is not here. ---
    for p in [
        "/actors/nobody",
        "/calls/nope",
        "/candidacies/nope",
        "/comments/nope",
    ] {
        for (lang, title) in [("it", "Pagina non trovata"), ("en", "Page not found")] {
            let (status, page) = browse(&a, p, lang).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
            has(&page, p, &format!("<h1>{title}</h1>"));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hubs_calls_candidacies_and_recognised_practices_have_their_pages() {
    let (a, hub) = (TestInstance::start().await, TestInstance::start().await);
    let (ma, pa) = published_practice(&a, "comune-a", "c_a001", 0).await;
    let call = open_call(&hub, "Premio partecipazione 2026").await;
    let call_url = call["url"].as_str().expect("call url").to_string();
    let old = open_call(&hub, "Premio 2025").await;
    hub.admin
        .call(
            Method::PATCH,
            &format!("/api/v1/calls/{}", id(&old)),
            Some(json!({"closed": true})),
        )
        .await
        .expect("close the old call");
    let r1 = reviewer(&hub, "rev-one", "formez", "formez01").await;
    let r2 = reviewer(&hub, "rev-two", "formez", "formez01").await;

    // Before any candidacy: the call says so.
    let empty = page(&hub, &path(&call_url), "en").await;
    has(
        &empty,
        "no candidacy",
        "No practice has been proposed to this call yet.",
    );

    let mine = propose(&ma, &call_url, id(&pa), "Version one", "marker")
        .await
        .expect("propose");
    let offer = mine["offer_id"].as_str().expect("offer id").to_string();
    let on_hub = candidacy_in(&hub.admin, &offer, "screening").await;
    let cid = id(&on_hub);
    let candidacy_url = on_hub["ap_id"].as_str().expect("candidacy id").to_string();
    act(&hub.admin, cid, "status", json!({"status": "under_review"}))
        .await
        .expect("under review");
    for r in ["rev-one", "rev-two"] {
        act(&hub.admin, cid, "reviewers", json!({"reviewer": r}))
            .await
            .expect("assign");
    }
    let pending = page(&hub, &path(&candidacy_url), "it").await;
    has(
        &pending,
        "no decision yet",
        "La commissione non ha ancora deciso.",
    );
    has(&pending, "the status", "In valutazione");
    act(&r1, cid, "reviews/me", scores(4, "rev-one"))
        .await
        .expect("review one");
    act(&r2, cid, "reviews/me", scores(5, "rev-two"))
        .await
        .expect("review two");
    act(
        &hub.admin,
        cid,
        "decision",
        json!({"outcome": "recognised", "reasons": "A model of co-design."}),
    )
    .await
    .expect("decide");

    // --- The calls: the open one, then the closed one. ---
    for (lang, open, closed) in [
        ("it", "Bandi aperti", "Bandi chiusi"),
        ("en", "Open calls", "Closed calls"),
    ] {
        let calls = page(&hub, "/calls", lang).await;
        let (o, c) = (at(&calls, open), at(&calls, closed));
        let now = at(&calls, "Premio partecipazione 2026");
        let before = at(&calls, "Premio 2025");
        assert!(
            o < now && now < c && c < before,
            "open, then closed: {calls}"
        );
        has(&calls, "the link", &format!("href=\"{call_url}\""));
    }

    // --- The call: text, criteria, the candidacy, the recognised practice. ---
    for (lang, criterion, status) in [
        ("it", "Rilevanza", "Riconosciuta"),
        ("en", "Relevance", "Recognised"),
    ] {
        let html = page(&hub, &path(&call_url), lang).await;
        has(&html, "the title", "<h1>Premio partecipazione 2026</h1>");
        has(
            &html,
            "the text",
            "Premio partecipazione 2026: good practices of participation",
        );
        has(&html, "a criterion", criterion);
        let candidacies = &html[at(&html, "<table")..];
        has(
            candidacies,
            "the candidacy",
            &format!("href=\"{candidacy_url}\""),
        );
        has(candidacies, "its status", status);
        has(
            candidacies,
            "its practice",
            &format!("href=\"{}\"", ap_id(&pa)),
        );
        // A practice received here is shown by this instance's page of it.
        let recognised = &html[at(&html, "</table>")..];
        has(recognised, "the recognised practice", "/practices/");
        alternate(&html, &call_url);
    }

    // --- The candidacy: the reasons and the mean scores. ---
    for (lang, mean) in [("it", "4,5"), ("en", "4.5")] {
        let html = page(&hub, &path(&candidacy_url), lang).await;
        has(&html, "the reasons", "A model of co-design.");
        has(&html, "a mean score", &format!("<td>{mean}</td>"));
        has(&html, "the call", &format!("href=\"{call_url}\""));
    }
    // Scripts still get the candidacy as JSON.
    let doc: Value = reqwest::Client::new()
        .get(&candidacy_url)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    assert_eq!(doc["status"], "recognised", "{doc}");

    // --- The recognised practices, and the organisations of the hub. ---
    for (lang, title) in [
        ("it", "Pratiche riconosciute"),
        ("en", "Recognised practices"),
    ] {
        let html = page(&hub, "/recognised", lang).await;
        has(&html, "the title", &format!("<h1>{title}</h1>"));
        has(&html, "the practice", "/practices/");
        let orgs = page(&hub, "/organizations", lang).await;
        has(&orgs, "the remote organisation", "Ente comune-a");
        has(
            &orgs,
            "its handle",
            &format!("@comune-a@{}", a.config.domain()),
        );
    }
}
