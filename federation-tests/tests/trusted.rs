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
