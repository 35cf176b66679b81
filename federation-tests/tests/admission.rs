//! Which remote `Article`s become practices here: only those of an organisation someone here
//! follows (or looked up on purpose), and only when they pass the publication check; every
//! refusal is kept with its reason.

use std::time::{Duration, SystemTime};

use federation_tests::{eventually, example, post_signed, TestInstance};
use prassi::domain::actor::Role;
use reqwest::Method;
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(30);

/// The error B keeps for the refused activity `id`, once its inbox worker has applied it.
async fn refusal(b: &TestInstance, id: &str) -> String {
    let failed = eventually(T, "B refuses the activity", || async {
        let f = b
            .admin
            .call(Method::GET, "/api/v1/admin/inbox/failed", None)
            .await
            .ok()?;
        f.as_array()?.iter().find(|x| x["ap_id"] == id).cloned()
    })
    .await;
    failed["last_error"].as_str().expect("error").to_string()
}

/// `Create(article)` signed by the local actor `by` of `a`, posted to B's shared inbox.
async fn send_create(
    a: &TestInstance,
    b: &TestInstance,
    by: &str,
    n: u32,
    article: &Value,
) -> String {
    let id = format!("{}activities/unsolicited-{n}", a.base);
    let create = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id, "type": "Create", "actor": a.actor_url(by).as_str(), "object": article,
    });
    let s = post_signed(
        a,
        by,
        &format!("{}inbox", b.base),
        &serde_json::to_vec(&create).expect("json"),
        |_, _| {},
        SystemTime::now(),
    )
    .await;
    assert_eq!(s, 202, "signed correctly, so accepted for processing");
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsolicited_or_unpublishable_articles_do_not_become_practices() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    let m = a.manager_of("comune-bari").await;
    a.user("mallory", Role::Citizen, None).await;
    let p = m.publish(example(0)).await;
    let genuine = a.get_ap(p["ap_id"].as_str().expect("ap_id")).await;

    // A person's Article, complete as it is, is no practice.
    let mut by_person = genuine.clone();
    by_person["id"] = json!(format!("{}practices/of-mallory", a.base));
    by_person["attributedTo"] = json!(a.actor_url("mallory").as_str());
    let id = send_create(&a, &b, "mallory", 1, &by_person).await;
    let why = refusal(&b, &id).await;
    assert!(why.contains("not to an Organization"), "{why}");

    // An organisation nobody on B follows: unsolicited.
    let id = send_create(&a, &b, "comune-bari", 2, &genuine).await;
    let why = refusal(&b, &id).await;
    assert!(why.contains("unsolicited"), "{why}");

    // Shared by someone nobody on B follows: unsolicited too.
    let id = format!("{}activities/unsolicited-announce", a.base);
    let announce = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id, "type": "Announce", "actor": a.actor_url("mallory").as_str(),
        "object": genuine["id"],
    });
    let s = post_signed(
        &a,
        "mallory",
        &format!("{}inbox", b.base),
        &serde_json::to_vec(&announce).expect("json"),
        |_, _| {},
        SystemTime::now(),
    )
    .await;
    assert_eq!(s, 202);
    let why = refusal(&b, &id).await;
    assert!(why.contains("unsolicited"), "{why}");

    // Followed now, but an almost empty record: not publishable, every gap named.
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    bob.follow_accepted(a.actor_url("comune-bari").as_str())
        .await;
    let empty = json!({
        "id": format!("{}practices/almost-empty", a.base), "type": "Article",
        "attributedTo": a.actor_url("comune-bari").as_str(), "name": "Comune di Bari",
        "content": "<p>x</p>", "to": ["https://www.w3.org/ns/activitystreams#Public"],
    });
    let id = send_create(&a, &b, "comune-bari", 3, &empty).await;
    let why = refusal(&b, &id).await;
    assert!(why.contains("not a publishable practice"), "{why}");
    for field in ["summary", "stage", "sectors", "indicators", "media"] {
        assert!(why.contains(field), "{field} not named in {why}");
    }
    let listed = bob
        .call(Method::GET, "/api/v1/practices", None)
        .await
        .expect("list");
    assert_eq!(listed, json!([]), "nothing listed");
    assert_eq!(b.count("practices").await, 0);

    // The genuine practice of the followed organisation is stored and listed.
    send_create(&a, &b, "comune-bari", 4, &genuine).await;
    b.admin.drain().await;
    let listed = bob
        .call(Method::GET, "/api/v1/practices", None)
        .await
        .expect("list");
    let listed = listed.as_array().expect("array");
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["ap_id"], genuine["id"]);
}
