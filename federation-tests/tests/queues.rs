//! The queues straight on the database of either backend: duplicates in one batch of received
//! activities, acknowledgements of many streams committed at once, a failed try committed as
//! a whole, the per-backend queries of `db::dialect`, and where reads and writes run.

use federation_tests::{Backend, TestDb};
use prassi::{
    config::Config,
    db::{
        deliveries::{self, Ack, Backoff, Ended},
        inbox::{self, NewInbox},
        Db,
    },
    domain::delivery::{DeliveryOutcome, InstanceState},
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
    // Three destinations with one delivery each; `c.example` is held by another process.
    let domains = ["a.example", "b.example", "c.example"];
    queued(&t, &db, &domains).await;
    let targets: Vec<(String, String)> = domains
        .iter()
        .map(|d| (format!("https://{d}/inbox"), d.to_string()))
        .collect();
    let leased = prassi::db::dialect::lease_due(&db, "me", 10, 1_000_000, 10)
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
        activity_ap_id: "http://localhost:1/activities/q".into(),
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

/// A database with one organisation and one of its activities queued for `domains` (one
/// delivery each). Returns the delivery ids, in the order of `domains`.
async fn queued(t: &TestDb, db: &Db, domains: &[&str]) -> Vec<i64> {
    let config = Config::for_url(
        url::Url::parse("http://localhost:1").expect("url"),
        t.data_dir(),
    );
    let org = accounts::create_organization(
        db,
        &config,
        NewOrganization {
            handle: "comune-coda".into(),
            name: "Comune di Coda".into(),
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
         VALUES ('http://localhost:1/activities/q', $1, 'Create', '{}', TRUE, $2) RETURNING id",
        org.id,
        prassi::db::now()
    )
    .expect("activity");
    let targets: Vec<(String, String)> = domains
        .iter()
        .map(|d| (format!("https://{d}/inbox"), d.to_string()))
        .collect();
    let mut tx = db.begin().await.expect("tx");
    deliveries::enqueue(&mut tx, activity, &targets, 0)
        .await
        .expect("enqueue");
    tx.commit().await.expect("commit");
    let mut ids = Vec::new();
    for d in domains {
        let (id,): (i64,) = federation_tests::sql!(
            fetch_one,
            db.writer(),
            (i64,),
            "SELECT id FROM deliveries WHERE destination = $1",
            *d
        )
        .expect("delivery");
        ids.push(id);
    }
    ids
}

/// (consecutive failures, state, backoff until, lease owner, failing since) of an instance.
async fn health(db: &Db, domain: &str) -> (i64, String, i64, Option<String>, Option<i64>) {
    federation_tests::sql!(
        fetch_one,
        db.writer(),
        (i64, String, i64, Option<String>, Option<i64>),
        "SELECT consecutive_failures, state, backoff_until, lease_owner, failing_since \
         FROM instances WHERE domain = $1",
        domain
    )
    .expect("instance")
}

#[tokio::test]
async fn a_failed_try_commits_all_its_changes_together_or_none() {
    let (t, db) = database().await;
    let ids = queued(&t, &db, &["a.example"]).await;
    let leased = prassi::db::dialect::lease_due(&db, "me", 10, 1_000_000, 10)
        .await
        .expect("lease");
    assert_eq!(leased, vec!["a.example".to_string()]);
    let backoff = |until| Backoff {
        state: InstanceState::Backoff,
        until,
    };
    let (failures, b) =
        deliveries::record_failure(&db, ids[0], "a.example", "me", "boom", 100, |n, since| {
            assert_eq!(
                (n, since),
                (1, 100),
                "the decision sees this failure counted"
            );
            backoff(5_000)
        })
        .await
        .expect("failure recorded");
    assert_eq!((failures, b), (1, backoff(5_000)));
    assert_eq!(
        health(&db, "a.example").await,
        (1, "backoff".into(), 5_000, None, Some(100)),
        "counted, backing off, stream given back"
    );
    let (attempts, error): (i64, Option<String>) = federation_tests::sql!(
        fetch_one,
        db.writer(),
        (i64, Option<String>),
        "SELECT attempts, last_error FROM deliveries WHERE id = $1",
        ids[0]
    )
    .expect("delivery");
    assert_eq!((attempts, error.as_deref()), (1, Some("boom")));

    // A failure of a delivery that is no longer queued fails as a whole: the instance's
    // failure count, written first, is rolled back with the rest.
    let gone =
        deliveries::record_failure(&db, ids[0] + 1000, "a.example", "me", "x", 200, |_, _| {
            backoff(9_000)
        })
        .await;
    assert!(gone.is_err());
    assert_eq!(
        health(&db, "a.example").await,
        (1, "backoff".into(), 5_000, None, Some(100)),
        "nothing of the failed attempt was kept"
    );
}

/// The rows both branches of `db::dialect` must return for the same data: each backend's run
/// of the suite checks its own branch against the same expectation.
#[tokio::test]
async fn the_dialect_branches_return_the_same_rows_for_the_same_data() {
    let (t, db) = database().await;
    queued(
        &t,
        &db,
        &[
            "a.example",
            "b.example",
            "c.example",
            "d.example",
            "e.example",
        ],
    )
    .await;
    for sql in [
        // Held by another process until later.
        "UPDATE instances SET lease_owner = 'other', lease_until = 5000 WHERE domain = 'b.example'",
        // Backing off until later.
        "UPDATE instances SET backoff_until = 5000 WHERE domain = 'c.example'",
        // Nothing due yet.
        "UPDATE deliveries SET next_attempt_at = 5000 WHERE destination = 'd.example'",
        // A lease that expired, and a back-off that ended.
        "UPDATE instances SET lease_owner = 'gone', lease_until = 500, backoff_until = 400 WHERE domain = 'e.example'",
    ] {
        federation_tests::sql!(execute, db.writer(), sql).expect("arrange");
    }
    let one = prassi::db::dialect::lease_due(&db, "me", 1000, 9000, 1)
        .await
        .expect("lease");
    assert_eq!(
        one,
        vec!["a.example".to_string()],
        "the longest waiting first"
    );
    let rest = prassi::db::dialect::lease_due(&db, "me", 1000, 9000, 10)
        .await
        .expect("lease");
    assert_eq!(rest, vec!["e.example".to_string()]);

    let stored = inbox::insert_batch(&db, vec![received("x"), received("y"), received("z")])
        .await
        .expect("insert");
    assert_eq!(stored, vec![true, true, true]);
    federation_tests::sql!(
        execute,
        db.writer(),
        "UPDATE inbox_activities SET state = 'applied' WHERE ap_id = 'y'"
    )
    .expect("arrange");
    let claimed = inbox::claim(&db, "me", 10, 1000, 10).await.expect("claim");
    let got: Vec<&str> = claimed.iter().map(|r| r.ap_id.as_str()).collect();
    assert_eq!(got, vec!["x", "z"]);
    assert!(
        inbox::claim(&db, "other", 20, 1000, 10)
            .await
            .expect("claim")
            .is_empty(),
        "leased activities are not claimed twice"
    );
}

#[tokio::test]
async fn a_write_sent_to_a_read_connection_fails_and_a_with_insert_runs_on_the_writer() {
    let (_t, db) = database().await;
    let with_insert = "WITH v (ap_id) AS (SELECT 'w1') \
         INSERT INTO inbox_activities (ap_id, actor, kind, body, state, next_attempt_at, received_at) \
         SELECT ap_id, 'https://b.example/actors/x', 'Create', '{}', 'pending', 0, 0 FROM v";
    let n = federation_tests::sql!(execute, db.writer(), with_insert).expect("written");
    assert_eq!(n, 1);
    let on_reader = federation_tests::sql!(
        execute,
        &db,
        "UPDATE inbox_activities SET attempts = 7 WHERE ap_id = 'w1'"
    );
    match db {
        // The read connections are query-only: a write sent there fails at once.
        Db::Sqlite { .. } => assert!(on_reader.is_err(), "a read connection wrote"),
        // One pool: reads and writes share it.
        Db::Postgres(_) => assert_eq!(on_reader.expect("written"), 1),
    }
}
