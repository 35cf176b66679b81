//! The search page and the practice page over HTTP, as a browser without JavaScript gets
//! them: facets ticked in the URL, counts, chips, paging and the 400 page of a bad parameter;
//! every section, medium, figure and comment of a practice, its parts as `data-part`, its
//! ActivityPub alternate, and both languages (by `Accept-Language` and by the switch).

use std::{collections::BTreeSet, time::Duration};

use federation_tests::{
    comments::comment,
    eventually, example,
    hub::publish_many,
    participation::{administration, endorse, parts, read_all},
    search::{self, with_fixtures},
    web_client::page,
    Options, TestInstance,
};
use prassi::domain::actor::Role;
use reqwest::{header, Method, StatusCode};

const T: Duration = Duration::from_secs(15);

/// The count shown beside the checkbox of `facet=value`, and whether it is ticked; `None`
/// when the page has no such checkbox.
fn facet(html: &str, facet: &str, value: &str) -> Option<(u64, bool)> {
    let input = format!("name=\"{facet}\" value=\"{value}\"");
    let at = html.find(&input)?;
    let rest = &html[at + input.len()..];
    let checked = rest.trim_start().starts_with("checked");
    let count = rest.split("<span class=\"prassi-count\">(").nth(1)?;
    let n = count.split(')').next()?.parse().ok()?;
    Some((n, checked))
}

/// The titles of the hits, in order.
fn hit_titles(html: &str) -> Vec<String> {
    let Some(list) = html.split("<ol class=\"prassi-hits\">").nth(1) else {
        return Vec::new();
    };
    let list = list.split("</ol>").next().unwrap_or_default();
    list.split("<h3 class=\"card-title h5\"><a href=\"")
        .skip(1)
        .map(|h| {
            let text = h.split_once("\">").map(|(_, t)| t).unwrap_or_default();
            text.split("</a>").next().unwrap_or_default().to_string()
        })
        .collect()
}

