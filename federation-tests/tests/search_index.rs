//! Search (issue 13), how the index keeps up: edits and deletions reach it, renaming an
//! organisation reindexes its practices, the fixed answers hold after rebuilds, a hub searches
//! the practices of two regions, and two processes on one database each find what the other
//! published. The engine's own answers are in `search.rs`.

use std::{collections::BTreeMap, time::Duration};

use federation_tests::{
    candidacies::deliver_signed,
    eventually,
    search::{
        self, counts, fixtures, found, names, publish_all, record, summary, until_found,
        with_fixtures,
    },
    sql, ApiClient, TestInstance,
};
use prassi::db::actors::{self, ActorRow, NewActor};
use reqwest::Method;
use serde_json::json;

const T: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_and_deletions_reach_the_index() {
    let a = TestInstance::start().await;
    let (m, ids) = with_fixtures(&a, "comune-bari").await;
    let c = &a.admin;
    let by_name: BTreeMap<&str, i64> = ids.iter().map(|(id, n)| (*n, *id)).collect();

    assert_eq!(found(c, "q=imprese", &ids).await, ["P4"]);
    m.call(
        Method::PATCH,
        &format!("/api/v1/practices/{}", by_name["P4"]),
        Some(json!({"title": {"it": "Sportello unico per i cantieri"}, "sectors": ["06"]})),
    )
    .await
    .expect("edit");
    until_found(c, "q=cantieri", &ids, &["P4"], T).await;
    assert!(found(c, "q=imprese", &ids).await.is_empty());
    let s = search::search(c, "").await.expect("search");
    assert_eq!(counts(&s, "sector"), ["01=2", "09=2", "06=1", "07=1"]);

    m.call(
        Method::DELETE,
        &format!("/api/v1/practices/{}", by_name["P3"]),
        None,
    )
    .await
    .expect("delete");
    // At once, before the index has read the deletion from the feed (it polls every
    // second): the search leaves it out of its total and counts too, not only of the hits
    // shown, so hits and total agree.
    let s = search::search(c, "q=telemedicina").await.expect("search");
    assert_eq!((&s["total"], names(&s, &ids)), (&json!(0), vec![]), "{s}");
    let s = search::search(c, "").await.expect("search");
    assert_eq!(s["total"], 4);
    assert_eq!(names(&s, &ids).len(), 4);
    assert_eq!(counts(&s, "sector"), ["01=2", "09=2", "06=1"]);
    // And gone from the index itself once it read the feed.
    let engine = a.fed.to_request_data().search.engine().expect("engine");
    eventually(T, "the deleted practice leaves the index", || async {
        let req = prassi::search::SearchRequest {
            q: "telemedicina".into(),
            ..Default::default()
        };
        (engine.search(&req).ok()?.total == 0).then_some(())
    })
    .await;
    // A draft is never found.
    let mut draft = record(&fixtures()[2]);
    draft["title"] = json!({"it": "Bozza riservata"});
    m.draft(draft).await;
    // The draft's change is in the feed; once a later publication is found, the draft was
    // read too and left out.
    let mut later = record(&fixtures()[0]);
    later["title"] = json!({"it": "Orti urbani condivisi"});
    let v = m.publish(later).await;
    let mut ids2 = ids.clone();
    ids2.insert(v["id"].as_i64().unwrap(), "P6");
    until_found(c, "q=orti", &ids2, &["P6"], T).await;
    assert!(found(c, "q=riservata", &ids2).await.is_empty());
}

