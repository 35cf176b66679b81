//! The `recognition` facet through a real candidacy (issue 13): a region proposes a practice
//! to a hub's call, the hub's commission screens, reviews and recognises it, and then the
//! hub's search counts the practice under the hub and finds it by that facet, as does the
//! search of the region, which the decision reached.

use std::{collections::BTreeMap, time::Duration};

use federation_tests::{
    candidacies::{open_call, published_practice, recognised},
    eventually,
    search::{self, counts, names},
    TestInstance,
};

const T: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_practice_recognised_through_a_call_is_counted_by_the_recognition_facet() {
    let (a, hub) = (TestInstance::start().await, TestInstance::start().await);
    let (manager, practice) = published_practice(&a, "comune-a", "c_a001", 0).await;
    // A second practice of A, held by the hub too, never proposed.
    let (_, other) = published_practice(&a, "comune-b", "c_b002", 1).await;
    let call = open_call(&hub, "Premio partecipazione 2026").await;
    let call_url = call["url"].as_str().expect("call url");
    let resolved = hub
        .admin
        .call(
            reqwest::Method::GET,
            &format!(
                "/api/v1/resolve?uri={}",
                other["ap_id"].as_str().expect("ap_id")
            ),
            None,
        )
        .await
        .expect("resolve");
    let other_on_hub = resolved["practice"]["id"].as_i64().expect("id");

    // Nothing recognised yet: the hub holds both, neither counted.
    let before = eventually(T, "the hub's search has A's other practice", || async {
        let s = search::search(&hub.admin, "").await.ok()?;
        (s["total"] == 1).then_some(s)
    })
    .await;
    assert!(counts(&before, "recognition").is_empty(), "{before}");

    let decided = recognised(
        &hub,
        &manager,
        call_url,
        practice["id"].as_i64().expect("id"),
    )
    .await;
    let on_hub = decided["practice_id"]
        .as_i64()
        .expect("practice on the hub");
    let hub_host = hub.config.domain();
    let ids = BTreeMap::from([(on_hub, "recognised"), (other_on_hub, "other")]);

    // The hub: counted under its own host, and found by it.
    let all = eventually(T, "the hub's search counts the recognition", || async {
        let s = search::search(&hub.admin, "").await.ok()?;
        (!counts(&s, "recognition").is_empty()).then_some(s)
    })
    .await;
    assert_eq!(all["total"], 2, "{all}");
    assert_eq!(counts(&all, "recognition"), [format!("{hub_host}=1")]);
    let by = search::search(&hub.admin, &format!("recognition={hub_host}"))
        .await
        .expect("search");
    assert_eq!(names(&by, &ids), ["recognised"]);
    assert_eq!(by["total"], 1);
    // Ticked, the facet still counts over every practice (its own filter aside).
    assert_eq!(counts(&by, "recognition"), [format!("{hub_host}=1")]);
    let none = search::search(&hub.admin, "recognition=elsewhere.example")
        .await
        .expect("search");
    assert_eq!(none["total"], 0);

    // The region holds the decision too: its search counts its practice under the hub.
    let ids_a = BTreeMap::from([(practice["id"].as_i64().expect("id"), "recognised")]);
    let on_a = eventually(T, "A's search counts the recognition", || async {
        let s = search::search(&a.admin, &format!("recognition={hub_host}"))
            .await
            .ok()?;
        (names(&s, &ids_a) == ["recognised"]).then_some(s)
    })
    .await;
    assert_eq!(on_a["total"], 1);
    assert_eq!(counts(&on_a, "recognition"), [format!("{hub_host}=1")]);
}
