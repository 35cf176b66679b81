//! Practices: drafts and publication through the API, and their federation across instances.

use std::time::{Duration, SystemTime};

use federation_tests::{eventually, example, post_signed, ApiClient, TestInstance};
use prassi::domain::{actor::Role, practice_examples};
use reqwest::Method;
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(30);

/// `bob` on B follows `comune-bari` on A, whose manager publishes `example(n)`; waits until
/// B stores it. Returns the manager, bob, the published view on A and the stored view on B.
async fn published_and_received(
    a: &TestInstance,
    b: &TestInstance,
    n: usize,
) -> (ApiClient, ApiClient, Value, Value) {
    let m = a.manager_of("comune-bari").await;
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    bob.follow_accepted(a.actor_url("comune-bari").as_str())
        .await;
    let p = m.publish(example(n)).await;
    let url = p["ap_id"].as_str().expect("ap_id").to_string();
    let remote = eventually(T, "B stores the practice", || async {
        let l = bob
            .call(Method::GET, "/api/v1/practices?local=false", None)
            .await
            .ok()?;
        l.as_array()?
            .iter()
            .find(|x| x["ap_id"] == url.as_str())
            .cloned()
    })
    .await;
    (m, bob, p, remote)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_are_validated_completed_and_published() {
    let a = TestInstance::start().await;
    let m = a.manager_of("comune-bari").await;
    let (_, citizen) = a.user("cittadino", Role::Citizen, None).await;

    // A draft may be incomplete; rich text is sanitised on the way in.
    let draft = m
        .call(
            Method::POST,
            "/api/v1/practices",
            Some(json!({
                "language": "it",
                "title": {"it": "Bilancio partecipativo"},
                "description": {"it": "<p>Testo</p><script>alert(1)</script><a href=\"javascript:x()\">x</a>"},
            })),
        )
        .await
        .expect("draft");
    let id = draft["id"].as_i64().expect("id");
    assert_eq!(draft["state"], "draft");
    let desc = draft["record"]["description"]["it"]
        .as_str()
        .expect("description");
    assert!(
        desc.contains("<p>Testo</p>") && !desc.contains("script") && !desc.contains("javascript"),
        "{desc}"
    );

    // Invalid input names every bad field at once and stores nothing.
    let e = m
        .call(
            Method::PATCH,
            &format!("/api/v1/practices/{id}"),
            Some(
                json!({"stage": "dreaming", "summary": {"it": "x".repeat(501)}, "sectors": ["99"]}),
            ),
        )
        .await
        .expect_err("invalid");
    assert_eq!(e.status, 422, "{}", e.body);
    let fields = e.body["fields"].as_object().expect("fields");
    assert!(fields.contains_key("stage"), "{fields:?}");
    let e = m
        .call(
            Method::PATCH,
            &format!("/api/v1/practices/{id}"),
            Some(json!({"summary": {"it": "x".repeat(501)}})),
        )
        .await
        .expect_err("too long");
    assert!(
        e.body["fields"]
            .as_object()
            .expect("fields")
            .keys()
            .any(|k| k.starts_with("summary")),
        "{}",
        e.body
    );
    let unchanged = m
        .call(Method::GET, &format!("/api/v1/practices/{id}"), None)
        .await
        .expect("get");
    assert!(unchanged["record"]["stage"].is_null(), "{unchanged}");
    assert!(
        unchanged["record"]["summary"]
            .as_object()
            .is_none_or(|m| m.is_empty()),
        "{unchanged}"
    );

    // Publishing an incomplete draft lists everything still missing.
    let e = m
        .call(
            Method::POST,
            &format!("/api/v1/practices/{id}/publish"),
            None,
        )
        .await
        .expect_err("incomplete");
    assert_eq!(e.status, 422);
    let missing = e.body["fields"].as_object().expect("fields");
    for f in ["stage", "sectors", "indicators", "team", "media"] {
        assert!(
            missing.keys().any(|k| k.starts_with(f)),
            "{f} not reported in {missing:?}"
        );
    }

    // Drafts are invisible to others.
    let e = citizen
        .call(Method::GET, &format!("/api/v1/practices/{id}"), None)
        .await
        .expect_err("draft hidden");
    assert!(e.status == 403 || e.status == 404, "{}", e.status);
    let e = citizen
        .call(Method::POST, "/api/v1/practices", Some(json!({})))
        .await
        .expect_err("citizen");
    assert_eq!(e.status, 403);

    // Complete it over another sitting (a merge patch) and publish.
    let mut full = m.own_media(example(0)).await;
    full["title"] = json!({"it": "Bilancio partecipativo", "en": "Participatory budgeting"});
    m.call(
        Method::PATCH,
        &format!("/api/v1/practices/{id}"),
        Some(full),
    )
    .await
    .expect("complete");
    let p = m
        .call(
            Method::POST,
            &format!("/api/v1/practices/{id}/publish"),
            None,
        )
        .await
        .expect("publish");
    assert_eq!(p["state"], "published");
    assert!(p["content_digest"]
        .as_str()
        .expect("digest")
        .starts_with("sha256:"));
    assert_eq!(p["record"]["licence"], "CC-BY-4.0");
    let e = m
        .call(
            Method::POST,
            &format!("/api/v1/practices/{id}/publish"),
            None,
        )
        .await
        .expect_err("again");
    assert_eq!(e.status, 409);

    // Its URL: HTML for browsers, an Article for ActivityPub.
    let url = p["ap_id"].as_str().expect("ap_id").to_string();
    let page = reqwest::get(&url)
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("Bilancio partecipativo")
            && page.contains("<h2 id=\"h-lessons_learned\">Lezioni apprese</h2>"),
        "{page}"
    );
    let article = a.get_ap(&url).await;
    assert_eq!(article["type"], "Article");
    assert_eq!(article["id"], url);
    assert_eq!(article["url"], url);
    assert_eq!(article["name"], "Bilancio partecipativo");
    assert_eq!(article["nameMap"]["en"], "Participatory budgeting");
    assert!(
        article["summary"]
            .as_str()
            .expect("summary")
            .chars()
            .count()
            <= 500
    );
    assert!(article["attachment"][0]["name"].is_string());
    assert_eq!(article["contentDigest"], p["content_digest"]);
    assert!(article["@context"].to_string().contains("prassi"));
    let replies = a
        .get_ap(article["replies"]["id"].as_str().expect("replies"))
        .await;
    assert_eq!(replies["type"], "OrderedCollection");
    assert_eq!(replies["totalItems"], 0);
    // The outbox lists the Create.
    let outbox = a
        .get_ap(&format!("{}/outbox?page=1", a.actor_url("comune-bari")))
        .await;
    assert_eq!(outbox["orderedItems"][0]["type"], "Create");
    // Lists filter by stage, sector, locality.
    let sector = practice_examples::all()[0].sectors[0].as_str();
    let stage = practice_examples::all()[0].stage.expect("stage").as_str();
    let listed = citizen
        .call(
            Method::GET,
            &format!("/api/v1/practices?local=true&sector={sector}&stage={stage}"),
            None,
        )
        .await
        .expect("list");
    let item = listed
        .as_array()
        .expect("array")
        .iter()
        .find(|x| x["id"] == id)
        .expect("listed");
    // Read in the list's own query: a local organisation by its handle.
    assert_eq!(item["organization"], "comune-bari");
    let none = citizen
        .call(Method::GET, "/api/v1/practices?sector=02", None)
        .await
        .expect("list");
    assert!(none.as_array().expect("array").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_edit_and_delete_reach_a_follower_instance() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    let (m, bob, p, remote) = published_and_received(&a, &b, 1).await;
    let url = p["ap_id"].as_str().expect("ap_id").to_string();
    assert_eq!(remote["origin"], a.domain.as_str());
    assert_eq!(
        as_sent(&remote["record"]),
        p["record"],
        "the whole record survives the trip"
    );
    assert_eq!(remote["content_digest"], p["content_digest"]);
    assert_eq!(remote["organization"], format!("comune-bari@{}", a.domain));
    let rid = remote["id"].as_i64().expect("id");
    // B shows it as a page too.
    let page = reqwest::get(b.base.join(&format!("practices/{rid}")).expect("url"))
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    // The remote organisation is shown with its domain, never by its name alone.
    let html = page.text().await.expect("html");
    let byline = html
        .lines()
        .find(|l| l.contains("prassi-byline"))
        .unwrap_or_else(|| panic!("no byline: {html}"));
    assert!(
        byline.contains(">Comune di Prova</a>")
            && byline.contains(&format!("@comune-bari@{}<", a.domain)),
        "{byline}"
    );

    let old_article = a.get_ap(&url).await;
    // Edit on A: B gets the new version.
    let id = p["id"].as_i64().expect("id");
    m.call(
        Method::PATCH,
        &format!("/api/v1/practices/{id}"),
        Some(json!({"title": {"it": "Nuovo titolo"}})),
    )
    .await
    .expect("edit");
    eventually(T, "B has the edit", || async {
        let v = bob
            .call(Method::GET, &format!("/api/v1/practices/{rid}"), None)
            .await
            .ok()?;
        (v["record"]["title"]["it"] == "Nuovo titolo").then_some(())
    })
    .await;

    // A replayed older version (the organisation's own, correctly signed) does not win.
    let stale = json!({
        "id": format!("{}activities/stale-update", a.base), "type": "Update",
        "actor": a.actor_url("comune-bari").as_str(), "object": old_article,
    });
    let s = post_signed(
        &a,
        "comune-bari",
        &format!("{}inbox", b.base),
        &serde_json::to_vec(&stale).expect("json"),
        |_, _| {},
        SystemTime::now(),
    )
    .await;
    assert_eq!(s, 202);
    b.admin.drain().await;
    let v = bob
        .call(Method::GET, &format!("/api/v1/practices/{rid}"), None)
        .await
        .expect("get");
    assert_eq!(
        v["record"]["title"]["it"], "Nuovo titolo",
        "an older Update is ignored"
    );

    // Delete on A: gone on B, 410 on A.
    m.call(Method::DELETE, &format!("/api/v1/practices/{id}"), None)
        .await
        .expect("delete");
    eventually(T, "B drops it", || async {
        let e = bob
            .call(Method::GET, &format!("/api/v1/practices/{rid}"), None)
            .await
            .err()?;
        (e.status == 410).then_some(())
    })
    .await;
    let r = reqwest::Client::new()
        .get(&url)
        .header("accept", "application/activity+json")
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 410);
    let tomb: Value = r.json().await.expect("json");
    assert_eq!(tomb["type"], "Tombstone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_update_from_a_third_instance_is_refused() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    let c = TestInstance::start().await;
    let (_, bob, p, remote) = published_and_received(&a, &b, 2).await;
    let url = p["ap_id"].as_str().expect("ap_id").to_string();
    let rid = remote["id"].as_i64().expect("id");

    // Mallory on C claims an update of A's practice.
    c.user("mallory", Role::Citizen, None).await;
    let mallory = c.actor_url("mallory").to_string();
    let mut article = a.get_ap(&url).await;
    article["name"] = json!("Hacked");
    article["updated"] = json!("2030-01-01T00:00:00Z");
    let forged = json!({
        "id": format!("{}activities/forged", c.base), "type": "Update", "actor": mallory, "object": article,
    });
    let s = post_signed(
        &c,
        "mallory",
        &format!("{}inbox", b.base),
        &serde_json::to_vec(&forged).expect("json"),
        |_, _| {},
        SystemTime::now(),
    )
    .await;
    assert_eq!(s, 202, "signed correctly, so accepted for processing");
    let failed = eventually(T, "B refuses it", || async {
        let f = b
            .admin
            .call(Method::GET, "/api/v1/admin/inbox/failed", None)
            .await
            .ok()?;
        f.as_array()?
            .iter()
            .find(|x| x["ap_id"] == forged["id"])
            .cloned()
    })
    .await;
    assert!(
        failed["last_error"]
            .as_str()
            .expect("error")
            .contains("not on the host"),
        "{failed}"
    );
    let v = bob
        .call(Method::GET, &format!("/api/v1/practices/{rid}"), None)
        .await
        .expect("get");
    assert_eq!(v["record"]["title"], p["record"]["title"], "unchanged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn following_a_topic_brings_its_practices() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    let m = a.manager_of("regione-er").await;
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    // The staff-training example is tagged with sector 01 (general public services).
    let sector = practice_examples::all()[1].sectors[0];
    let topic = a.actor_url(sector.slug());
    let group = a.get_ap(topic.as_str()).await;
    assert_eq!(group["type"], "Group");
    bob.follow_accepted(topic.as_str()).await;
    let p = m.publish(example(1)).await;
    eventually(
        T,
        "B gets the practice through the topic's Announce",
        || async {
            let l = bob
                .call(Method::GET, "/api/v1/practices?local=false", None)
                .await
                .ok()?;
            l.as_array()?
                .iter()
                .find(|x| x["ap_id"] == p["ap_id"])
                .cloned()
        },
    )
    .await;
    let announces: Vec<(String,)> = federation_tests::sql!(
        fetch_all,
        &b.store(),
        (String,),
        "SELECT actor FROM inbox_activities WHERE kind = 'Announce'"
    )
    .expect("query");
    assert_eq!(announces, vec![(topic.to_string(),)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_fetches_a_practice_or_an_actor_from_elsewhere() {
    let a = TestInstance::start().await;
    let c = TestInstance::start().await;
    let m = a.manager_of("comune-bari").await;
    let p = m.publish(example(0)).await;
    let url = p["ap_id"].as_str().expect("ap_id");
    let (_, carol) = c.user("carol", Role::Citizen, None).await;
    let r = carol
        .call(Method::GET, &format!("/api/v1/resolve?uri={url}"), None)
        .await
        .expect("resolve practice");
    assert_eq!(r["kind"], "practice");
    assert_eq!(as_sent(&r["practice"]["record"]), p["record"]);
    assert_eq!(r["practice"]["local"], false);
    let listed = carol
        .call(Method::GET, "/api/v1/practices?local=false", None)
        .await
        .expect("list");
    assert_eq!(listed.as_array().expect("array").len(), 1, "stored once");
    let r = carol
        .call(
            Method::GET,
            &format!("/api/v1/resolve?uri=acct:comune-bari@{}", a.domain),
            None,
        )
        .await
        .expect("resolve actor");
    assert_eq!(r["kind"], "actor");
    assert_eq!(r["actor"]["type"], "Organization");
    let e = carol
        .call(
            Method::GET,
            &format!("/api/v1/resolve?uri={}practices/nothing", a.base),
            None,
        )
        .await
        .expect_err("unknown");
    assert!(
        e.status == 404 || e.status == 502,
        "{} {}",
        e.status,
        e.body
    );
}

/// A remote practice's record as its instance sent it: its media point at this instance's
/// cache, with `source_url` where each came from.
fn as_sent(remote: &Value) -> Value {
    let mut record = remote.clone();
    if let Some(media) = record["media"].as_array_mut() {
        for m in media {
            let here = m["url"].as_str().unwrap_or_default().to_string();
            assert!(
                here.contains("/media/remote/"),
                "not served from here: {here}"
            );
            m["url"] = m["source_url"].take();
            m.as_object_mut().expect("medium").remove("source_url");
        }
    }
    record
}
