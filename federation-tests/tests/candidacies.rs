//! Calls, candidacies and the commission across three instances (region A, region B, the
//! hub): a candidacy from A is screened, sent back for changes, resubmitted, reviewed by two
//! reviewers and recognised, and A shows it; one from B is rejected with reasons, which B
//! shows; a reviewer of A's administration cannot review A's candidacy; a decision needs two
//! complete reviews; bad scores store nothing; the self-assessment never reaches the hub;
//! a closed call refuses Offers; a practice deleted on A closes its candidacy on the hub.

use std::time::Duration;

use federation_tests::{
    candidacies::{
        act, candidacy_in, candidacy_where, deliver_signed, open_call, propose, published_practice,
        reviewer, scores, stored_anywhere,
    },
    eventually, Options, TestInstance,
};
use reqwest::Method;
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(30);

fn steps(view: &Value) -> Vec<String> {
    view["history"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| h["step"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

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
async fn closed_calls_refuse_offers_and_proposals_are_checked() {
    // A sends nothing until it is restarted with its workers: its Offer reaches the hub
    // only after the call closed.
    let mut a = TestInstance::start_with(Options {
        tweak: |c| c.delivery.run_workers = false,
        ..Default::default()
    })
    .await;
    let hub = TestInstance::start().await;
    let (ma, pa) = published_practice(&a, "comune-a", "c_a001", 0).await;
    let call = open_call(&hub, "Call that closes").await;
    let call_url = call["url"].as_str().expect("url").to_string();

    // Only a manager of the practice's organisation proposes it, only once published, with
    // a complete form, to a call that can be read.
    let other = a.manager_of("altro-ente").await;
    let e = propose(&other, &call_url, id(&pa), "x", "m")
        .await
        .expect_err("another organisation");
    assert_eq!(e.status, 403, "{}", e.body);
    let draft = ma.draft(federation_tests::example(1)).await;
    let e = propose(&ma, &call_url, id(&draft), "x", "m")
        .await
        .expect_err("a draft");
    assert_eq!(e.status, 422, "{}", e.body);
    assert!(e.body["fields"]["practice"].is_string(), "{}", e.body);
    let e = ma
        .call(
            Method::POST,
            "/api/v1/candidacies",
            Some(
                json!({"call": call_url, "practice": id(&pa), "form": {"why": "", "contacts": []}}),
            ),
        )
        .await
        .expect_err("an empty form");
    assert_eq!(e.status, 422, "{}", e.body);
    for f in ["form.why", "form.transferable", "form.contacts"] {
        assert!(e.body["fields"][f].is_string(), "{f}: {}", e.body);
    }
    // An Offer by someone else than the practice's organisation is refused on the hub.
    let by_person = json!({
        "id": format!("{}activities/offer-by-a-person", a.base),
        "type": "Offer",
        "actor": format!("{}actors/m-comune-a", a.base),
        "object": pa["ap_id"],
        "target": call_url,
        "instrument": {"type": "CandidacyForm", "why": "w", "transferable": "t",
                       "contacts": [{"name": "A", "email": "a@example.org"}]},
    });
    let why = deliver_signed(&a, "m-comune-a", &hub, &by_person)
        .await
        .expect("refused");
    assert!(why.contains("not a practice of"), "{why}");
    assert_eq!(hub.count("candidacies").await, 0);
    let gone = format!(
        "http://127.0.0.1:{}/calls/none",
        federation_tests::free_port()
    );
    let e = propose(&ma, &gone, id(&pa), "x", "m")
        .await
        .expect_err("unreachable");
    assert_eq!(e.status, 502, "{}", e.body);
    assert_eq!(a.count("candidacies").await, 0);

    // Proposed while the call is open; the commission closes it before the Offer arrives.
    let mine = propose(&ma, &call_url, id(&pa), "x", "m")
        .await
        .expect("propose");
    let offer = mine["offer_id"].as_str().expect("offer").to_string();
    let closed = hub
        .admin
        .call(
            Method::PATCH,
            &format!("/api/v1/calls/{}", id(&call)),
            Some(json!({"closed": true})),
        )
        .await
        .expect("close");
    assert_eq!(closed["open"], false, "{closed}");
    assert_eq!(hub.get_ap(&call_url).await["closed"], true);
    // The origin refuses to propose to a closed call.
    let e = propose(&ma, &call_url, id(&pa), "x", "m")
        .await
        .expect_err("closed");
    assert_eq!(e.status, 409, "{}", e.body);
    assert!(
        e.body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("closed"),
        "{}",
        e.body
    );

    // The Offer reaches the hub now: refused with the reason, no candidacy kept, and the
    // origin told so with a Reject.
    a.config.delivery.run_workers = true;
    a.restart().await;
    let why = eventually(T, "the hub refuses the late Offer", || async {
        let row: Option<(String, Option<String>)> = federation_tests::sql!(
            fetch_optional,
            hub.store().writer(),
            (String, Option<String>),
            "SELECT state, last_error FROM inbox_activities WHERE ap_id = $1",
            offer.clone()
        )
        .expect("inbox row");
        row.filter(|r| r.0 == "failed").and_then(|r| r.1)
    })
    .await;
    assert!(why.contains("closed"), "{why}");
    assert_eq!(hub.count("candidacies").await, 0);
    let refused = candidacy_in(&ma, &offer, "rejected").await;
    assert!(
        refused["decision"]["reasons"]
            .as_str()
            .unwrap_or_default()
            .contains("closed"),
        "{refused}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_practice_deleted_at_its_origin_closes_its_candidacy_on_the_hub() {
    let (a, hub) = (TestInstance::start().await, TestInstance::start().await);
    let (ma, pa) = published_practice(&a, "comune-a", "c_a001", 0).await;
    // The hub follows neither the organisation nor its instance: it hears of the edit and
    // of the deletion because the practice has a candidacy there.
    let call = open_call(&hub, "Call").await;
    let mine = propose(&ma, call["url"].as_str().expect("url"), id(&pa), "x", "m")
        .await
        .expect("propose");
    let offer = mine["offer_id"].as_str().expect("offer").to_string();
    let cid = id(&candidacy_in(&hub.admin, &offer, "screening").await);
    candidacy_in(&ma, &offer, "screening").await;
    act(
        &hub.admin,
        cid,
        "status",
        json!({"status": "changes_requested", "message": "More data"}),
    )
    .await
    .expect("request changes");
    let mine = candidacy_in(&ma, &offer, "changes_requested").await;
    // A step older than the one applied (deliveries run in parallel) changes nothing.
    let late = json!({
        "id": format!("{}activities/late-step", hub.base),
        "type": "Update",
        "actor": format!("{}actor", hub.base),
        "object": {"type": "Candidacy", "id": mine["ap_id"], "offer": offer,
                   "call": call["url"], "status": "screening", "step": 1},
    });
    assert_eq!(deliver_signed(&hub, "instance", &a, &late).await, None);
    let still = candidacy_in(&ma, &offer, "changes_requested").await;
    assert_eq!(still["message"], "More data", "{still}");

    // Edited at its origin: the hub's copy follows.
    ma.call(
        Method::PATCH,
        &format!("/api/v1/practices/{}", id(&pa)),
        Some(json!({"summary": {"it": "Sintesi rivista dopo la richiesta"}})),
    )
    .await
    .expect("edit");
    let ap_id = pa["ap_id"].as_str().expect("ap_id").to_string();
    eventually(T, "the hub holds the edited practice", || async {
        let row: Option<(String,)> = federation_tests::sql!(
            fetch_optional,
            hub.store().writer(),
            (String,),
            "SELECT record FROM practices WHERE ap_id = $1",
            ap_id.clone()
        )
        .expect("practice");
        row.filter(|r| r.0.contains("Sintesi rivista dopo la richiesta"))
    })
    .await;

    ma.call(
        Method::DELETE,
        &format!("/api/v1/practices/{}", id(&pa)),
        None,
    )
    .await
    .expect("delete");
    let closed = candidacy_in(&hub.admin, &offer, "closed").await;
    assert_eq!(
        closed["message"], "the practice was deleted at its origin",
        "{closed}"
    );
    let last = closed["history"].as_array().and_then(|h| h.last()).cloned();
    assert_eq!(
        last.as_ref().map(|l| l["step"].clone()),
        Some(json!("closed"))
    );
    let e = act(
        &hub.admin,
        id(&closed),
        "status",
        json!({"status": "under_review"}),
    )
    .await
    .expect_err("closed for good");
    assert_eq!(e.status, 409, "{}", e.body);
    // A closed its own copy too.
    candidacy_in(&ma, &offer, "closed").await;
    let state: (String,) = federation_tests::sql!(
        fetch_one,
        hub.store().writer(),
        (String,),
        "SELECT state FROM practices WHERE ap_id = $1",
        ap_id.clone()
    )
    .expect("tombstone");
    assert_eq!(state.0, "deleted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_and_incomplete_offers_are_refused_and_the_origin_told_why() {
    let (a, hub) = (TestInstance::start().await, TestInstance::start().await);
    let (ma, pa) = published_practice(&a, "comune-a", "c_a001", 0).await;
    let call = open_call(&hub, "Call").await;
    let call_url = call["url"].as_str().expect("url").to_string();
    let mine = propose(&ma, &call_url, id(&pa), "x", "m")
        .await
        .expect("propose");
    let offer = mine["offer_id"].as_str().expect("offer").to_string();
    candidacy_in(&hub.admin, &offer, "screening").await;
    let complete = json!({"type": "CandidacyForm", "why": "w", "transferable": "t",
                          "contacts": [{"name": "A", "email": "a@example.org"}]});

    // A second Offer of the same practice to the same call while the first is open is a
    // duplicate: refused, no second candidacy.
    let twice = json!({
        "id": format!("{}activities/offer-twice", a.base),
        "type": "Offer",
        "actor": format!("{}actors/comune-a", a.base),
        "object": pa["ap_id"],
        "target": call_url,
        "instrument": complete,
    });
    let why = deliver_signed(&a, "comune-a", &hub, &twice)
        .await
        .expect("refused");
    assert!(why.contains("already a candidate"), "{why}");
    assert_eq!(hub.count("candidacies").await, 1);

    // An Offer the hub refuses for another reason than a closed call (here an incomplete
    // form) is answered with a Reject carrying the reason: the origin does not stay
    // `offered`.
    let other = ma.publish(federation_tests::example(1)).await;
    let incomplete = format!("{}activities/offer-incomplete", a.base);
    federation_tests::sql!(
        execute,
        a.store().writer(),
        "INSERT INTO candidacies (offer_id, call_ap_id, call_title, hub_inbox, practice_id, \
           organization_id, form, status, created_at, updated_at) \
         SELECT $1, call_ap_id, call_title, hub_inbox, $2, organization_id, form, 'offered', \
           created_at, updated_at FROM candidacies WHERE offer_id = $3",
        incomplete.clone(),
        id(&other),
        offer.clone()
    )
    .expect("origin row");
    let bad = json!({
        "id": incomplete,
        "type": "Offer",
        "actor": format!("{}actors/comune-a", a.base),
        "object": other["ap_id"],
        "target": call_url,
        "instrument": {"type": "CandidacyForm", "why": "", "transferable": "t",
                       "contacts": [{"name": "A", "email": "a@example.org"}]},
    });
    let why = deliver_signed(&a, "comune-a", &hub, &bad)
        .await
        .expect("refused");
    assert!(why.contains("incomplete"), "{why}");
    let refused = candidacy_in(&ma, &incomplete, "rejected").await;
    assert!(
        refused["decision"]["reasons"]
            .as_str()
            .unwrap_or_default()
            .contains("incomplete"),
        "{refused}"
    );
    assert_eq!(hub.count("candidacies").await, 1);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_third_host_cannot_change_decide_or_resubmit_a_candidacy() {
    let (a, hub, c) = (
        TestInstance::start().await,
        TestInstance::start().await,
        TestInstance::start().await,
    );
    let (ma, pa) = published_practice(&a, "comune-a", "c_a001", 0).await;
    let call = open_call(&hub, "Call").await;
    let mine = propose(&ma, call["url"].as_str().expect("url"), id(&pa), "x", "m")
        .await
        .expect("propose");
    let offer = mine["offer_id"].as_str().expect("offer").to_string();
    candidacy_in(&hub.admin, &offer, "screening").await;
    let mine = candidacy_in(&ma, &offer, "screening").await;
    let result = |status: &str| {
        json!({"type": "Candidacy", "id": mine["ap_id"], "offer": offer, "call": call["url"],
               "status": status, "reasons": "r", "step": 99})
    };
    // A step, an Accept and a Reject of A's candidacy, by another host than the hub's.
    let by_c = [
        json!({"id": format!("{}activities/c-step", c.base), "type": "Update",
               "actor": format!("{}actor", c.base), "object": result("changes_requested")}),
        json!({"id": format!("{}activities/c-accept", c.base), "type": "Accept",
               "actor": format!("{}actor", c.base), "object": offer,
               "result": result("recognised")}),
        json!({"id": format!("{}activities/c-reject", c.base), "type": "Reject",
               "actor": format!("{}actor", c.base), "object": offer,
               "result": result("rejected")}),
    ];
    for a_c in &by_c {
        let why = deliver_signed(&c, "instance", &a, a_c)
            .await
            .expect("refused");
        assert!(why.contains("does not hold the call"), "{why}");
    }
    let still = candidacy_in(&ma, &offer, "screening").await;
    assert!(still["decision"].is_null(), "{still}");
    // A resubmission of A's Offer by another actor is refused on the hub.
    let resubmit = json!({
        "id": format!("{}activities/c-resubmit", c.base),
        "type": "Update",
        "actor": format!("{}actor", c.base),
        "object": {"id": offer, "type": "Offer", "actor": format!("{}actors/comune-a", a.base),
                   "object": pa["ap_id"], "target": call["url"],
                   "instrument": {"type": "CandidacyForm", "why": "w", "transferable": "t",
                                  "contacts": [{"name": "A", "email": "a@example.org"}]}},
    });
    let why = deliver_signed(&c, "instance", &hub, &resubmit)
        .await
        .expect("refused");
    assert!(why.contains("another actor"), "{why}");
    candidacy_in(&hub.admin, &offer, "screening").await;
}
