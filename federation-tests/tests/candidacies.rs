//! Calls, candidacies and the commission across three instances (region A, region B, the
//! hub): a candidacy from A is screened, sent back for changes, resubmitted, reviewed by two
//! reviewers and recognised, and A shows it; one from B is rejected with reasons, which B
//! shows; a reviewer of A's administration cannot review A's candidacy; a decision needs two
//! complete reviews; bad scores store nothing; the self-assessment never reaches the hub;
//! reviews of an earlier version do not count after a resubmission. What a candidacy refuses
//! or closes on is in `candidacy_limits.rs`.

use federation_tests::{
    candidacies::{
        act, candidacy_in, candidacy_where, history_steps as steps, id, open_call, propose,
        published_practice, reviewer, scores, stored_anywhere,
    },
    TestInstance,
};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn candidacies_from_two_regions_are_screened_reviewed_and_decided_and_the_origins_show_it() {
    let (a, b, hub) = (
        TestInstance::start().await,
        TestInstance::start().await,
        TestInstance::start().await,
    );
    let (ma, pa) = published_practice(&a, "comune-a", "c_a001", 0).await;
    let (mb, pb) = published_practice(&b, "comune-b", "c_b002", 1).await;
    let call = open_call(&hub, "Premio partecipazione 2026").await;
    let call_url = call["url"].as_str().expect("call url").to_string();
    assert_eq!(call["criteria"].as_array().map(Vec::len), Some(6), "{call}");
    assert_eq!(call["open"], true);
    // The call is an OrderedCollection, the target of Offers, attributed to the hub's actor.
    let doc = hub.get_ap(&call_url).await;
    assert_eq!(doc["type"], "OrderedCollection", "{doc}");
    assert_eq!(doc["totalItems"], 0);
    assert_eq!(doc["attributedTo"], format!("{}actor", hub.base));

    let r1 = reviewer(&hub, "rev-one", "formez", "formez01").await;
    let r2 = reviewer(&hub, "rev-two", "formez", "formez01").await;
    // On the hub, an administration with A's IPA code: its reviewer is A's organisation.
    let same = reviewer(&hub, "rev-same", "comune-a-hub", "c_a001").await;

    // --- A proposes; the self-assessment stays on A. ---
    let marker = format!("SELF-ASSESSMENT-{}", uuid::Uuid::new_v4());
    let mine = propose(&ma, &call_url, id(&pa), "Version one", &marker)
        .await
        .expect("propose");
    assert_eq!(mine["status"], "offered", "{mine}");
    assert!(mine["self_assessment"]["notes"]
        .as_str()
        .unwrap_or_default()
        .contains(&marker));
    let offer = mine["offer_id"].as_str().expect("offer id").to_string();
    let on_hub = candidacy_in(&hub.admin, &offer, "screening").await;
    let cid = id(&on_hub);
    assert_eq!(on_hub["practice"], pa["ap_id"], "{on_hub}");
    assert_eq!(on_hub["form"]["why"], "Version one");
    assert!(on_hub["self_assessment"].is_null());
    // The marker is on A (stored) and nowhere on the hub, nor in what A sent.
    assert!(stored_anywhere(&a, "self_assessments", "answers", &marker).await);
    assert!(!stored_anywhere(&a, "activities", "body", &marker).await);
    assert!(stored_anywhere(&hub, "inbox_activities", "body", "Anna Rossi").await);
    assert!(!stored_anywhere(&hub, "inbox_activities", "body", &marker).await);
    assert!(!stored_anywhere(&hub, "candidacies", "form", &marker).await);
    assert!(!stored_anywhere(&hub, "activities", "body", &marker).await);
    assert!(!on_hub.to_string().contains(&marker));
    // The hub holds A's practice, though it follows neither A nor its organisation.
    let hub_practice = hub
        .admin
        .call(
            Method::GET,
            &format!("/api/v1/practices/{}", on_hub["practice_id"]),
            None,
        )
        .await
        .expect("the hub holds the practice");
    assert_eq!(hub_practice["ap_id"], pa["ap_id"]);
    candidacy_in(&ma, &offer, "screening").await;
    // The Article as served (and kept) before any recognition.
    let before = a.get_ap(pa["ap_id"].as_str().expect("ap_id")).await;
    assert!(before["recognitions"].is_null(), "{before}");

    // --- Screening: changes requested, resubmitted. ---
    act(
        &hub.admin,
        cid,
        "status",
        json!({"status": "changes_requested", "message": "Add the evidence of the indicators"}),
    )
    .await
    .expect("request changes");
    let back = candidacy_in(&ma, &offer, "changes_requested").await;
    assert_eq!(
        back["message"], "Add the evidence of the indicators",
        "{back}"
    );
    let e = act(&hub.admin, cid, "status", json!({"status": "under_review"}))
        .await
        .expect_err("only the proposer answers a request for changes");
    assert_eq!(e.status, 409, "{}", e.body);
    act(
        &ma,
        id(&back),
        "resubmit",
        json!({"form": federation_tests::candidacies::form("Version two")}),
    )
    .await
    .expect("resubmit");
    let resub = candidacy_where(&hub.admin, &offer, "the hub has the new form", |c| {
        c["status"] == "resubmitted" && c["form"]["why"] == "Version two"
    })
    .await;
    assert!(
        steps(&resub).contains(&"resubmitted".to_string()),
        "{resub}"
    );

    // Steps outside the graph are refused, with the allowed ones listed.
    for wrong in ["recognised", "offered"] {
        let e = act(&hub.admin, cid, "status", json!({"status": wrong}))
            .await
            .expect_err("not in the graph");
        assert_eq!(e.status, 409, "{wrong}: {}", e.body);
    }
    let e = act(&hub.admin, cid, "status", json!({"status": "offered"}))
        .await
        .expect_err("not in the graph");
    assert!(
        e.body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("under_review"),
        "{}",
        e.body
    );
    act(&hub.admin, cid, "status", json!({"status": "under_review"}))
        .await
        .expect("under review");

    // --- Reviewers: A's administration is excluded. ---
    let e = act(
        &hub.admin,
        cid,
        "reviewers",
        json!({"reviewer": "rev-same"}),
    )
    .await
    .expect_err("conflict of interest");
    assert_eq!(e.status, 409, "{}", e.body);
    assert_eq!(e.body["error"], "conflict_of_interest");
    for r in ["rev-one", "rev-two"] {
        act(&hub.admin, cid, "reviewers", json!({"reviewer": r}))
            .await
            .expect("assign");
    }
    let e = act(&same, cid, "reviews/me", scores(3, "rev-same"))
        .await
        .expect_err("not assigned");
    assert_eq!(e.status, 403, "{}", e.body);

    // No decision without two reviews.
    let decide = json!({"outcome": "recognised", "reasons": "A model of co-design."});
    let e = act(&hub.admin, cid, "decision", decide.clone())
        .await
        .expect_err("no reviews");
    assert_eq!(e.status, 409, "{}", e.body);

    // A bad review names every bad field and stores nothing.
    let mut bad = scores(4, "rev-one");
    bad["scores"]["relevance"]["score"] = json!(0);
    bad["scores"]["innovation"]["score"] = json!(6);
    bad["scores"]["impact"]["reason"] = json!("  ");
    let e = act(&r1, cid, "reviews/me", bad)
        .await
        .expect_err("bad scores");
    assert_eq!(e.status, 422, "{}", e.body);
    let fields = e.body["fields"].as_object().expect("fields");
    for f in [
        "scores.relevance.score",
        "scores.innovation.score",
        "scores.impact.reason",
    ] {
        assert!(fields.contains_key(f), "{f} in {}", e.body);
    }
    assert_eq!(hub.count("candidacy_reviews").await, 0);

    act(&r1, cid, "reviews/me", scores(4, "rev-one"))
        .await
        .expect("review one");
    let e = act(&hub.admin, cid, "decision", decide.clone())
        .await
        .expect_err("one review only");
    assert_eq!(e.status, 409, "{}", e.body);
    act(&r2, cid, "reviews/me", scores(5, "rev-two"))
        .await
        .expect("review two");
    let decided = act(&hub.admin, cid, "decision", decide)
        .await
        .expect("decide");
    assert_eq!(decided["status"], "recognised", "{decided}");
    let h = steps(&decided);
    for s in [
        "offered",
        "status",
        "resubmitted",
        "reviewer_assigned",
        "review_submitted",
        "decision",
    ] {
        assert!(h.contains(&s.to_string()), "{s} in {h:?}");
    }
    let last = decided["history"]
        .as_array()
        .and_then(|h| h.last())
        .cloned();
    assert_eq!(last.as_ref().map(|l| l["who"].clone()), Some(json!("root")));
    assert_eq!(
        decided["history"][0]["who"],
        format!("{}actors/comune-a", a.base)
    );

    // --- A shows the recognition: the API view, the Article, the history. ---
    let got = candidacy_in(&ma, &offer, "recognised").await;
    assert_eq!(got["decision"]["reasons"], "A model of co-design.", "{got}");
    assert!(steps(&got).contains(&"decision".to_string()));
    let view = ma
        .call(Method::GET, &format!("/api/v1/practices/{}", id(&pa)), None)
        .await
        .expect("view");
    let rec = &view["recognitions"][0];
    assert_eq!(rec["call_title"], "Premio partecipazione 2026", "{view}");
    assert_eq!(rec["call"], call_url.as_str());
    assert_eq!(rec["scores"]["relevance"]["mean"], 4.5);
    assert_eq!(
        rec["scores"]["relevance"]["reviews"][1]["reviewer"],
        "rev-two"
    );
    assert_eq!(view["candidacies"][0]["status"], "recognised");
    let article = a.get_ap(pa["ap_id"].as_str().expect("ap_id")).await;
    assert_eq!(
        article["recognitions"][0]["callName"], "Premio partecipazione 2026",
        "{article}"
    );
    assert_eq!(article["recognitions"][0]["scores"]["impact"]["mean"], 4.5);
    assert!(stored_anywhere(&a, "activities", "body", "\"recognitions\"").await);
    let page = reqwest::Client::new()
        .get(pa["ap_id"].as_str().expect("ap_id"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("Riconoscimenti") && page.contains("Premio partecipazione 2026"),
        "the practice's page shows the recognition"
    );
    let history = ma
        .call(
            Method::GET,
            &format!("/api/v1/practices/{}/history", id(&pa)),
            None,
        )
        .await
        .expect("practice history");
    assert!(history.to_string().contains("\"decision\""), "{history}");

    // The hub's recognised collection, named in its actor document, holds it.
    let me = hub.get_ap(&format!("{}actor", hub.base)).await;
    let recognised = me["recognised"].as_str().expect("recognised").to_string();
    let page = hub.get_ap(&format!("{recognised}?page=1")).await;
    assert_eq!(page["orderedItems"], json!([pa["ap_id"]]), "{page}");
    assert_eq!(hub.get_ap(&call_url).await["totalItems"], 1);
    assert!(stored_anywhere(&hub, "activities", "kind", "Add").await);

    // --- B's candidacy is rejected with reasons, which B shows. ---
    let theirs = propose(&mb, &call_url, id(&pb), "From B", "b-marker")
        .await
        .expect("propose B");
    let offer_b = theirs["offer_id"].as_str().expect("offer").to_string();
    let bid = id(&candidacy_in(&hub.admin, &offer_b, "screening").await);
    act(
        &hub.admin,
        bid,
        "status",
        json!({"status": "interview_requested", "message": "Tuesday at 10?"}),
    )
    .await
    .expect("interview");
    candidacy_in(&mb, &offer_b, "interview_requested").await;
    act(&hub.admin, bid, "status", json!({"status": "under_review"}))
        .await
        .expect("under review");
    for r in ["rev-one", "rev-two"] {
        act(&hub.admin, bid, "reviewers", json!({"reviewer": r}))
            .await
            .expect("assign");
    }
    act(&r1, bid, "reviews/me", scores(2, "rev-one"))
        .await
        .expect("review");
    act(&r2, bid, "reviews/me", scores(1, "rev-two"))
        .await
        .expect("review");
    let reasons = "Not transferable yet: the method is not documented.";
    act(
        &hub.admin,
        bid,
        "decision",
        json!({"outcome": "rejected", "reasons": reasons}),
    )
    .await
    .expect("reject");
    let rejected = candidacy_in(&mb, &offer_b, "rejected").await;
    assert_eq!(rejected["decision"]["reasons"], reasons, "{rejected}");
    assert_eq!(rejected["decision"]["scores"]["impact"]["mean"], 1.5);
    let vb = mb
        .call(Method::GET, &format!("/api/v1/practices/{}", id(&pb)), None)
        .await
        .expect("view");
    assert_eq!(vb["recognitions"], json!([]), "{vb}");
    assert_eq!(vb["candidacies"][0]["status"], "rejected");
    // The candidacy's id answers with the decision, for everyone, without the form.
    let public = hub
        .get_ap(rejected["ap_id"].as_str().expect("hub id"))
        .await;
    assert_eq!(public["status"], "rejected", "{public}");
    assert_eq!(public["reasons"], reasons);
    assert!(public.get("contacts").is_none() && !public.to_string().contains("Anna Rossi"));
    let page = hub.get_ap(&format!("{recognised}?page=1")).await;
    assert_eq!(page["orderedItems"].as_array().map(Vec::len), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reviews_of_an_earlier_version_do_not_count_after_a_resubmission() {
    let (a, hub) = (TestInstance::start().await, TestInstance::start().await);
    let (ma, pa) = published_practice(&a, "comune-a", "c_a001", 0).await;
    let call = open_call(&hub, "Call").await;
    let r1 = reviewer(&hub, "rev-one", "formez", "formez01").await;
    let r2 = reviewer(&hub, "rev-two", "formez", "formez01").await;
    let mine = propose(&ma, call["url"].as_str().expect("url"), id(&pa), "v1", "m")
        .await
        .expect("propose");
    let offer = mine["offer_id"].as_str().expect("offer").to_string();
    let cid = id(&candidacy_in(&hub.admin, &offer, "screening").await);
    act(&hub.admin, cid, "status", json!({"status": "under_review"}))
        .await
        .expect("under review");
    for r in ["rev-one", "rev-two"] {
        act(&hub.admin, cid, "reviewers", json!({"reviewer": r}))
            .await
            .expect("assign");
    }
    act(&r1, cid, "reviews/me", scores(4, "rev-one"))
        .await
        .expect("review one");
    act(&r2, cid, "reviews/me", scores(5, "rev-two"))
        .await
        .expect("review two");
    // The commission asks for changes after the reviews; the proposer resubmits.
    act(
        &hub.admin,
        cid,
        "status",
        json!({"status": "changes_requested", "message": "More data"}),
    )
    .await
    .expect("request changes");
    let back = candidacy_in(&ma, &offer, "changes_requested").await;
    act(
        &ma,
        id(&back),
        "resubmit",
        json!({"form": federation_tests::candidacies::form("Version two")}),
    )
    .await
    .expect("resubmit");
    candidacy_in(&hub.admin, &offer, "resubmitted").await;
    act(&hub.admin, cid, "status", json!({"status": "under_review"}))
        .await
        .expect("under review again");
    let decide = json!({"outcome": "recognised", "reasons": "A model of co-design."});
    let e = act(&hub.admin, cid, "decision", decide.clone())
        .await
        .expect_err("the reviews scored the earlier version");
    assert_eq!(e.status, 409, "{}", e.body);
    assert!(
        e.body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("has 0"),
        "{}",
        e.body
    );
    // Reviewed again, the new version can be decided.
    act(&r1, cid, "reviews/me", scores(4, "rev-one"))
        .await
        .expect("review one again");
    act(&r2, cid, "reviews/me", scores(4, "rev-two"))
        .await
        .expect("review two again");
    let decided = act(&hub.admin, cid, "decision", decide)
        .await
        .expect("decide");
    candidacy_in(&ma, &offer, "recognised").await;

    // The practice's history on the hub: every step for the commission; publicly only the
    // steps that move the status, without messages, reviewers or reviews.
    let path = format!("/api/v1/practices/{}/history", decided["practice_id"]);
    let full = hub
        .admin
        .call(Method::GET, &path, None)
        .await
        .expect("full history");
    let full = full.to_string();
    assert!(
        full.contains("reviewer_assigned") && full.contains("More data"),
        "{full}"
    );
    let public: Value = reqwest::get(format!("{}{}", hub.base, &path[1..]))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let steps: Vec<&str> = public
        .as_array()
        .expect("steps")
        .iter()
        .map(|h| h["step"].as_str().unwrap_or_default())
        .collect();
    assert!(steps.contains(&"decision"), "{public}");
    let text = public.to_string();
    for hidden in [
        "reviewer_assigned",
        "review_submitted",
        "rev-one",
        "More data",
    ] {
        assert!(!text.contains(hidden), "{hidden} in {public}");
    }
}
