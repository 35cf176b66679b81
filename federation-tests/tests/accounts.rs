//! Log-in against brute force, and the life of API tokens: failed log-ins throttled by account
//! and by client address (429 with `Retry-After`, growing delays, lock-out), one Argon2
//! verification per attempt whether the account exists or not, hashing bounded, tokens that
//! expire, are listed and revoked, accounts disabled at once; `/metrics` not public.

use std::{sync::atomic::Ordering::Relaxed, time::Duration};

use federation_tests::{eventually, instance::METRICS_TOKEN, ApiClient, Options, TestInstance};
use prassi::{domain::actor::Role, service::accounts};
use reqwest::{header, StatusCode};
use serde_json::{json, Value};

/// (status, Retry-After, body) of a log-in attempt, from the client address `forwarded` says
/// (believed only when the instance trusts loopback as its proxy).
async fn login(
    inst: &TestInstance,
    user: &str,
    password: &str,
    forwarded: Option<&str>,
) -> (StatusCode, Option<u64>, Value) {
    let mut req = reqwest::Client::new()
        .post(inst.base.join("api/v1/auth/login").expect("url"))
        .json(&json!({"username": user, "password": password}));
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let resp = req.send().await.expect("login");
    let status = resp.status();
    let retry = resp
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (status, retry, resp.json().await.unwrap_or(Value::Null))
}

fn checks(inst: &TestInstance) -> u64 {
    inst.fed
        .to_request_data()
        .metrics
        .password_checks
        .load(Relaxed)
}

