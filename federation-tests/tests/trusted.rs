//! The list of trusted administration instances: public, this instance always first, kept by
//! admins only, with every bad host refused.

use federation_tests::TestInstance;
use prassi::domain::actor::Role;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn public_list(inst: &TestInstance) -> Vec<String> {
    let list: Value = reqwest::get(inst.base.join("/api/v1/trusted-instances").expect("url"))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    serde_json::from_value(list).expect("strings")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_keep_the_trusted_list_and_anyone_reads_it() {
    let inst = TestInstance::start().await;
    assert_eq!(public_list(&inst).await, vec![inst.domain.clone()]);

    let add = |host: &str| {
        let body = json!({ "host": host });
        let admin = &inst.admin;
        async move {
            admin
                .call(Method::POST, "/api/v1/admin/trusted-instances", Some(body))
                .await
        }
    };
    add("Regione.Example").await.expect("added");
    add("localhost:8081").await.expect("added");
    add("regione.example").await.expect("already there is fine");
    // This instance is listed once, whatever an admin adds.
    add(&inst.domain).await.expect("self");
    assert_eq!(
        public_list(&inst).await,
        vec![
            inst.domain.clone(),
            "localhost:8081".to_string(),
            "regione.example".to_string()
        ]
    );
    let e = add("https://hub.example/x").await.expect_err("not a host");
    assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.body["fields"]["host"].is_string(), "{}", e.body);

    let entries = inst
        .admin
        .call(Method::GET, "/api/v1/admin/trusted-instances", None)
        .await
        .expect("entries");
    assert_eq!(entries[0]["host"], "localhost:8081");
    assert_eq!(entries[0]["source"], "admin");

    // Not an admin's list to keep for anyone else.
    let (_, manager) = inst.user("mara", Role::Citizen, None).await;
    let e = manager
        .call(
            Method::POST,
            "/api/v1/admin/trusted-instances",
            Some(json!({"host": "evil.example"})),
        )
        .await
        .expect_err("forbidden");
    assert_eq!(e.status, StatusCode::FORBIDDEN);

    inst.admin
        .call(
            Method::DELETE,
            "/api/v1/admin/trusted-instances/regione.example",
            None,
        )
        .await
        .expect("removed");
    let e = inst
        .admin
        .call(
            Method::DELETE,
            "/api/v1/admin/trusted-instances/regione.example",
            None,
        )
        .await
        .expect_err("gone already");
    assert_eq!(e.status, StatusCode::NOT_FOUND);
    let own = format!("/api/v1/admin/trusted-instances/{}", inst.domain);
    let e = inst
        .admin
        .call(Method::DELETE, &own, None)
        .await
        .expect_err("itself");
    assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        public_list(&inst).await,
        vec![inst.domain.clone(), "localhost:8081".to_string()]
    );
    let store = inst.store();
    assert!(
        prassi::service::trust::is_trusted(&store, &inst.config, "LOCALHOST:8081")
            .await
            .expect("db")
    );
    assert!(
        !prassi::service::trust::is_trusted(&store, &inst.config, "regione.example")
            .await
            .expect("db")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_follows_another_ones_list() {
    let hub = TestInstance::start().await;
    let region = TestInstance::start().await;
    for host in ["regione-a.example", "regione-b.example"] {
        prassi::service::trust::trust(&hub.store(), &hub.config, host, "admin")
            .await
            .expect("trust");
    }
    let (db, cfg) = (region.store(), &region.config);
    prassi::service::trust::trust(&db, cfg, "own-choice.example", "admin")
        .await
        .expect("trust");
    let http = reqwest::Client::new();
    let list_url = hub.base.join("/api/v1/trusted-instances").expect("url");
    let brought = prassi::service::trust::subscribe(&db, cfg, &http, list_url.as_str())
        .await
        .expect("subscribe");
    assert_eq!(
        brought,
        vec![
            hub.domain.clone(),
            "regione-a.example".to_string(),
            "regione-b.example".to_string()
        ]
    );
    let mut expected = vec![
        region.domain.clone(),
        hub.domain.clone(),
        "own-choice.example".to_string(),
        "regione-a.example".to_string(),
        "regione-b.example".to_string(),
    ];
    expected[1..].sort();
    assert_eq!(public_list(&region).await, expected);

    // The hub drops one: the next refresh drops it here too; the region's own entry stays.
    prassi::service::trust::untrust(&hub.store(), &hub.config, "regione-b.example")
        .await
        .expect("untrust");
    prassi::service::trust::refresh_all(&db, cfg, &http)
        .await
        .expect("refresh");
    let now = public_list(&region).await;
    assert!(!now.contains(&"regione-b.example".to_string()), "{now:?}");
    assert!(now.contains(&"own-choice.example".to_string()), "{now:?}");
    assert!(now.contains(&"regione-a.example".to_string()), "{now:?}");

    // A list that cannot be read keeps what it brought, with its error recorded.
    let mut gone = hub;
    gone.stop().await;
    prassi::service::trust::refresh_all(&db, cfg, &http)
        .await
        .expect("refresh");
    assert!(public_list(&region)
        .await
        .contains(&"regione-a.example".to_string()));
    let subs = prassi::db::trusted::subscriptions(&db).await.expect("db");
    assert!(subs[0].last_error.is_some(), "{subs:?}");

    // Only web addresses are lists.
    let e = prassi::service::trust::subscribe(&db, cfg, &http, "ftp://hub.example/list")
        .await
        .expect_err("not a list URL");
    assert!(matches!(e, prassi::error::AppError::Invalid(_)), "{e}");
}