/// Every `data-part` of a page.
fn data_parts(html: &str) -> Vec<String> {
    html.split("data-part=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_page_ticks_two_facets_counts_and_pages() {
    let a = TestInstance::start().await;
    let (manager, _) = with_fixtures(&a, "comune-bari").await;

    // Regional practices of sector 01: P4 and P5 (P3 is regional too, of sector 07).
    let (status, html) = page(
        &a,
        "/search?level_of_government=regional&sector=01&sort=recent",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        hit_titles(&html),
        ["Open data academy", "Sportello digitale per le imprese"],
        "{html}"
    );
    assert!(html.contains("2 risultati"), "{html}");
    // The ticks stay, and each facet counts with every filter but its own.
    assert_eq!(facet(&html, "sector", "01"), Some((2, true)));
    assert_eq!(facet(&html, "sector", "07"), Some((1, false)));
    assert_eq!(facet(&html, "sector", "09"), Some((1, false)));
    assert_eq!(
        facet(&html, "level_of_government", "regional"),
        Some((2, true))
    );
    assert_eq!(
        facet(&html, "level_of_government", "local"),
        Some((1, false))
    );
    // Labels are the vocabulary's, in Italian.
    assert!(html.contains("Servizi generali delle amministrazioni pubbliche"));
    assert!(html.contains(">Regionale <span"), "{html}");
    // The order is kept in the form, and each tick is a chip that removes it.
    assert!(html.contains("<option value=\"recent\" selected>"));
    assert!(html.contains("href=\"/search?level_of_government=regional&#38;sort=recent\""));
    assert!(html.contains("href=\"/search?sector=01&#38;sort=recent\""));
    // Without JavaScript a button applies the filters.
    assert!(html.contains("type=\"submit\" form=\"search-form\""));

    // Words, with a typo: the corrected query and the highlighted passage.
    let (_, html) = page(&a, "/search?q=sportelo", None).await;
    assert_eq!(hit_titles(&html), ["Sportello digitale per le imprese"]);
    assert!(html.contains("Risultati per «sportello»"), "{html}");
    // The passage that matched, its words in bold (the index escaped the rest).
    let (_, html) = page(&a, "/search?q=infermieri", None).await;
    assert_eq!(hit_titles(&html), ["Telemedicina nelle aree interne"]);
    assert!(html.contains("<b>infermieri</b>"), "{html}");

    // Nothing found: the help.
    let (_, html) = page(&a, "/search?q=astronave", None).await;
    assert!(hit_titles(&html).is_empty());
    assert!(html.contains("Nessuna pratica corrisponde alla ricerca."));

    // Paging: 20 a page.
    publish_many(&manager, 18).await;
    eventually(T, "23 practices in the index", || async {
        let a = search::search(&a.admin, "sort=recent").await.ok()?;
        (a["total"] == 23).then_some(())
    })
    .await;
    let (_, first) = page(&a, "/search?sort=recent", None).await;
    assert_eq!(hit_titles(&first).len(), 20);
    assert!(
        first.contains("href=\"/search?sort=recent&#38;page=2\""),
        "{first}"
    );
    let (_, second) = page(&a, "/search?sort=recent&page=2", None).await;
    let titles = hit_titles(&second);
    assert_eq!(titles.len(), 3, "{second}");
    assert_eq!(titles[2], "Bilancio partecipativo di quartiere");
    assert!(
        second.contains("aria-current=\"page\"><span class=\"visually-hidden\">Pagina 2"),
        "{second}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_search_parameter_is_a_400_page_naming_it() {
    let a = TestInstance::start().await;
    let (status, html) = page(
        &a,
        "/search?q=bilancio&colour=red&sort=best&sector=99",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("role=\"alert\""), "{html}");
    for name in ["colour", "sort", "sector"] {
        assert!(
            html.contains(&format!("<code>{name}</code>")),
            "{name}: {html}"
        );
    }
    // The words given stay in the box; no results are shown.
    assert!(html.contains("value=\"bilancio\""));
    assert!(hit_titles(&html).is_empty());
    let (_, en) = page(&a, "/search?colour=red", Some("en")).await;
    assert!(
        en.contains("Some parameters of the search are not valid"),
        "{en}"
    );
}

/// Anonymous readers asking at once all get the page, the same one; a comment posted after
/// they asked shows on the next request (the shared read is never older than the request),
/// and each language has its own page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_asking_at_once_share_the_page_and_never_get_an_old_one() {
    let a = TestInstance::start().await;
    let manager = a.manager_of("comune-bari").await;
    let view = manager.publish(example(0)).await;
    let id = view["id"].as_i64().expect("id");
    let path = url::Url::parse(view["ap_id"].as_str().expect("ap_id"))
        .expect("url")
        .path()
        .to_string();
    let asks: Vec<_> = (0..8)
        .map(|_| {
            let (a, path) = (&a, path.clone());
            async move { page(a, &path, None).await }
        })
        .collect();
    let pages = futures::future::join_all(asks).await;
    for (status, html) in &pages {
        assert_eq!(*status, StatusCode::OK);
        assert_eq!(html, &pages[0].1, "one page for every anonymous reader");
    }
    assert!(pages[0].1.contains("lang=\"it\""));
    // Gzipped for who takes it (compressed once for all who share the read): the same page.
    let gz = reqwest::Client::new()
        .get(a.base.join(&path).expect("url"))
        .header(header::ACCEPT, "text/html")
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .expect("page");
    assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
    let bytes = gz.bytes().await.expect("body");
    let mut unzipped = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut unzipped)
        .expect("gzip");
    assert_eq!(unzipped, pages[0].1);
    for round in 0..3 {
        let words = format!("Commento numero {round}, appena scritto.");
        comment(&manager, id, &words, None, None).await;
        let (_, html) = page(&a, &path, None).await;
        assert!(
            html.contains(&words),
            "round {round}: the new comment is on the page"
        );
    }
    let (_, en) = page(&a, &path, Some("en")).await;
    assert!(en.contains("lang=\"en\""), "the English page is its own");
}

