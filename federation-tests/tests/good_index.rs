//! The good index beyond its formula: kept from running totals as endorsements come and go,
//! shown in the API view and the Article, published to follower instances as an `Update` at
//! most once a minute, and the rankings computed from it. Endorsements are fed here straight
//! into the index's storage (what the endorsement code does once it has decided who counts
//! and how much), so the figures can be checked against ones computed by hand.

use std::time::Duration;

use federation_tests::{eventually, example, TestInstance};
use prassi::{
    db::good_index::{self, Counted},
    domain::{actor::Role, good_index::Class},
};
use reqwest::Method;
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(30);

/// G of ten positive peers of one instance (see the domain's worked examples).
const TEN_PEERS: f64 = 0.722_459_8;
/// G of three positive peers on one instance against one negative on another.
const THREE_AGAINST_ONE: f64 = 0.202_765_4;
/// G of four positive citizens of one instance.
const FOUR_CITIZENS: f64 = 0.510_099_98;

fn close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() < 1e-6, "{what}: {a} is not {b}");
}

fn vote(instance: &str, class: Class, verified: bool, positive: bool) -> Counted {
    let weight = prassi::domain::good_index::weight(class, verified, false);
    Counted {
        instance: instance.into(),
        class,
        weight,
        positive,
        verified,
    }
}

/// Applies one endorsement's change to practice `id` of `inst`, in a transaction of its own.
async fn change(
    inst: &TestInstance,
    id: i64,
    before: Option<&Counted>,
    after: Option<&Counted>,
) -> good_index::IndexRow {
    let (b, a) = (before.cloned(), after.cloned());
    changes(inst, id, &[(b, a)]).await
}

/// Applies several changes in one transaction (the publisher then sees them all at once).
async fn changes(
    inst: &TestInstance,
    id: i64,
    all: &[(Option<Counted>, Option<Counted>)],
) -> good_index::IndexRow {
    let db = inst.store();
    let mut tx = db.begin().await.expect("begin");
    let mut row = None;
    for (before, after) in all {
        row = Some(
            good_index::endorsement_changed(
                &mut tx,
                id,
                true,
                before.as_ref(),
                after.as_ref(),
                prassi::db::now_ms(),
            )
            .await
            .expect("index"),
        );
    }
    tx.commit().await.expect("commit");
    row.expect("a change")
}

/// The eight verified endorsements and one unverified of the example below.
fn example_votes() -> Vec<Counted> {
    let mut v = vec![vote("x.example", Class::Peer, true, true); 3];
    v.push(vote("y.example", Class::Peer, true, false));
    v.extend(vec![vote("z.example", Class::Citizen, true, true); 4]);
    v.push(vote("mastodon.example", Class::Citizen, false, true));
    v
}