/// An actor row as [`actors::upsert`] takes it, renamed.
fn renamed(a: ActorRow, name: &str) -> NewActor {
    NewActor {
        ap_id: a.ap_id.0.to_string(),
        kind: a.kind,
        username: a.username,
        domain: a.domain,
        local: a.local,
        name: Some(name.into()),
        summary: a.summary,
        url: a.url,
        icon_url: a.icon_url,
        inbox: a.inbox,
        shared_inbox: a.shared_inbox,
        outbox: a.outbox,
        followers_url: a.followers_url,
        following_url: a.following_url,
        public_key_id: a.public_key_id,
        public_key_pem: a.public_key_pem,
        private_key_pem: a.private_key_pem,
        ipa_code: a.ipa_code,
        level: a.level,
        region: a.region,
        website: a.website,
        manually_approves: a.manually_approves,
        published: a.published,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renaming_an_organisation_reindexes_its_practices() {
    let a = TestInstance::start().await;
    let hub = TestInstance::start().await;
    let fx = fixtures();
    // "Comune di Prova": the name every practice of the organisation is found by.
    let on_a = publish_all(&a.manager_of("comune-bari").await, &[fx[0].clone()]).await;
    let (&id_a, _) = on_a.iter().next().expect("published");
    let view = a
        .admin
        .call(Method::GET, &format!("/api/v1/practices/{id_a}"), None)
        .await
        .expect("practice");
    let r = hub
        .admin
        .call(
            Method::GET,
            &format!(
                "/api/v1/resolve?uri={}",
                view["ap_id"].as_str().expect("ap_id")
            ),
            None,
        )
        .await
        .expect("resolve");
    let on_hub = BTreeMap::from([(r["practice"]["id"].as_i64().expect("id"), "P1")]);
    until_found(&a.admin, "q=prova", &on_a, &["P1"], T).await;
    until_found(&hub.admin, "q=prova", &on_hub, &["P1"], T).await;

    // Renamed where it lives (its row stored anew, as any edit of it is).
    let org = actors::local_by_username(&a.store(), "comune-bari")
        .await
        .expect("db")
        .expect("organisation");
    let org_url = org.ap_id.0.to_string();
    actors::upsert(&a.store(), renamed(org, "Unione dei Trulli"))
        .await
        .expect("rename");
    until_found(&a.admin, "q=trulli", &on_a, &["P1"], T).await;
    assert!(found(&a.admin, "q=prova", &on_a).await.is_empty());
    // The hub has not heard of it yet.
    assert!(found(&hub.admin, "q=trulli", &on_hub).await.is_empty());

    // The organisation's Update of itself reaches the hub, which reads it again from A.
    let update = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}activities/{}", a.base, uuid::Uuid::new_v4()),
        "type": "Update",
        "actor": org_url,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {"type": "Organization", "id": org_url},
    });
    let error = deliver_signed(&a, "comune-bari", &hub, &update).await;
    assert_eq!(error, None, "the hub applies the Update");
    until_found(&hub.admin, "q=trulli", &on_hub, &["P1"], T).await;
    assert!(found(&hub.admin, "q=prova", &on_hub).await.is_empty());
    // Its practices are still counted under its handle.
    let s = search::search(&hub.admin, "q=trulli")
        .await
        .expect("search");
    assert_eq!(
        counts(&s, "organization"),
        [format!("comune-bari@{}=1", a.config.domain())]
    );
}

/// The queries whose answers are compared across backends and rebuilds.
const QUERIES: &[&str] = &[
    "",
    "q=partecipazione",
    "q=budgeting",
    "q=open+data",
    "q=telemedcna",
    "sector=01&sector=09&level_of_government=regional",
    "q=budget&sector=07",
    "sort=recent&region=16",
    "sort=index&year=2022",
];

/// What both backends must answer to [`QUERIES`] (hits in order, total, facets by hand).
const EXPECTED: &[&str] = &[
    r#"["P5", "P4", "P3", "P2", "P1"] total=5 country:IT=5 innovation_type:enhancement_oriented=2,adaptive=1,anticipatory=1,mission_oriented=1 level_of_government:regional=3,local=2 participation:collaborate=1,consult=1,empower=1,inform=1,involve=1 region:16=2,ITH5=2,ITC4=1 sdg:16=2,4=2,11=1,3=1,8=1,9=1 sector:01=3,09=2,04=1,07=1 stage:evaluating=2,implementing=2,concluded=1 year:2022=2,2020=1,2021=1,2023=1"#,
    r#"["P1"] total=1 country:IT=1 innovation_type:enhancement_oriented=1 level_of_government:local=1 participation:empower=1 region:16=1 sdg:11=1,16=1 sector:01=1 stage:evaluating=1 year:2021=1"#,
    r#"["P2"] total=1 country:IT=1 innovation_type:mission_oriented=1 level_of_government:local=1 participation:involve=1 region:ITC4=1 sdg:4=1 sector:09=1 stage:implementing=1 year:2022=1"#,
    r#"["P5"] total=1 country:IT=1 innovation_type:anticipatory=1 level_of_government:regional=1 participation:collaborate=1 region:ITH5=1 sdg:16=1,4=1 sector:01=1,09=1 stage:evaluating=1 year:2023=1"#,
    r#"["P3"] total=1 country:IT=1 innovation_type:adaptive=1 level_of_government:regional=1 participation:consult=1 region:ITH5=1 sdg:3=1 sector:07=1 stage:implementing=1 year:2022=1"#,
    r#"["P5", "P4"] total=2 country:IT=2 innovation_type:anticipatory=1,enhancement_oriented=1 level_of_government:local=2,regional=2 participation:collaborate=1,inform=1 region:16=1,ITH5=1 sdg:16=1,4=1,8=1,9=1 sector:01=2,04=1,07=1,09=1 stage:concluded=1,evaluating=1 year:2020=1,2023=1"#,
    r#"[] total=0 country: innovation_type: level_of_government: participation: region: sdg: sector:09=1 stage: year:"#,
    r#"["P4", "P1"] total=2 country:IT=2 innovation_type:enhancement_oriented=2 level_of_government:local=1,regional=1 participation:empower=1,inform=1 region:16=2,ITH5=2,ITC4=1 sdg:11=1,16=1,8=1,9=1 sector:01=2,04=1 stage:concluded=1,evaluating=1 year:2020=1,2021=1"#,
    r#"["P3", "P2"] total=2 country:IT=2 innovation_type:adaptive=1,mission_oriented=1 level_of_government:local=1,regional=1 participation:consult=1,involve=1 region:ITC4=1,ITH5=1 sdg:3=1,4=1 sector:07=1,09=1 stage:implementing=2 year:2022=2,2020=1,2021=1,2023=1"#,
];

