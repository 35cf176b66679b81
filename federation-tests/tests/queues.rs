//! The queues' multi-row writes, straight on the database of either backend: duplicates in
//! one batch of received activities, and acknowledgements of many streams committed at once.

use federation_tests::{Backend, TestDb};
use prassi::{
    config::Config,
    db::{
        deliveries::{self, Ack, Ended},
        inbox::{self, NewInbox},
        Db,
    },
    domain::delivery::DeliveryOutcome,
    service::accounts::{self, NewOrganization},
};

async fn database() -> (TestDb, Db) {
    let t = TestDb::create(Backend::from_env()).await;
    let db = Db::connect(&t.url).await.expect("connect");
    (t, db)
}

fn received(ap_id: &str) -> NewInbox {
    NewInbox {
        ap_id: ap_id.into(),
        actor: "https://b.example/actors/x".into(),
        kind: "Create".into(),
        body: format!("{{\"id\":\"{ap_id}\"}}"),
        received_at: 1,
    }
}

#[tokio::test]
async fn a_batch_of_received_activities_stores_each_id_once() {
    let (_t, db) = database().await;
    let first = inbox::insert_batch(&db, vec![received("a"), received("b"), received("a")])
        .await
        .expect("insert");
    assert_eq!(
        first,
        vec![true, true, false],
        "a second copy in the batch is a duplicate"
    );
    let second = inbox::insert_batch(&db, vec![received("b"), received("c")])
        .await
        .expect("insert");
    assert_eq!(
        second,
        vec![false, true],
        "an id stored before is a duplicate"
    );
    let (n,): (i64,) = federation_tests::sql!(
        fetch_one,
        db.writer(),
        (i64,),
        "SELECT COUNT(*) FROM inbox_activities"
    )
    .expect("count");
    assert_eq!(n, 3);
}

#[tokio::test]
async fn acknowledgements_of_many_streams_commit_together_and_release_only_our_leases() {
    let (t, db) = database().await;
    let config = Config::for_url(
        url::Url::parse("http://localhost:1").expect("url"),
        t.data_dir(),
    );
    let org = accounts::create_organization(
        &db,
        &config,
        NewOrganization {
            handle: "comune-test".into(),
            name: "Comune di Test".into(),
            ..Default::default()
        },
    )
    .await
    .expect("organisation");
    let (activity,): (i64,) = federation_tests::sql!(
        fetch_one,
        db.writer(),
        (i64,),
        "INSERT INTO activities (ap_id, actor_id, kind, body, public, created_at) \
         VALUES ('http://localhost:1/activities/1', $1, 'Create', '{}', TRUE, $2) RETURNING id",
        org.id,
        prassi::db::now()
    )
    .expect("activity");
    // Three destinations with one delivery each; `c.example` is held by another process.
    let mut tx = db.begin().await.expect("tx");
    let targets: Vec<(String, String)> = ["a.example", "b.example", "c.example"]
        .iter()
        .map(|d| (format!("https://{d}/inbox"), d.to_string()))
        .collect();
    deliveries::enqueue(&mut tx, activity, &targets, 0)
        .await
        .expect("enqueue");
    tx.commit().await.expect("commit");
    let leased = prassi::db::instances::lease_due(&db, "me", 10, 1_000_000, 10)
        .await
        .expect("lease");
    assert_eq!(leased.len(), 3);
    federation_tests::sql!(
        execute,
        db.writer(),
        "UPDATE instances SET lease_owner = 'other' WHERE domain = 'c.example'"
    )
    .expect("steal");
    let ids: Vec<(i64, String)> = federation_tests::sql!(
        fetch_all,
        db.writer(),
        (i64, String),
        "SELECT id, destination FROM deliveries ORDER BY destination"
    )
    .expect("deliveries");
    let ended = |i: usize, outcome: DeliveryOutcome| Ended {
        id: ids[i].0,
        activity_ap_id: "http://localhost:1/activities/1".into(),
        inbox: targets[i].0.clone(),
        outcome,
        attempts: 1,
        detail: (outcome == DeliveryOutcome::Refused).then(|| "HTTP 410".to_string()),
    };
    let ack = |dest: &str, ended: Vec<Ended>, release: bool| Ack {
        destination: dest.into(),
        owner: "me".into(),
        ended,
        release,
        now: 42,
    };
    deliveries::commit_acks(
        &db,
        vec![
            ack(
                "a.example",
                vec![ended(0, DeliveryOutcome::Delivered)],
                true,
            ),
            ack("b.example", vec![ended(1, DeliveryOutcome::Refused)], false),
            ack("c.example", vec![], true),
        ],
    )
    .await
    .expect("acks");

    let left: Vec<(String,)> = federation_tests::sql!(
        fetch_all,
        db.writer(),
        (String,),
        "SELECT destination FROM deliveries"
    )
    .expect("left");
    assert_eq!(
        left,
        vec![("c.example".to_string(),)],
        "ended deliveries left the queue"
    );
    let log: Vec<(String, String, Option<String>, i64)> =
        federation_tests::sql!(fetch_all, db.writer(),
        (String, String, Option<String>, i64),
        "SELECT destination, outcome, detail, finished_at FROM delivery_log ORDER BY destination"
    )
        .expect("log");
    assert_eq!(
        log,
        vec![
            ("a.example".into(), "delivered".into(), None, 42),
            (
                "b.example".into(),
                "refused".into(),
                Some("HTTP 410".into()),
                42
            ),
        ]
    );
    let states: Vec<(String, String, Option<String>, Option<i64>)> = federation_tests::sql!(
        fetch_all,
        db.writer(),
        (String, String, Option<String>, Option<i64>),
        "SELECT domain, state, lease_owner, last_success_at FROM instances ORDER BY domain"
    )
    .expect("instances");
    assert_eq!(
        states,
        vec![
            ("a.example".into(), "up".into(), None, Some(42)),
            ("b.example".into(), "up".into(), Some("me".into()), Some(42)),
            ("c.example".into(), "up".into(), Some("other".into()), None),
        ],
        "a released, b still ours (no release asked), c not ours to release"
    );
}