/// While the search index cannot be opened (here: its directory's place is taken by a file,
/// so every attempt fails), the search page says so in the reader's language with 503 and
/// `Retry-After`; the API keeps its JSON error; the other pages are served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_search_index_the_search_page_says_it_is_getting_ready() {
    let a = TestInstance::start_with(Options {
        tweak: |c| {
            std::fs::create_dir_all(&c.data_dir).expect("data dir");
            std::fs::write(c.data_dir.join("search"), "not a directory").expect("block");
        },
        ..Default::default()
    })
    .await;
    let res = reqwest::Client::new()
        .get(a.base.join("/search?q=bilancio").expect("url"))
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .expect("page");
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()[header::RETRY_AFTER], "5");
    assert!(res.headers()[header::CONTENT_TYPE]
        .to_str()
        .expect("type")
        .starts_with("text/html"));
    let html = res.text().await.expect("body");
    assert!(html.contains("La ricerca si sta preparando"), "{html}");
    let (status, en) = page(&a, "/search", Some("en")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(en.contains("Search is getting ready"), "{en}");
    let api = reqwest::get(a.base.join("/api/v1/search?q=bilancio").expect("url"))
        .await
        .expect("api");
    assert_eq!(api.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = api.json().await.expect("the JSON error");
    assert_eq!(body["error"], "unavailable", "{body}");
    assert_eq!(page(&a, "/", None).await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_practice_page_shows_every_part_the_index_and_the_thread() {
    let a = TestInstance::start().await;
    let manager = a.manager_of("comune-bari").await;
    let view = manager.publish(example(0)).await;
    let id = view["id"].as_i64().expect("id");
    let ap_id = view["ap_id"].as_str().expect("ap_id").to_string();
    let path = url::Url::parse(&ap_id).expect("url").path().to_string();

    // A peer (an administration's manager) reads it all and endorses it; a citizen comments
    // in favour and the manager replies.
    administration(&a, "regione-er", "r_emiro").await;
    let (_, peer) = a.user("peer", Role::Manager, Some("regione-er")).await;
    read_all(&peer, id).await;
    endorse(&peer, id, "positive").await;
    let (_, citizen) = a.user("giulia", Role::Citizen, None).await;
    let c = comment(
        &citizen,
        id,
        "Ottima idea, da copiare.",
        None,
        Some("positive"),
    )
    .await;
    comment(
        &manager,
        id,
        "Grazie, il regolamento è tra i link.",
        c["id"].as_i64(),
        Some("neutral"),
    )
    .await;

    let (status, html) = page(&a, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    let record = prassi::domain::practice_examples::all().remove(0);
    let it = |t: &prassi::domain::practice::Translations| {
        t[&prassi::domain::vocab::Language::It].clone()
    };
    // Every text section, under its heading.
    assert!(
        html.contains(&format!(">{}</h1>", it(&record.title))),
        "{html}"
    );
    for (heading, text) in [
        ("Descrizione", it(&record.description)),
        ("Impatto", it(&record.impact)),
        ("Lezioni apprese", it(&record.lessons_learned)),
        ("Difficoltà incontrate", it(&record.challenges)),
        ("Come replicarla", it(&record.replication)),
    ] {
        assert!(html.contains(&format!(">{heading}</h2>")), "{heading}");
        assert!(html.contains(&text), "{heading}: {text}");
    }
    assert!(html.contains(&it(&record.summary).replace('\'', "&#39;")));
    // The media: the picture with its alt text, the document with its type and size.
    let picture = record
        .media
        .iter()
        .find(|m| m.kind == prassi::domain::practice::MediaKind::Image)
        .expect("a picture");
    assert!(html.contains(&format!("alt=\"{}\"", picture.alt)), "{html}");
    assert!(html.contains("(PDF, "), "{html}");
    // Team, budget with currency, indicators with evidence.
    assert!(html.contains(&record.team[0].name));
    assert!(html.contains("1.000.000 EUR"), "{html}");
    assert!(html.contains(&record.indicators[0].name));
    // The index: one verified peer's positive endorsement, in figures and words.
    assert!(html.contains("Indice complessivo"));
    assert!(
        html.contains("Giudizi positivi: 1, negativi: 0; dati dopo aver letto tutta la pratica: 1; contati nell&#39;indice: 1."),
        "{html}"
    );
    assert!(html.contains("Come si calcola"));
    // The thread: the comment with its stance, the reply nested under it.
    let thread = html.split("prassi-thread").nth(1).expect("thread");
    let first = thread.find("Ottima idea, da copiare.").expect("comment");
    let nested = thread
        .find("<ol class=\"prassi-replies\"")
        .expect("replies");
    let reply = thread.find("Grazie, il regolamento").expect("reply");
    assert!(first < nested && nested < reply, "{thread}");
    assert!(thread.contains("prassi-stance\">Favorevole</span>"));
    assert!(thread.contains("prassi-stance\">Neutrale</span>"));
    assert!(thread.contains("Commenti <span class=\"prassi-muted\">(2)</span>"));
    // Exactly the view's parts, each once (the media come before the long text).
    let shown: BTreeSet<_> = data_parts(&html).into_iter().collect();
    assert_eq!(shown.len(), data_parts(&html).len(), "a part twice");
    assert_eq!(shown, parts(&manager, id).await.into_iter().collect());
    // The ActivityPub alternate.
    assert!(html.contains(&format!(
        "<link rel=\"alternate\" type=\"application/activity+json\" href=\"{ap_id}\">"
    )));
    // Nobody is signed in: no reply, edit or delete links.
    assert!(!html.contains("/reply\""));

    // In English by Accept-Language: the record's English text, the page's English words.
    let (_, en) = page(&a, &path, Some("en-GB,en;q=0.9")).await;
    let english = |t: &prassi::domain::practice::Translations| {
        t[&prassi::domain::vocab::Language::En].clone()
    };
    assert!(en.contains("<html lang=\"en\">"));
    assert!(
        en.contains(&format!(">{}</h1>", english(&record.title))),
        "{en}"
    );
    assert!(en.contains(">Lessons learned</h2>"));
    assert!(en.contains(&english(&record.lessons_learned)));
    assert!(en.contains("1,000,000 EUR"));
    assert!(en.contains("prassi-stance\">In favour</span>"));

    // And after the switch, which a cookie remembers.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let switch = client
        .get(a.base.join(&format!("/lang/en?back={path}")).expect("url"))
        .send()
        .await
        .expect("switch");
    let cookie = switch
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("the switch sets a cookie")
        .to_string();
    let after = client
        .get(a.base.join(&path).expect("url"))
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, cookie)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(after.contains(">Lessons learned</h2>"), "{after}");

    // Deleted: 410, a page that says so.
    manager
        .call(Method::DELETE, &format!("/api/v1/practices/{id}"), None)
        .await
        .expect("delete");
    let (status, gone) = page(&a, &path, None).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(gone.contains("Contenuto eliminato"), "{gone}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_section_missing_in_english_is_shown_in_italian_and_says_so() {
    let a = TestInstance::start().await;
    let manager = a.manager_of("comune-bari").await;
    let mut record = example(0);
    record["challenges"] = serde_json::json!({"it": "<p>Solo in italiano.</p>"});
    let view = manager.publish(record).await;
    let ap_id = view["ap_id"].as_str().expect("ap_id");
    let path = url::Url::parse(ap_id).expect("url").path().to_string();
    let (_, en) = page(&a, &path, Some("en")).await;
    assert!(
        en.contains("<div class=\"prassi-rich\" lang=\"it\"><p>Solo in italiano.</p></div>"),
        "{en}"
    );
    assert!(en.contains(">Challenges</h2>"));
}