async fn answers(c: &ApiClient, ids: &BTreeMap<i64, &'static str>) -> Vec<String> {
    let mut out = Vec::new();
    for q in QUERIES {
        out.push(summary(&search::search(c, q).await.expect("search"), ids));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixed_answers_on_this_backend_and_after_rebuilds() {
    let mut a = TestInstance::start().await;
    let (m, ids) = with_fixtures(&a, "comune-bari").await;
    let before = answers(&a.admin, &ids).await;
    for (i, (got, want)) in before.iter().zip(EXPECTED).enumerate() {
        assert_eq!(got, want, "query {:?}", QUERIES[i]);
    }

    // Missing: rebuilt from the database at start.
    let dir = a.fed.to_request_data().search.dir().to_path_buf();
    a.stop().await;
    std::fs::remove_dir_all(&dir).expect("remove the index");
    a.restart().await;
    let c = a.admin.clone();
    let again = eventually(T, "the rebuilt index answers", || async {
        search::search(&c, "").await.ok()?;
        Some(answers(&c, &ids).await)
    })
    .await;
    assert_eq!(again, before);
    assert!(dir.join("meta.json").exists());

    // Corrupt: rebuilt too.
    a.stop().await;
    std::fs::write(dir.join("meta.json"), b"{ not json").expect("corrupt");
    a.restart().await;
    let c = a.admin.clone();
    let again = eventually(T, "the index rebuilt after corruption answers", || async {
        search::search(&c, "").await.ok()?;
        Some(answers(&c, &ids).await)
    })
    .await;
    assert_eq!(again, before);

    // Current: opened as it is, not rebuilt. A change made behind the feed's back (raw SQL,
    // no `search_changes` row) is therefore not seen...
    let by_name: BTreeMap<&str, i64> = ids.iter().map(|(id, n)| (*n, *id)).collect();
    let p3 = by_name["P3"];
    // The instance's own pool is closed while it is stopped.
    let url = a.config.database_url.clone();
    let open = || async { prassi::db::Db::connect(&url).await.expect("connect") };
    let retitle = |db: prassi::db::Db, from: &'static str, to: &'static str| async move {
        sql!(
            execute,
            db.writer(),
            "UPDATE practices SET record = REPLACE(record, $1, $2) WHERE id = $3",
            from,
            to,
            p3
        )
        .expect("retitle");
        db.close().await;
    };
    a.stop().await;
    retitle(open().await, "Telemedicina", "Teleassistenza").await;
    a.restart().await;
    let c = a.admin.clone();
    let ready = || async { search::search(&c, "").await.ok() };
    eventually(T, "the reopened index answers", ready).await;
    assert_eq!(answers(&c, &ids).await, before);
    assert!(found(&c, "q=teleassistenza", &ids).await.is_empty());

    // ...until the index is of another database (stale): rebuilt, it reads the change.
    a.stop().await;
    let db = open().await;
    sql!(
        execute,
        db.writer(),
        "UPDATE search_identity SET identity = 'another'"
    )
    .expect("identity");
    db.close().await;
    a.restart().await;
    let c = a.admin.clone();
    until_found(&c, "q=teleassistenza", &ids, &["P3"], T).await;

    // Left behind the oldest change kept (the ones it missed were pruned): rebuilt too.
    a.stop().await;
    retitle(open().await, "Teleassistenza", "Telecontrollo").await;
    let db = open().await;
    // Three changes after everything the index saw, the first two pruned.
    sql!(execute, db.writer(), "DELETE FROM search_changes").expect("prune");
    for _ in 0..3 {
        sql!(
            execute,
            db.writer(),
            "INSERT INTO search_changes (practice_id, changed_at) VALUES ($1, 0)",
            by_name["P1"]
        )
        .expect("a later change");
    }
    sql!(
        execute,
        db.writer(),
        "DELETE FROM search_changes WHERE seq < (SELECT MAX(seq) FROM search_changes)"
    )
    .expect("prune");
    db.close().await;
    a.restart().await;
    let c = a.admin.clone();
    until_found(&c, "q=telecontrollo", &ids, &["P3"], T).await;

    // And it follows the feed again: a practice published now is found.
    let mut later = record(&fixtures()[0]);
    later["title"] = json!({"it": "Orti urbani condivisi"});
    let v = m.publish(later).await;
    let ids2 = BTreeMap::from([(v["id"].as_i64().unwrap(), "P6")]);
    until_found(&c, "q=orti", &ids2, &["P6"], T).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hub_searches_the_practices_of_two_regions() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    let hub = TestInstance::start().await;
    let fx = fixtures();
    let on_a = publish_all(
        &a.manager_of("comune-bari").await,
        &[fx[0].clone(), fx[3].clone()],
    )
    .await;
    let on_b = publish_all(&b.manager_of("regione-lombardia").await, &[fx[1].clone()]).await;

    // The hub reads each practice by its URL (as its follows and backfill will).
    let mut ids = BTreeMap::new();
    for (inst, local) in [(&a, &on_a), (&b, &on_b)] {
        for (id, name) in local {
            let view = inst
                .admin
                .call(Method::GET, &format!("/api/v1/practices/{id}"), None)
                .await
                .expect("practice");
            let url = view["ap_id"].as_str().expect("ap_id");
            let r = hub
                .admin
                .call(Method::GET, &format!("/api/v1/resolve?uri={url}"), None)
                .await
                .expect("resolve");
            ids.insert(r["practice"]["id"].as_i64().expect("id"), *name);
        }
    }
    let all = eventually(T, "the hub finds the three practices", || async {
        let s = search::search(&hub.admin, "").await.ok()?;
        (s["total"] == 3).then_some(s)
    })
    .await;
    assert_eq!(counts(&all, "region"), ["16=2", "ITC4=1"]);
    let (ha, hb) = (a.config.domain(), b.config.domain());
    let mut origins = counts(&all, "origin");
    origins.sort();
    let mut want = vec![format!("{ha}=2"), format!("{hb}=1")];
    want.sort();
    assert_eq!(origins, want);
    let mut orgs = counts(&all, "organization");
    orgs.sort();
    let mut want = vec![
        format!("comune-bari@{ha}=2"),
        format!("regione-lombardia@{hb}=1"),
    ];
    want.sort();
    assert_eq!(orgs, want);
    assert_eq!(counts(&all, "sector"), ["01=2", "04=1", "09=1"]);

    // Words across both regions' practices, and a region ticked.
    assert_eq!(found(&hub.admin, "q=partecipativo", &ids).await, ["P1"]);
    assert_eq!(found(&hub.admin, "q=budgeting", &ids).await, ["P2"]);
    let lombardy = search::search(&hub.admin, "region=ITC4")
        .await
        .expect("search");
    assert_eq!(names(&lombardy, &ids), ["P2"]);
    assert_eq!(counts(&lombardy, "region"), ["16=2", "ITC4=1"]);
    let from_a = search::search(&hub.admin, &format!("origin={ha}&sort=recent"))
        .await
        .expect("search");
    assert_eq!(names(&from_a, &ids), ["P4", "P1"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_each_find_what_the_other_published() {
    let a = TestInstance::start().await;
    let m = a.manager_of("comune-bari").await;
    let second = a.second_process().await;
    let other = ApiClient::new(second.base.clone(), a.admin.token().map(str::to_string));
    // The second process builds its own index first.
    eventually(T, "the second process's index is open", || async {
        search::search(&other, "").await.ok()
    })
    .await;
    assert_ne!(
        second.fed.to_request_data().search.dir(),
        a.fed.to_request_data().search.dir()
    );

    let fx = fixtures();
    let p = m.publish(record(&fx[2])).await;
    let ids = BTreeMap::from([(p["id"].as_i64().unwrap(), "P3")]);
    let started = std::time::Instant::now();
    // Committed at most 2 s earlier, plus the polling of this test.
    until_found(
        &other,
        "q=telemedicina",
        &ids,
        &["P3"],
        Duration::from_millis(2500),
    )
    .await;
    eprintln!("found by the other process after {:?}", started.elapsed());

    // And the other way round: published through the second process.
    let m2 = ApiClient::new(second.base.clone(), m.token().map(str::to_string));
    let p = m2.publish(record(&fx[4])).await;
    let ids = BTreeMap::from([(p["id"].as_i64().unwrap(), "P5")]);
    until_found(
        &a.admin,
        "q=academy",
        &ids,
        &["P5"],
        Duration::from_millis(2500),
    )
    .await;
}
