//! What a candidacy refuses or closes on, across instances: a closed call refuses Offers and
//! proposals are checked; a practice deleted at its origin closes its candidacy on the hub;
//! duplicate and incomplete Offers are refused and the origin told why; a third host cannot
//! change, decide or resubmit a candidacy. The review and decision flow is in
//! `candidacies.rs`.

use std::time::Duration;

use federation_tests::{
    candidacies::{act, candidacy_in, deliver_signed, id, open_call, propose, published_practice},
    eventually, Options, TestInstance,
};
use reqwest::Method;
use serde_json::json;

const T: Duration = Duration::from_secs(30);

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
