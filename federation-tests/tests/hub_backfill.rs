//! The hub's backfill beyond the happy path: a practice's thread comes with it, and what
//! cannot be stored is recorded with its error and retried until it is, never skipped.

use std::time::Duration;

use federation_tests::{
    comments::comment,
    eventually,
    hub::{
        ap_id, copy_practice, follow_becomes, follow_instance, held, practices_from, publish_many,
    },
    Options, TestInstance,
};
use prassi::domain::actor::Role;
use reqwest::Method;
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(60);

/// Failures retried quickly and for long (the test decides when one can succeed).
fn patient(c: &mut prassi::config::Config) {
    c.delivery.inbox_max_attempts = 10_000;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backfilled_practice_brings_its_thread_and_one_without_comments_no_fetch() {
    let a = TestInstance::start().await;
    let hub = TestInstance::start().await;
    let m = a.manager_of("comune-t").await;
    let (_, citizen) = a.user("carla", Role::Citizen, None).await;
    let views = publish_many(&m, 2).await;
    let discussed = views[0]["id"].as_i64().expect("id");
    let c1 = comment(&citizen, discussed, "Ottimo lavoro", None, Some("positive")).await;
    comment(&m, discussed, "Grazie!", c1["id"].as_i64(), None).await;

    follow_instance(&hub.admin, a.base.as_str())
        .await
        .expect("follow");
    follow_becomes(&hub, &a.domain, "walk done", |f| {
        f["backfill"]["done"] == true
    })
    .await;
    let (n,): (i64,) = federation_tests::sql!(
        fetch_one,
        hub.store().writer(),
        (i64,),
        "SELECT COUNT(*) FROM comments c JOIN practices p ON p.id = c.practice_id WHERE p.ap_id = $1",
        ap_id(&views[0])
    )
    .expect("count");
    assert_eq!(n, 2, "the thread came with the practice");
    // The practice without comments: its thread's address kept, never read.
    let (backfilled,): (Option<String>,) = federation_tests::sql!(
        fetch_one,
        hub.store().writer(),
        (Option<String>,),
        "SELECT CAST(t.backfilled_at AS TEXT) FROM practice_threads t JOIN practices p \
         ON p.id = t.practice_id WHERE p.ap_id = $1",
        ap_id(&views[1])
    )
    .expect("thread row");
    assert_eq!(
        backfilled, None,
        "a practice without comments needs no thread read"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_cannot_be_stored_is_recorded_and_retried_until_it_is() {
    let a = TestInstance::start().await;
    let hub = TestInstance::start_with(Options {
        tweak: patient,
        ..Default::default()
    })
    .await;
    let m = a.manager_of("comune-r").await;
    publish_many(&m, 1).await;
    let f = follow_instance(&hub.admin, a.base.as_str())
        .await
        .expect("follow");
    let id = f["id"].as_i64().expect("id");
    follow_becomes(&hub, &a.domain, "walk done", |f| {
        f["backfill"]["done"] == true
    })
    .await;

    // A page naming a practice A does not serve yet (a draft: 404) and one of another host.
    let draft = m.draft(federation_tests::example(1)).await;
    let draft_id = ap_id(&draft);
    let foreign = "http://elsewhere.invalid/practices/1";
    let page = json!({"type": "OrderedCollectionPage", "orderedItems": [
        {"type": "Announce", "object": draft_id},
        {"type": "Announce", "object": {"id": foreign, "type": "Article"}},
    ]});
    let ctx = hub.fed.to_request_data();
    let r = prassi::federation::backfill::store_page(&ctx, id, &a.domain, &page).await;
    assert_eq!((r.items, r.errors), (2, 2));

    let failures = |hub: &TestInstance| {
        let c = hub.admin.clone();
        async move {
            c.call(
                Method::GET,
                &format!("/api/v1/admin/instance-follows/{id}/failures"),
                None,
            )
            .await
            .expect("failures")
            .as_array()
            .cloned()
            .unwrap_or_default()
        }
    };
    let by_id =
        |list: &[Value], object: &str| list.iter().find(|f| f["object_id"] == object).cloned();
    let list = failures(&hub).await;
    assert_eq!(list.len(), 2, "{list:?}");
    let given_up = by_id(&list, foreign).expect("foreign recorded");
    assert!(given_up["next_attempt_at"].is_null(), "{given_up}");
    assert!(
        given_up["error"]
            .as_str()
            .expect("error")
            .contains("not on the followed instance"),
        "{given_up}"
    );
    assert!(by_id(&list, &draft_id).expect("draft recorded")["error"]
        .as_str()
        .expect("error")
        .contains("cannot fetch"));
    let shown = hub
        .admin
        .call(
            Method::GET,
            &format!("/api/v1/admin/instance-follows/{id}"),
            None,
        )
        .await
        .expect("follow");
    assert_eq!(shown["backfill"]["failed"], 2);

    // Retried with back-off while it still fails…
    eventually(T, "the draft retried", || async {
        let f = by_id(&failures(&hub).await, &draft_id)?;
        (f["attempts"].as_i64()? >= 3).then_some(())
    })
    .await;
    // …and stored once A serves it; the record leaves the list, the refused one stays.
    let did = draft["id"].as_i64().expect("id");
    m.call(
        Method::POST,
        &format!("/api/v1/practices/{did}/publish"),
        None,
    )
    .await
    .expect("publish");
    eventually(T, "the retry stores it", || async {
        by_id(&failures(&hub).await, &draft_id)
            .is_none()
            .then_some(())
    })
    .await;
    let (state, _) = held(&hub, &draft_id).await.expect("stored");
    assert_eq!(state, "published");
    let list = failures(&hub).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["object_id"], foreign);
}

/// The claim of a walk (`db::dialect::claim_walk`, one branch per backend): only accepted
/// follows with work due (a walk not done, or a failure due), never one another process
/// holds, one's own lease taken back.
#[tokio::test]
async fn a_walk_is_claimed_only_when_due_accepted_and_free() {
    use prassi::db::{follows, instance_follows, Db};
    let t = federation_tests::TestDb::create(federation_tests::Backend::from_env()).await;
    let db = Db::connect(&t.url).await.expect("connect");
    let config = prassi::config::Config::for_url(
        url::Url::parse("http://localhost:9").expect("url"),
        t.data_dir(),
    );
    let me = prassi::service::accounts::ensure_instance_actor(&db, &config)
        .await
        .expect("instance actor");
    let keys = prassi::crypto::generate_keypair().expect("keys");
    let inbox = url::Url::parse("http://r.example/inbox").expect("url");
    // (name, accepted, done, a failure due)
    let cases = [
        ("due", true, false, false),
        ("pending", false, false, false),
        ("finished", true, true, false),
        ("retry", true, true, true),
        ("held", true, false, false),
    ];
    let mut ids = std::collections::HashMap::new();
    for (name, accepted, done, failure) in cases {
        let target = federation_tests::instance::remote_person(
            &db,
            &format!("http://r.example/{name}"),
            &inbox,
            &keys.public_pem,
        )
        .await;
        let mut tx = db.begin().await.expect("tx");
        follows::upsert(
            &mut tx,
            me.id,
            target.id,
            &format!("http://l/{name}"),
            accepted,
        )
        .await
        .expect("follow");
        instance_follows::insert(&mut tx, target.id)
            .await
            .expect("insert");
        tx.commit().await.expect("commit");
        let f = instance_follows::by_target(&db, me.id, target.id)
            .await
            .expect("row")
            .expect("row");
        if done {
            federation_tests::sql!(
                execute,
                db.writer(),
                "UPDATE instance_follows SET done = TRUE WHERE id = $1",
                f.id
            )
            .expect("done");
        }
        if failure {
            instance_follows::failed(
                db.writer(),
                f.id,
                "http://r.example/p",
                "x",
                |_| Some(500),
                0,
            )
            .await
            .expect("failure");
        }
        ids.insert(f.id, name);
    }
    let held = ids
        .iter()
        .find(|(_, n)| **n == "held")
        .map(|(i, _)| *i)
        .expect("held");
    federation_tests::sql!(
        execute,
        db.writer(),
        "UPDATE instance_follows SET lease_owner = 'other', lease_until = 5000 WHERE id = $1",
        held
    )
    .expect("lease");
    let claim = |owner: &'static str| {
        let db = db.clone();
        let ids = ids.clone();
        async move {
            instance_follows::claim(&db, owner, me.id, 1000, 9000)
                .await
                .expect("claim")
                .map(|w| ids[&w.id])
        }
    };
    assert_eq!(claim("me").await, Some("due"));
    assert_eq!(
        claim("me").await,
        Some("due"),
        "one's own lease is taken back"
    );
    assert_eq!(claim("third").await, Some("retry"));
    assert_eq!(
        claim("fourth").await,
        None,
        "the rest is held, pending or finished"
    );
    assert_eq!(
        claim("other").await,
        Some("held"),
        "its holder takes it back"
    );
}

fn big_pages(c: &mut prassi::config::Config) {
    c.backfill.outbox_page_size = prassi::config::MAX_OUTBOX_PAGE;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_pages_stay_readable_whatever_their_size_in_practices() {
    let a = TestInstance::start_with(Options {
        tweak: big_pages,
        ..Default::default()
    })
    .await;
    let hub = TestInstance::start().await;
    let m = a.manager_of("comune-p").await;
    let seed = publish_many(&m, 1).await[0]["id"].as_i64().expect("id");
    copy_practice(&a, seed, 299).await;
    let first = a.get_ap(&format!("{}actor/outbox?page=true", a.base)).await;
    let n = first["orderedItems"].as_array().expect("items").len();
    assert!(
        n < 300,
        "a page of 300 full practices would be over 1 MiB: {n}"
    );
    assert!(first["next"].is_string());
    follow_instance(&hub.admin, a.base.as_str())
        .await
        .expect("follow");
    let f = follow_becomes(&hub, &a.domain, "walk done", |f| {
        f["backfill"]["done"] == true
    })
    .await;
    assert_eq!(f["backfill"]["items"], 300, "{f}");
    assert_eq!(f["backfill"]["total"], 300, "{f}");
    assert_eq!(f["backfill"]["errors"], 0, "{f}");
    assert!(f["backfill"]["pages"].as_i64().expect("pages") >= 2, "{f}");
    assert_eq!(practices_from(&hub, &a.domain).await, 300);
}

fn no_workers(c: &mut prassi::config::Config) {
    c.delivery.run_workers = false;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_turn_that_fails_gives_its_lease_back() {
    use prassi::db::{follows, instance_follows};
    let hub = TestInstance::start_with(Options {
        tweak: no_workers,
        ..Default::default()
    })
    .await;
    let db = hub.store();
    let ctx = hub.fed.to_request_data();
    let me = ctx.instance_actor.id;
    let keys = prassi::crypto::generate_keypair().expect("keys");
    let inbox = url::Url::parse("http://r.example/inbox").expect("url");
    let target = federation_tests::instance::remote_person(
        &db,
        "http://r.example/actor",
        &inbox,
        &keys.public_pem,
    )
    .await;
    // An outbox address that is no URL: the turn ends in an error before reading a page.
    federation_tests::sql!(
        execute,
        db.writer(),
        "UPDATE actors SET outbox = 'not a url' WHERE id = $1",
        target.id
    )
    .expect("outbox");
    let mut tx = db.begin().await.expect("tx");
    follows::upsert(&mut tx, me, target.id, "http://l/f", true)
        .await
        .expect("follow");
    instance_follows::insert(&mut tx, target.id)
        .await
        .expect("insert");
    tx.commit().await.expect("commit");
    let (_stop, mut stopped) = tokio::sync::watch::channel(false);
    prassi::federation::backfill::step(&ctx, &mut stopped)
        .await
        .expect_err("no outbox to read");
    let (held,): (i64,) = federation_tests::sql!(
        fetch_one,
        db.writer(),
        (i64,),
        "SELECT COUNT(*) FROM instance_follows WHERE target_id = $1 AND lease_owner IS NOT NULL",
        target.id
    )
    .expect("lease");
    assert_eq!(held, 0, "the lease is given back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_renew_the_lease_of_their_walk_and_only_its_holder_can() {
    use prassi::db::{follows, instance_follows};
    let hub = TestInstance::start_with(Options {
        tweak: no_workers,
        ..Default::default()
    })
    .await;
    let db = hub.store();
    let ctx = hub.fed.to_request_data();
    let me = ctx.instance_actor.id;
    let keys = prassi::crypto::generate_keypair().expect("keys");
    let inbox = url::Url::parse("http://r.example/inbox").expect("url");
    let target = federation_tests::instance::remote_person(
        &db,
        "http://r.example/actor",
        &inbox,
        &keys.public_pem,
    )
    .await;
    let mut tx = db.begin().await.expect("tx");
    follows::upsert(&mut tx, me, target.id, "http://l/f", true)
        .await
        .expect("follow");
    instance_follows::insert(&mut tx, target.id)
        .await
        .expect("insert");
    tx.commit().await.expect("commit");
    let w = instance_follows::claim(&db, "me", me, 1000, 2000)
        .await
        .expect("claim")
        .expect("due");
    assert!(instance_follows::renew(&db, w.id, "me", 9000)
        .await
        .expect("renew"));
    assert!(
        !instance_follows::renew(&db, w.id, "other", 99_000)
            .await
            .expect("renew"),
        "not the holder"
    );
    assert_eq!(
        instance_follows::claim(&db, "other", me, 5000, 6000)
            .await
            .expect("claim")
            .map(|w| w.id),
        None,
        "renewed past the time another process looks"
    );
}