async fn throttled(tweak: fn(&mut prassi::config::Config)) -> TestInstance {
    TestInstance::start_with(Options {
        tweak,
        ..Options::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_accounts_and_wrong_passwords_look_alike_and_cost_one_verification_each() {
    let inst = TestInstance::start().await;
    inst.user("alice", Role::Citizen, None).await;

    let before = checks(&inst);
    let unknown = login(&inst, "nobody", "whatever-password", None).await;
    assert_eq!(
        checks(&inst) - before,
        1,
        "one Argon2 run for an unknown account"
    );
    let before = checks(&inst);
    let wrong = login(&inst, "alice", "not-her-password", None).await;
    assert_eq!(
        checks(&inst) - before,
        1,
        "one Argon2 run for a wrong password"
    );
    assert_eq!(unknown.0, StatusCode::UNAUTHORIZED);
    assert_eq!((unknown.0, &unknown.2), (wrong.0, &wrong.2));
    assert_eq!(unknown.2["error"], "unauthorized");

    let before = checks(&inst);
    let ok = login(&inst, "alice", "a-long-password", None).await;
    assert_eq!(ok.0, StatusCode::OK, "{}", ok.2);
    assert_eq!(checks(&inst) - before, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_log_ins_of_an_account_wait_longer_each_time_then_lock_it_out() {
    let inst = throttled(|c| {
        c.login.free_failures = 2;
        c.login.lockout_failures = 4;
        c.login.lockout = Duration::from_secs(600);
    })
    .await;
    inst.user("bob", Role::Citizen, None).await;
    for _ in 0..2 {
        assert_eq!(
            login(&inst, "bob", "wrong-password", None).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    // Two failures are free; the third try, made at once, is refused unchecked.
    let before = checks(&inst);
    let (status, retry, body) = login(&inst, "bob", "a-long-password", None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(retry, Some(1));
    assert_eq!(body["error"], "too_many_requests");
    assert_eq!(checks(&inst), before, "a throttled try checks no password");
    // Once the wait is over the account may try again; a third failure waits twice as long.
    let retry_when_free = || async {
        loop {
            let (s, retry, _) = login(&inst, "bob", "wrong-password", None).await;
            if s == StatusCode::UNAUTHORIZED {
                return;
            }
            assert!(retry.is_some());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), retry_when_free())
        .await
        .expect("the 1 s wait ends");
    let (status, retry, _) = login(&inst, "bob", "a-long-password", None).await;
    assert_eq!((status, retry), (StatusCode::TOO_MANY_REQUESTS, Some(2)));
    tokio::time::timeout(Duration::from_secs(6), retry_when_free())
        .await
        .expect("the 2 s wait ends");
    // That was the fourth failure: the account is locked out for 10 minutes.
    let (status, retry, _) = login(&inst, "bob", "a-long-password", None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry.expect("Retry-After") > 590, "{retry:?}");
    // Another account is not affected.
    inst.user("carol", Role::Citizen, None).await;
    assert_eq!(
        login(&inst, "carol", "a-long-password", None).await.0,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_guesses_sent_at_once_is_counted_one_by_one() {
    let inst = throttled(|c| {
        c.login.free_failures = 2;
        c.login.lockout_failures = 4;
        c.login.address_free_failures = 1000;
        c.login.address_lockout_failures = 1000;
    })
    .await;
    inst.user("gina", Role::Citizen, None).await;
    // Twenty guesses at once, under names that differ only in case and spaces: one account.
    let guesses = (0..20).map(|i| {
        let inst = &inst;
        let name = match i % 3 {
            0 => "gina".to_string(),
            1 => "GINA".to_string(),
            _ => " Gina ".to_string(),
        };
        async move { login(inst, &name, "guess-password", None).await.0 }
    });
    let statuses = futures::future::join_all(guesses).await;
    let count = |s: StatusCode| statuses.iter().filter(|x| **x == s).count();
    assert_eq!(count(StatusCode::UNAUTHORIZED), 2, "{statuses:?}");
    assert_eq!(count(StatusCode::TOO_MANY_REQUESTS), 18, "{statuses:?}");
    assert_eq!(
        checks(&inst),
        2,
        "only the two counted guesses were checked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_log_ins_are_throttled_per_client_address_behind_a_trusted_proxy() {
    let inst = throttled(|c| {
        c.login.address_free_failures = 3;
        c.login.address_lockout_failures = 3;
        c.login.lockout = Duration::from_secs(600);
        c.server.trusted_proxies = vec!["127.0.0.1/32".parse().expect("net")];
    })
    .await;
    inst.user("dora", Role::Citizen, None).await;
    // One address tries three accounts: then it is locked out, whatever the account.
    for user in ["x1", "x2", "x3"] {
        let (s, _, _) = login(&inst, user, "guess-password", Some("198.51.100.1")).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let (s, retry, _) = login(&inst, "dora", "a-long-password", Some("198.51.100.1")).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry.expect("Retry-After") > 590);
    // Another client behind the same proxy is served; what a client claims before the
    // proxy's own entry does not change who it is.
    let (s, _, _) = login(&inst, "dora", "a-long-password", Some("198.51.100.2")).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, _) = login(
        &inst,
        "dora",
        "a-long-password",
        Some("198.51.100.2, 198.51.100.1"),
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_cannot_escape_the_throttle_with_a_forged_forwarded_header() {
    let inst = throttled(|c| {
        c.login.address_free_failures = 2;
        c.login.address_lockout_failures = 2;
    })
    .await;
    for (i, user) in ["y1", "y2"].iter().enumerate() {
        let forged = format!("203.0.113.{i}");
        let (s, _, _) = login(&inst, user, "guess-password", Some(&forged)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let (s, _, _) = login(&inst, "y3", "guess-password", Some("203.0.113.99")).await;
    assert_eq!(
        s,
        StatusCode::TOO_MANY_REQUESTS,
        "no proxy is trusted: the peer is the client"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_checks_run_a_few_at_a_time() {
    let inst = throttled(|c| {
        c.login.address_free_failures = 1000;
        c.login.address_lockout_failures = 1000;
        c.login.hash_concurrency = 2;
    })
    .await;
    let attempts = (0..16).map(|i| {
        let inst = &inst;
        async move {
            login(inst, &format!("someone{i}"), "guess-password", None)
                .await
                .0
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    // On a loaded machine some may wait longer than a hashing turn is waited for: those are
    // told to come back (429), unchecked. The others are checked, two at a time at most.
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert!(
        statuses
            .iter()
            .all(|s| matches!(*s, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS)),
        "{statuses:?}"
    );
    assert!(checked >= 2, "{statuses:?}");
    let m = &inst.fed.to_request_data().metrics;
    assert_eq!(m.password_checks.load(Relaxed), checked as u64);
    let most = m.hashing_max.load(Relaxed);
    assert!(most <= 2, "{most} checks ran at once");
}

async fn status_of(client: &ApiClient, path: &str) -> StatusCode {
    client
        .call(reqwest::Method::GET, path, None)
        .await
        .map(|_| StatusCode::OK)
        .unwrap_or_else(|e| e.status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_listed_revoked_ended_by_log_out_and_by_disabling_the_account() {
    let inst = TestInstance::start().await;
    inst.user("erin", Role::Citizen, None).await;
    let (_, _, first) = login(&inst, "erin", "a-long-password", None).await;
    let (_, _, second) = login(&inst, "erin", "a-long-password", None).await;
    let phone = ApiClient::new(inst.base.clone(), first["token"].as_str().map(String::from));
    let laptop = ApiClient::new(
        inst.base.clone(),
        second["token"].as_str().map(String::from),
    );

    // Three tokens (one from the harness), the current one marked.
    let list = laptop
        .call(reqwest::Method::GET, "/api/v1/auth/tokens", None)
        .await
        .expect("tokens");
    let list = list.as_array().expect("array").clone();
    assert_eq!(list.len(), 3, "{list:?}");
    let current: Vec<&Value> = list.iter().filter(|t| t["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert!(list
        .iter()
        .all(|t| t["expires_at"].is_string() && t.get("token").is_none()));
    let current_id = |tokens: &Value| {
        tokens
            .as_array()
            .and_then(|l| l.iter().find(|t| t["current"] == true))
            .and_then(|t| t["id"].as_i64())
            .expect("current token")
    };
    let phone_id = current_id(
        &phone
            .call(reqwest::Method::GET, "/api/v1/auth/tokens", None)
            .await
            .expect("tokens"),
    );
    assert_ne!(phone_id, current[0]["id"].as_i64().expect("id"));

    // Someone else's token is not erin's to revoke.
    let admin_token_id = current_id(
        &inst
            .admin
            .call(reqwest::Method::GET, "/api/v1/auth/tokens", None)
            .await
            .expect("admin tokens"),
    );
    let err = laptop
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/auth/tokens/{admin_token_id}"),
            None,
        )
        .await
        .expect_err("not erin's");
    assert_eq!(err.status, StatusCode::NOT_FOUND);
    assert_eq!(status_of(&inst.admin, "/api/v1/me").await, StatusCode::OK);
    // The laptop ends the phone's session; the laptop's own goes on.
    let revoked = laptop
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/auth/tokens/{phone_id}"),
            None,
        )
        .await;
    assert!(revoked.is_ok(), "{revoked:?}");
    assert_eq!(
        status_of(&phone, "/api/v1/me").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(status_of(&laptop, "/api/v1/me").await, StatusCode::OK);

    // Log-out ends the token it is sent with.
    let out = laptop
        .call(reqwest::Method::POST, "/api/v1/auth/logout", None)
        .await;
    assert!(out.is_ok(), "{out:?}");
    assert_eq!(
        status_of(&laptop, "/api/v1/me").await,
        StatusCode::UNAUTHORIZED
    );

    // Disabling the account ends every token at once and refuses log-ins.
    let (_, _, third) = login(&inst, "erin", "a-long-password", None).await;
    let tablet = ApiClient::new(inst.base.clone(), third["token"].as_str().map(String::from));
    assert_eq!(status_of(&tablet, "/api/v1/me").await, StatusCode::OK);
    let revoked = accounts::set_disabled(&inst.store(), "erin", true)
        .await
        .expect("disable");
    assert!(revoked >= 1);
    assert_eq!(
        status_of(&tablet, "/api/v1/me").await,
        StatusCode::UNAUTHORIZED
    );
    let (s, _, body) = login(&inst, "erin", "a-long-password", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["message"], "wrong username or password");
    accounts::set_disabled(&inst.store(), "erin", false)
        .await
        .expect("enable");
    assert_eq!(
        login(&inst, "erin", "a-long-password", None).await.0,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_expires() {
    let inst = throttled(|c| c.login.token_lifetime = Duration::from_millis(1500)).await;
    inst.user("fred", Role::Citizen, None).await;
    let (_, _, body) = login(&inst, "fred", "a-long-password", None).await;
    let fred = ApiClient::new(inst.base.clone(), body["token"].as_str().map(String::from));
    assert_eq!(status_of(&fred, "/api/v1/me").await, StatusCode::OK);
    eventually(Duration::from_secs(5), "the token to expire", || async {
        (status_of(&fred, "/api/v1/me").await == StatusCode::UNAUTHORIZED).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_need_their_token_or_their_own_address() {
    // No token configured: not there at all on the public address.
    let open = throttled(|c| c.metrics.token = None).await;
    let url = open.base.join("metrics").expect("url");
    assert_eq!(
        reqwest::get(url.clone()).await.expect("get").status(),
        StatusCode::NOT_FOUND
    );

    // With a token: refused without it, served with it.
    let guarded = TestInstance::start().await;
    let url = guarded.base.join("metrics").expect("url");
    assert_eq!(
        reqwest::get(url.clone()).await.expect("get").status(),
        StatusCode::UNAUTHORIZED
    );
    let wrong = reqwest::Client::new()
        .get(url)
        .bearer_auth(format!("{METRICS_TOKEN}x"))
        .send()
        .await
        .expect("get");
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(guarded
        .metrics_text()
        .await
        .contains("prassi_http_connections "));

    // Two instances with a metrics address each, side by side in one process.
    let with_bind = |c: &mut prassi::config::Config| {
        c.metrics.bind = Some("127.0.0.1:0".parse().expect("addr"));
    };
    let a = throttled(with_bind).await;
    let b = throttled(with_bind).await;
    for inst in [&a, &b] {
        let m = &inst.fed.to_request_data().metrics;
        let at = eventually(Duration::from_secs(5), "the metrics address", || async {
            m.address.get().copied()
        })
        .await;
        let text = reqwest::get(format!("http://{at}/metrics"))
            .await
            .expect("get")
            .text()
            .await
            .expect("text");
        assert!(text.contains("prassi_login_total"), "{text}");
        let other = reqwest::get(format!("http://{at}/api/v1/practices"))
            .await
            .expect("get");
        assert_eq!(other.status(), StatusCode::NOT_FOUND, "only /metrics there");
    }
}