async fn practice_view(client: &federation_tests::client::ApiClient, id: i64) -> Value {
    client
        .call(Method::GET, &format!("/api/v1/practices/{id}"), None)
        .await
        .expect("practice")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_follows_endorsements_and_reaches_followers_at_most_once_a_minute() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    let m = a.manager_of("regione-veneto").await;
    let org = a.actor_url("regione-veneto");
    let (_, reader) = b.user("bruna", Role::Citizen, None).await;
    reader.follow_accepted(org.as_str()).await;
    let p = m.publish(example(0)).await;
    let id = p["id"].as_i64().expect("id");
    let ap_id = p["ap_id"].as_str().expect("ap_id").to_string();
    assert_eq!(p["good_index"]["figure"]["combined"], 0.0);
    assert_eq!(p["good_index"]["source"], "here");
    let held_on_b = eventually(T, "B holds the practice", || async {
        reader
            .call(Method::GET, "/api/v1/practices?local=false", None)
            .await
            .ok()?
            .as_array()?
            .iter()
            .find(|v| v["ap_id"] == ap_id.as_str())
            .and_then(|v| v["id"].as_i64())
    })
    .await;
    let on_b = practice_view(&reader, held_on_b).await;
    assert_eq!(on_b["good_index"]["source"], "owner");
    assert!(
        on_b["good_index"]["figure"].is_null(),
        "nothing published yet: {on_b}"
    );

    let votes = example_votes();
    let all: Vec<_> = votes.iter().map(|v| (None, Some(v.clone()))).collect();
    changes(&a, id, &all).await;
    // Peers: three positive on one instance against one negative on another; citizens: four
    // positive on one instance; the unverified like is shown, never counted.
    let expected = 0.7 * THREE_AGAINST_ONE + 0.3 * FOUR_CITIZENS;
    let view = practice_view(&m, id).await;
    let f = &view["good_index"]["figure"];
    close(
        f["peer"].as_f64().expect("peer"),
        THREE_AGAINST_ONE,
        "G_peer",
    );
    close(
        f["citizen"].as_f64().expect("citizen"),
        FOUR_CITIZENS,
        "G_citizen",
    );
    close(
        f["combined"].as_f64().expect("combined"),
        expected,
        "combined",
    );
    assert_eq!(
        (
            &f["positive"],
            &f["negative"],
            &f["verified"],
            &f["unverified"],
            &f["counted"]
        ),
        (&json!(8), &json!(1), &json!(8), &json!(1), &json!(8))
    );

    // The Article carries it, and B shows the owner's figure once the Update arrives.
    let article = a.get_ap(&ap_id).await;
    close(
        article["goodIndex"]["combined"]
            .as_f64()
            .expect("goodIndex"),
        expected,
        "the Article's goodIndex",
    );
    let shown = eventually(T, "B shows A's figure", || async {
        let v = practice_view(&reader, held_on_b).await;
        (v["good_index"]["figure"]["combined"] == f["combined"]).then_some(v)
    })
    .await;
    assert_eq!(shown["good_index"]["figure"]["counted"], 8);
    assert!(
        shown["good_index"]["observed_here"].is_null(),
        "B observed no endorsement itself"
    );

    // Another vote moves the index at once here, but the next Update waits for the minute.
    let late = vote("w.example", Class::Peer, true, true);
    let row = change(&a, id, None, Some(&late)).await;
    assert!(row.pending_since.is_some(), "the change is to be published");
    let now = prassi::db::now_ms();
    let db = a.store();
    assert!(
        !good_index::due_updates(&db, now, 60_000, 10)
            .await
            .expect("due")
            .contains(&id),
        "an Update within a minute of the last one"
    );
    assert!(good_index::due_updates(&db, now + 60_001, 60_000, 10)
        .await
        .expect("due")
        .contains(&id));
    assert_eq!(
        practice_view(&m, id).await["good_index"]["figure"]["counted"],
        9
    );

    // Withdrawing every vote brings the totals back to nothing, exactly.
    change(&a, id, Some(&late), None).await;
    for v in &votes {
        change(&a, id, Some(v), None).await;
    }
    let f = &practice_view(&m, id).await["good_index"]["figure"];
    assert_eq!(
        (&f["combined"], &f["positive"], &f["counted"]),
        (&json!(0.0), &json!(0), &json!(0))
    );
    let totals = good_index::compute(&db, id).await.expect("totals");
    assert_eq!(totals.peer.weight, 0.0);
    assert_eq!(totals.citizen.weight, 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_one_instance_weighs_no_more_than_its_cap() {
    let a = TestInstance::start().await;
    let m = a.manager_of("comune-di-lecce").await;
    let id = m.publish(example(1)).await["id"].as_i64().expect("id");
    // Three instances with ten negative peers each, one with fifty positive: the flood
    // weighs min(1, 0.4·80/50) = 0.64 of itself, 32 against 30: p̂ = 32/62, not 50/80.
    for i in 0..3 {
        for _ in 0..10 {
            let v = vote(&format!("n{i}.example"), Class::Peer, true, false);
            change(&a, id, None, Some(&v)).await;
        }
    }
    for _ in 0..50 {
        let v = vote("flood.example", Class::Peer, true, true);
        change(&a, id, None, Some(&v)).await;
    }
    let g = good_index::compute(&a.store(), id).await.expect("index");
    close(g.peer.weight, 62.0, "capped weight");
    close(g.peer.p_hat, 32.0 / 62.0, "p̂");
    let f = &practice_view(&m, id).await["good_index"]["figure"];
    close(f["peer"].as_f64().expect("peer"), g.peer.g, "stored G_peer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organisations_and_opted_in_managers_are_ranked_by_the_bayesian_average() {
    let a = TestInstance::start().await;
    let m1 = a.manager_of("comune-di-trento").await;
    let m2 = a.manager_of("comune-di-bolzano").await;
    // The manager is named in the team of both (the ranking of managers goes by the team).
    let led_by = |n: usize| {
        let mut r = example(n);
        r["team"] =
            json!([{"name": "M-Comune-di-Trento", "role": "Responsabile", "manager": true}]);
        r
    };
    let p1 = m1.publish(led_by(0)).await["id"].as_i64().expect("id");
    let p2 = m1.publish(led_by(1)).await["id"].as_i64().expect("id");
    let p3 = m2.publish(example(2)).await["id"].as_i64().expect("id");
    for _ in 0..10 {
        change(
            &a,
            p1,
            None,
            Some(&vote("x.example", Class::Peer, true, true)),
        )
        .await;
        change(
            &a,
            p3,
            None,
            Some(&vote("x.example", Class::Peer, true, true)),
        )
        .await;
    }
    for _ in 0..4 {
        let v = vote("z.example", Class::Citizen, true, true);
        change(&a, p2, None, Some(&v)).await;
    }
    // Trento: G = 0.7·0.72246 and 0.3·0.51010; Bolzano: 0.7·0.72246.
    // μ = (2·0.50572 + 0.15303) / 3; Trento (3μ + 0.65875) / 5, Bolzano (3μ + 0.50572) / 4:
    // one practice as good as Trento's best ranks above Trento's two.
    let (g1, g2, g3) = (0.7 * TEN_PEERS, 0.3 * FOUR_CITIZENS, 0.7 * TEN_PEERS);
    let mu = (g1 + g2 + g3) / 3.0;
    let trento = (3.0 * mu + g1 + g2) / 5.0;
    let bolzano = (3.0 * mu + g3) / 4.0;
    assert!(bolzano > trento);

    let rows = a
        .admin
        .call(Method::GET, "/api/v1/rankings/organisations", None)
        .await
        .expect("ranking");
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["handle"], "comune-di-bolzano");
    assert_eq!(rows[0]["rank"], 1);
    close(
        rows[0]["score"].as_f64().expect("score"),
        bolzano,
        "Bolzano",
    );
    assert_eq!(rows[1]["handle"], "comune-di-trento");
    close(rows[1]["score"].as_f64().expect("score"), trento, "Trento");
    assert_eq!(rows[1]["practices_counted"], 2);
    close(rows[1]["sum_index"].as_f64().expect("ΣG"), g1 + g2, "ΣG");
    close(rows[1]["mean_index"].as_f64().expect("μ"), mu, "μ");
    let per_practice: Vec<i64> = rows[1]["practices"]
        .as_array()
        .expect("practices")
        .iter()
        .filter_map(|p| p["id"].as_i64())
        .collect();
    assert_eq!(per_practice, vec![p1, p2], "best practice first");

    // Managers appear only once they opt in; only managers can.
    let managers = || async {
        a.admin
            .call(Method::GET, "/api/v1/rankings/managers", None)
            .await
            .expect("managers")
    };
    assert_eq!(managers().await, json!([]));
    let me = m1
        .call(Method::PATCH, "/api/v1/me", Some(json!({"ranked": true})))
        .await
        .expect("opt in");
    assert_eq!(me["ranked"], true);
    let rows = managers().await;
    assert_eq!(rows.as_array().map(Vec::len), Some(1), "{rows}");
    assert_eq!(rows[0]["handle"], "m-comune-di-trento");
    close(rows[0]["score"].as_f64().expect("score"), trento, "manager");
    m1.call(Method::PATCH, "/api/v1/me", Some(json!({"ranked": false})))
        .await
        .expect("opt out");
    assert_eq!(managers().await, json!([]));

    let (_, citizen) = a.user("carla", Role::Citizen, None).await;
    let e = citizen
        .call(Method::PATCH, "/api/v1/me", Some(json!({"ranked": true})))
        .await
        .expect_err("a citizen is not ranked");
    assert_eq!(
        (e.status.as_u16(), &e.body["error"]),
        (400, &json!("not_a_manager"))
    );
    let e = m1
        .call(Method::PATCH, "/api/v1/me", Some(json!({"rank": true})))
        .await
        .expect_err("unknown field");
    assert_eq!(e.status.as_u16(), 400, "{}", e.body);
    let e = m1
        .call(Method::PATCH, "/api/v1/me", Some(json!({"ranked": "yes"})))
        .await
        .expect_err("not a boolean");
    assert_eq!(e.status.as_u16(), 400, "{}", e.body);
}
