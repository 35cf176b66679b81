//! The national hub: it follows whole instances, backfills what they published before
//! (resuming after a restart, storing each practice once), and gets what they publish after
//! through their instance actor's relay, once even when it also follows the organisation.

use std::time::Duration;

use federation_tests::{
    eventually,
    hub::{
        self, ap_id, follow_becomes, follow_instance, held, instance_follows, practices_from,
        publish_many, received,
    },
    Backend, Options, TestInstance,
};
use reqwest::Method;
use serde_json::json;

const T: Duration = Duration::from_secs(60);

/// A hub that pauses between two pages long enough for the test to stop it after the first.
fn slow_walk(c: &mut prassi::config::Config) {
    c.backfill.page_interval = Duration::from_secs(30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hub_backfills_two_regions_resumes_after_a_restart_and_gets_what_follows() {
    let backend = Backend::from_env();
    let a = TestInstance::start_with(Options {
        backend,
        tweak: hub::small_pages,
    })
    .await;
    let b = TestInstance::start().await;
    let mut hub = TestInstance::start_with(Options {
        backend,
        tweak: slow_walk,
    })
    .await;
    let ma = a.manager_of("regione-a").await;
    let mb = b.manager_of("regione-b").await;
    let before_a: Vec<String> = publish_many(&ma, 5).await.iter().map(ap_id).collect();
    publish_many(&mb, 2).await;

    // A's outbox: five Announces of full Articles, two per page, newest first, by cursor.
    let outbox = a.get_ap(&format!("{}actor/outbox", a.base)).await;
    assert_eq!(outbox["type"], "OrderedCollection");
    assert_eq!(outbox["totalItems"], 5);
    let first = a.get_ap(outbox["first"].as_str().expect("first")).await;
    assert_eq!(first["type"], "OrderedCollectionPage");
    let items = first["orderedItems"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["type"], "Announce");
    assert_eq!(items[0]["actor"], format!("{}actor", a.base));
    assert_eq!(items[0]["object"]["type"], "Article");
    assert_eq!(
        items[0]["object"]["id"],
        before_a[4].as_str(),
        "newest first"
    );
    assert!(items[0]["object"]["practice"]["title"].is_object());
    let next = first["next"].as_str().expect("next");
    assert!(next.contains("max_id="), "{next}");

    // The hub follows A by its base URL and B by its instance actor's id.
    let fa = follow_instance(&hub.admin, a.base.as_str())
        .await
        .expect("follow A");
    assert_eq!(fa["target"], format!("{}actor", a.base));
    let again = follow_instance(&hub.admin, &format!("{}actor", a.base))
        .await
        .expect("follow A again");
    assert_eq!(
        again["id"], fa["id"],
        "following again returns the same follow"
    );
    follow_instance(&hub.admin, &format!("{}actor", b.base))
        .await
        .expect("follow B");
    assert_eq!(instance_follows(&hub).await.len(), 2);

    // Stopped after the first page of A (the walk pauses between pages).
    follow_becomes(&hub, &a.domain, "A's first page stored", |f| {
        f["backfill"]["pages"] == 1
    })
    .await;
    assert_eq!(practices_from(&hub, &a.domain).await, 2);
    hub.stop().await;
    hub.config.backfill.page_interval = Duration::ZERO;
    hub.restart().await;

    let fa = follow_becomes(&hub, &a.domain, "A's walk done", |f| {
        f["backfill"]["done"] == true
    })
    .await;
    let fb = follow_becomes(&hub, &b.domain, "B's walk done", |f| {
        f["backfill"]["done"] == true
    })
    .await;
    assert_eq!(practices_from(&hub, &a.domain).await, 5, "each once");
    assert_eq!(practices_from(&hub, &b.domain).await, 2);
    assert_eq!(fa["backfill"]["items"], 5, "{fa}");
    assert_eq!(fa["backfill"]["errors"], 0, "{fa}");
    assert_eq!(fa["backfill"]["failed"], 0, "{fa}");
    assert!(
        fa["backfill"]["pages"].as_i64().expect("pages") >= 3,
        "{fa}"
    );
    assert_eq!(fb["backfill"]["items"], 2, "{fb}");
    for id in &before_a {
        let (state, _) = held(&hub, id).await.expect("held");
        assert_eq!(state, "published");
    }

    // What A and B publish afterwards arrives by the relay (the hub follows no organisation).
    for dom in [&a.domain, &b.domain] {
        follow_becomes(&hub, dom, "the follow is accepted", |f| {
            f["state"] == "accepted"
        })
        .await;
    }
    let late_a = publish_many(&ma, 1).await;
    publish_many(&mb, 1).await;
    eventually(T, "the hub gets the new practices", || async {
        (practices_from(&hub, &a.domain).await == 6 && practices_from(&hub, &b.domain).await == 3)
            .then_some(())
    })
    .await;
    assert!(received(&hub, "Announce", &format!("{}actor", a.base)).await >= 1);
    let late_id = ap_id(&late_a[0]);
    hub.admin.drain().await;
    assert_eq!(
        inbox_rows_about(&hub, &late_id).await,
        1,
        "the new practice reached the hub once"
    );

    // Edited on A: updated on the hub; deleted on A: deleted on the hub.
    let edited = &before_a[0];
    let id = local_id(&a, edited).await;
    ma.call(
        Method::PATCH,
        &format!("/api/v1/practices/{id}"),
        Some(json!({"title": {"it": "Titolo cambiato sul posto"}})),
    )
    .await
    .expect("edit");
    eventually(T, "the hub has the edit", || async {
        let (_, title) = held(&hub, edited).await?;
        (title == "Titolo cambiato sul posto").then_some(())
    })
    .await;
    let late = ap_id(&late_a[0]);
    let id = late_a[0]["id"].as_i64().expect("id");
    ma.call(Method::DELETE, &format!("/api/v1/practices/{id}"), None)
        .await
        .expect("delete");
    eventually(T, "the hub deletes it", || async {
        let (state, _) = held(&hub, &late).await?;
        (state == "deleted").then_some(())
    })
    .await;
    let hub_id = hub_local_id(&hub, &late).await;
    let e = hub
        .admin
        .call(Method::GET, &format!("/api/v1/practices/{hub_id}"), None)
        .await
        .expect_err("gone");
    assert_eq!(e.status, 410);
    assert_eq!(practices_from(&hub, &a.domain).await, 6);
    hub.admin.drain().await;
    assert_eq!(
        inbox_rows_about(&hub, &late).await,
        2,
        "its publication and its deletion, each received once"
    );
}

/// Activities in `inst`'s inbox that name `object` (received and applied, or waiting).
async fn inbox_rows_about(inst: &TestInstance, object: &str) -> i64 {
    let (n,): (i64,) = federation_tests::sql!(
        fetch_one,
        inst.store().writer(),
        (i64,),
        "SELECT COUNT(*) FROM inbox_activities WHERE body LIKE $1",
        format!("%\"{object}\"%")
    )
    .expect("count");
    n
}

/// The row id of the practice `ap_id` on `inst`.
async fn local_id(inst: &TestInstance, ap_id: &str) -> i64 {
    hub_local_id(inst, ap_id).await
}

async fn hub_local_id(inst: &TestInstance, ap_id: &str) -> i64 {
    let (id,): (i64,) = federation_tests::sql!(
        fetch_one,
        inst.store().writer(),
        (i64,),
        "SELECT id FROM practices WHERE ap_id = $1",
        ap_id.to_string()
    )
    .expect("practice");
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn following_the_instance_and_the_organisation_delivers_each_create_once() {
    let a = TestInstance::start().await;
    let hub = TestInstance::start().await;
    // A second hub that follows only the instance: the relay reaches it.
    let other = TestInstance::start().await;
    let m = a.manager_of("comune-a").await;
    let org = a.actor_url("comune-a").to_string();
    let instance = format!("{}actor", a.base);
    for h in [&hub, &other] {
        follow_instance(&h.admin, a.base.as_str())
            .await
            .expect("follow A");
        follow_becomes(h, &a.domain, "accepted", |f| f["state"] == "accepted").await;
    }
    hub.admin.follow_accepted(&org).await;

    let ap_id = ap_id(&publish_many(&m, 1).await[0]);
    a.admin.drain().await;
    for h in [&hub, &other] {
        eventually(T, "the practice arrives", || async {
            held(h, &ap_id).await.map(|_| ())
        })
        .await;
        h.admin.drain().await;
    }
    assert_eq!(received(&hub, "Create", &org).await, 1);
    assert_eq!(
        received(&hub, "Announce", &instance).await,
        0,
        "the relay skipped the hub, which the Create reached"
    );
    assert_eq!(received(&other, "Create", &org).await, 0);
    assert_eq!(received(&other, "Announce", &instance).await, 1);
    let logged = |dest: String| {
        let a = &a;
        async move {
            let (n,): (i64,) = federation_tests::sql!(
                fetch_one,
                a.store().writer(),
                (i64,),
                "SELECT COUNT(*) FROM delivery_log WHERE destination = $1",
                dest
            )
            .expect("count");
            n
        }
    };
    // The hub got the Accept of its follows and the Create; the other the Accept and the Announce.
    assert_eq!(logged(hub.domain.clone()).await, 3);
    assert_eq!(logged(other.domain.clone()).await, 2);
}

/// The state (`deleted_at` set or not) of the comment `ap_id` on `inst`, once held.
async fn comment_deleted(inst: &TestInstance, ap_id: &str) -> Option<bool> {
    let (n, gone): (i64, i64) = federation_tests::sql!(
        fetch_one,
        inst.store().writer(),
        (i64, i64),
        "SELECT COUNT(*), COUNT(deleted_at) FROM comments WHERE ap_id = $1",
        ap_id.to_string()
    )
    .expect("comment");
    (n == 1).then_some(gone == 1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_comment_deleted_at_the_origin_is_deleted_on_a_hub_that_follows_only_the_instance() {
    let a = TestInstance::start().await;
    let hub = TestInstance::start().await;
    follow_instance(&hub.admin, a.base.as_str())
        .await
        .expect("follow A");
    follow_becomes(&hub, &a.domain, "accepted", |f| f["state"] == "accepted").await;
    let m = a.manager_of("comune-d").await;
    let p = &publish_many(&m, 1).await[0];
    let practice = p["id"].as_i64().expect("id");
    eventually(T, "the practice is relayed", || async {
        held(&hub, &ap_id(p)).await.map(|_| ())
    })
    .await;
    let (_, anna) = a
        .user("anna", prassi::domain::actor::Role::Citizen, None)
        .await;
    let c = federation_tests::comments::comment(&anna, practice, "Bella pratica", None, None).await;
    let note = c["ap_id"].as_str().expect("ap_id").to_string();
    eventually(T, "the comment is relayed", || async {
        (comment_deleted(&hub, &note).await == Some(false)).then_some(())
    })
    .await;
    // The organisation's manager removes it from the thread: the relayed Announce of the
    // comment, now answering 410, deletes it on the hub too.
    let id = c["id"].as_i64().expect("id");
    m.call(Method::DELETE, &format!("/api/v1/comments/{id}"), None)
        .await
        .expect("moderate");
    eventually(T, "the hub deletes the comment", || async {
        (comment_deleted(&hub, &note).await == Some(true)).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_practice_deleted_during_the_walk_is_not_brought_back_by_a_page_read_before() {
    let backend = Backend::from_env();
    let a = TestInstance::start_with(Options {
        backend,
        tweak: hub::small_pages,
    })
    .await;
    let hub = TestInstance::start_with(Options {
        backend,
        tweak: slow_walk,
    })
    .await;
    let m = a.manager_of("regione-e").await;
    let published = publish_many(&m, 3).await;
    let oldest = ap_id(&published[0]);
    // The page that lists the oldest practice, as a walk reads it before the deletion.
    let outbox = a.get_ap(&format!("{}actor/outbox", a.base)).await;
    let first = a.get_ap(outbox["first"].as_str().expect("first")).await;
    let stale = a.get_ap(first["next"].as_str().expect("next")).await;
    assert_eq!(stale["orderedItems"][0]["object"]["id"], oldest.as_str());

    follow_instance(&hub.admin, a.base.as_str())
        .await
        .expect("follow A");
    let f = follow_becomes(&hub, &a.domain, "A's first page stored", |f| {
        f["state"] == "accepted" && f["backfill"]["pages"] == 1
    })
    .await;
    assert!(held(&hub, &oldest).await.is_none());
    // Deleted on A while the walk pauses: the relay announces it to the hub, which holds
    // nothing of it yet.
    let id = published[0]["id"].as_i64().expect("id");
    m.call(Method::DELETE, &format!("/api/v1/practices/{id}"), None)
        .await
        .expect("delete");
    let instance = format!("{}actor", a.base);
    eventually(T, "the relayed deletion arrives", || async {
        (received(&hub, "Announce", &instance).await >= 1).then_some(())
    })
    .await;
    hub.admin.drain().await;
    // The page read before the deletion is stored now: the practice stays gone.
    let ctx = hub.fed.to_request_data();
    let follow = f["id"].as_i64().expect("id");
    prassi::federation::backfill::store_page(&ctx, follow, &a.domain, &stale).await;
    assert!(
        !matches!(held(&hub, &oldest).await, Some((s, _)) if s == "published"),
        "a stale copy brought back a deleted practice"
    );
}
