//! Search (issue 13): stemming, typos and accents, facets counted by hand on a fixed set,
//! filters combined, sorting and bad parameters. Every expectation is fixed here, so SQLite and
//! PostgreSQL must both meet it. How the index follows edits, renames and rebuilds, the hub's
//! search over two regions and two processes on one database are in `search_index.rs`.

use std::{collections::BTreeMap, time::Duration};

use federation_tests::{
    eventually,
    search::{self, counts, found, names, until_found, with_fixtures},
    TestInstance,
};
use prassi::{
    db::good_index::{endorsement_changed, Counted},
    domain::good_index::Class,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn words_are_stemmed_folded_and_forgiven() {
    let a = TestInstance::start().await;
    let (_, ids) = with_fixtures(&a, "comune-bari").await;
    let c = &a.admin;

    // Italian stemming: `partecipazione` and `partecipativo` share their stem.
    assert_eq!(found(c, "q=partecipazione", &ids).await, ["P1"]);
    // English stemming: `budgeting` finds `budget` (the English practice only).
    assert_eq!(found(c, "q=budgeting", &ids).await, ["P2"]);
    let a1 = search::search(c, "q=budgeting").await.expect("search");
    assert_eq!(a1["query"]["terms"][0]["stems"]["en"], "budget");
    assert!(
        a1["hits"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<b>budget</b>"),
        "{a1}"
    );

    // Accents: folded on both sides.
    assert_eq!(found(c, "q=citta", &ids).await, ["P1"]);
    assert_eq!(found(c, "q=CITT%C3%80", &ids).await, ["P1"]);
    assert_eq!(found(c, "q=telem%C3%A9dicina", &ids).await, ["P3"]);

    // Typos: one edit from 5 characters, two from 9, with the word it was taken for.
    let typo = search::search(c, "q=sportelo").await.expect("search");
    assert_eq!(names(&typo, &ids), ["P4"]);
    assert_eq!(typo["query"]["terms"][0]["correction"], "sportello");
    let two = search::search(c, "q=telemedcna").await.expect("search");
    assert_eq!(names(&two, &ids), ["P3"]);
    assert_eq!(two["query"]["terms"][0]["correction"], "telemedicina");
    // Too short to forgive, or too far.
    assert!(found(c, "q=opem", &ids).await.is_empty());
    assert!(found(c, "q=sporteo", &ids).await.is_empty());
    // A correct word is no typo.
    let exact = search::search(c, "q=sportello").await.expect("search");
    assert_eq!(exact["query"]["terms"][0]["correction"], Value::Null);
    // Nor is a word found by its stem (`progetto` for P1's `progetti`), though an indexed
    // word is one edit from it: the page would say "results for «progetti»".
    let stemmed = search::search(c, "q=progetto").await.expect("search");
    assert_eq!(names(&stemmed, &ids), ["P1"]);
    assert_eq!(stemmed["query"]["terms"][0]["correction"], Value::Null);

    // Words combine with AND.
    assert!(found(c, "q=bilancio+budget", &ids).await.is_empty());
    assert_eq!(found(c, "q=budget+school", &ids).await, ["P2"]);

    // Stop words are left out and said so.
    let stop = search::search(c, "q=il+bilancio+di").await.expect("search");
    assert_eq!(names(&stop, &ids), ["P1"]);
    assert_eq!(stop["query"]["ignored"], json!(["il", "di"]));

    // Phrases: the words in that order.
    assert_eq!(found(c, "q=%22open+data+academy%22", &ids).await, ["P5"]);
    assert!(found(c, "q=%22academy+data%22", &ids).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facets_are_counted_by_hand_and_filters_combine() {
    let a = TestInstance::start().await;
    let (_, ids) = with_fixtures(&a, "comune-bari").await;
    let c = &a.admin;

    // Browsing: every practice, every facet counted.
    let all = search::search(c, "").await.expect("search");
    assert_eq!(all["total"], 5);
    assert_eq!(counts(&all, "sector"), ["01=3", "09=2", "04=1", "07=1"]);
    assert_eq!(
        counts(&all, "level_of_government"),
        ["regional=3", "local=2"]
    );
    assert_eq!(
        counts(&all, "year"),
        ["2022=2", "2020=1", "2021=1", "2023=1"]
    );
    assert_eq!(counts(&all, "region"), ["16=2", "ITH5=2", "ITC4=1"]);
    assert_eq!(
        counts(&all, "sdg"),
        ["16=2", "4=2", "11=1", "3=1", "8=1", "9=1"]
    );
    assert_eq!(
        counts(&all, "stage"),
        ["evaluating=2", "implementing=2", "concluded=1"]
    );
    assert_eq!(
        counts(&all, "participation"),
        [
            "collaborate=1",
            "consult=1",
            "empower=1",
            "inform=1",
            "involve=1"
        ]
    );
    assert_eq!(
        counts(&all, "innovation_type"),
        [
            "enhancement_oriented=2",
            "adaptive=1",
            "anticipatory=1",
            "mission_oriented=1"
        ]
    );
    assert_eq!(counts(&all, "country"), ["IT=5"]);
    assert_eq!(counts(&all, "origin"), [format!("{}=5", a.config.domain())]);
    assert_eq!(
        counts(&all, "organization"),
        [format!("comune-bari@{}=5", a.config.domain())]
    );
    assert!(counts(&all, "recognition").is_empty());

    // OR within a facet.
    let or = search::search(c, "sector=01&sector=09&sort=recent")
        .await
        .expect("search");
    assert_eq!(names(&or, &ids), ["P5", "P4", "P2", "P1"]);
    // AND across facets; each facet counted with the other filters only.
    let and = search::search(
        c,
        "sector=01&sector=09&level_of_government=regional&sort=recent",
    )
    .await
    .expect("search");
    assert_eq!(names(&and, &ids), ["P5", "P4"]);
    assert_eq!(and["total"], 2);
    // Sectors among the regional practices (P3, P4, P5), the sector filter aside.
    assert_eq!(counts(&and, "sector"), ["01=2", "04=1", "07=1", "09=1"]);
    // Levels among the practices of sectors 01 or 09 (P1, P2, P4, P5).
    assert_eq!(
        counts(&and, "level_of_government"),
        ["local=2", "regional=2"]
    );
    // The others with every filter.
    assert_eq!(counts(&and, "year"), ["2020=1", "2023=1"]);
    assert_eq!(counts(&and, "region"), ["16=1", "ITH5=1"]);

    // Words and facets together.
    let both = search::search(c, "q=budget&sector=09")
        .await
        .expect("search");
    assert_eq!(names(&both, &ids), ["P2"]);
    assert_eq!(counts(&both, "sector"), ["09=1"]);
    let none = search::search(c, "q=budget&sector=07")
        .await
        .expect("search");
    assert_eq!(none["total"], 0);
    // Sector 07 ticked: budget's sectors still show, so one can change one's mind.
    assert_eq!(counts(&none, "sector"), ["09=1"]);
    let year = search::search(c, "year=2022&region=ITH5")
        .await
        .expect("search");
    assert_eq!(names(&year, &ids), ["P3"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sorted_by_index_and_by_recency() {
    let a = TestInstance::start().await;
    let (_, ids) = with_fixtures(&a, "comune-bari").await;
    let c = &a.admin;
    assert_eq!(
        found(c, "sort=recent", &ids).await,
        ["P5", "P4", "P3", "P2", "P1"]
    );

    // Endorsements re-score P3 (three peers) and P1 (one) through the index's own storage
    // function, which notes the change for search in the same transaction.
    let by_name: BTreeMap<&str, i64> = ids.iter().map(|(id, n)| (*n, *id)).collect();
    let db = a.store();
    for (name, n) in [("P3", 3), ("P1", 1)] {
        for i in 0..n {
            let mut tx = db.begin().await.expect("tx");
            let counted = Counted {
                instance: format!("peer{i}.example"),
                class: Class::Peer,
                weight: 1.0,
                positive: true,
                verified: true,
            };
            endorsement_changed(&mut tx, by_name[name], true, None, Some(&counted), 0)
                .await
                .expect("endorse");
            tx.commit().await.expect("commit");
        }
    }
    // Equal indexes (0) newest first.
    until_found(c, "sort=index", &ids, &["P3", "P1", "P5", "P4", "P2"], T).await;
    // Without words, relevance is the index.
    assert_eq!(found(c, "", &ids).await, ["P3", "P1", "P5", "P4", "P2"]);
    // Words sorted by index or recency.
    // `or` is a stop word.
    assert_eq!(found(c, "q=schools+or&sort=index", &ids).await, ["P2"]);
    assert_eq!(
        found(c, "sector=01&sort=index", &ids).await,
        ["P1", "P5", "P4"]
    );
    assert_eq!(
        found(c, "sector=01&sort=recent", &ids).await,
        ["P5", "P4", "P1"]
    );
    let relevance = search::search(c, "q=open+data").await.expect("search");
    assert_eq!(names(&relevance, &ids), ["P5"]);
    assert!(relevance["hits"][0]["score"].as_f64().unwrap() > 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_parameters_are_named() {
    let a = TestInstance::start().await;
    let c = &a.admin;
    eventually(T, "the index is open", || async {
        search::search(c, "").await.ok()
    })
    .await;
    let e = search::search(
        c,
        "q=x&colour=red&sector=99&sort=best&page=0&year=soon&sdg=18",
    )
    .await
    .expect_err("400");
    assert_eq!(e.status, StatusCode::BAD_REQUEST);
    assert_eq!(e.body["error"], "invalid_parameters");
    let fields: Vec<&String> = e.body["fields"]
        .as_object()
        .expect("fields")
        .keys()
        .collect();
    assert_eq!(fields, ["colour", "page", "sdg", "sector", "sort", "year"]);
    let e = search::search(c, "q=a&q=b").await.expect_err("400");
    assert!(e.body["fields"]["q"].is_string(), "{}", e.body);
    // The OpenAPI document describes the search.
    let doc = c
        .call(Method::GET, "/api/openapi.json", None)
        .await
        .expect("openapi");
    assert!(doc["paths"]["/api/v1/search"]["get"].is_object());
}
