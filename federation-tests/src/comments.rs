//! Helpers for comment scenarios: posting through the API, reading a thread, and comparing
//! threads across instances by what they must share (ActivityPub ids, nesting, stance, text).

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::{eventually, ApiClient, TestInstance};

/// One comment of a thread, as instances must agree on it: its id, the id of what it
/// answers (`None`: the practice), its stance, its text, whether it is removed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Shape {
    pub ap_id: String,
    pub parent: Option<String>,
    pub stance: Option<String>,
    pub content: String,
    pub removed: bool,
}

/// The thread of practice `id` as `client` sees it (nested, as the API gives it).
pub async fn thread(client: &ApiClient, id: i64) -> Value {
    client
        .call(
            Method::GET,
            &format!("/api/v1/practices/{id}/comments"),
            None,
        )
        .await
        .expect("thread")
}

/// The thread flattened into shapes, sorted by id: what two instances' threads must share.
pub fn shapes(thread: &Value) -> Vec<Shape> {
    fn walk(items: &Value, parent: Option<&str>, out: &mut Vec<Shape>) {
        for c in items.as_array().into_iter().flatten() {
            let ap_id = c["ap_id"].as_str().unwrap_or_default().to_string();
            out.push(Shape {
                ap_id: ap_id.clone(),
                parent: parent.map(String::from),
                stance: c["stance"].as_str().map(String::from),
                content: c["content"].as_str().unwrap_or_default().to_string(),
                removed: c["removed"].as_bool().unwrap_or_default(),
            });
            walk(&c["replies"], Some(&ap_id), out);
        }
    }
    let mut out = Vec::new();
    walk(thread, None, &mut out);
    out.sort();
    out
}

/// Posts a comment on practice `id`; returns its view.
pub async fn comment(
    client: &ApiClient,
    id: i64,
    content: &str,
    in_reply_to: Option<i64>,
    stance: Option<&str>,
) -> Value {
    let mut body = json!({"content": content});
    if let Some(r) = in_reply_to {
        body["in_reply_to"] = json!(r);
    }
    if let Some(s) = stance {
        body["stance"] = json!(s);
    }
    client
        .call(
            Method::POST,
            &format!("/api/v1/practices/{id}/comments"),
            Some(body),
        )
        .await
        .expect("comment")
}

/// The local id, on `client`'s instance, of the practice with ActivityPub id `ap_id`, once
/// that instance holds it.
pub async fn practice_id(client: &ApiClient, ap_id: &str, timeout: Duration) -> i64 {
    eventually(timeout, &format!("the instance holds {ap_id}"), || async {
        let l = client
            .call(Method::GET, "/api/v1/practices?per_page=100", None)
            .await
            .ok()?;
        l.as_array()?
            .iter()
            .find(|x| x["ap_id"] == ap_id)
            .and_then(|x| x["id"].as_i64())
    })
    .await
}

/// The local id of the comment with ActivityPub id `ap_id` in a thread, when present.
pub fn comment_id(thread: &Value, ap_id: &str) -> Option<i64> {
    fn find(items: &Value, ap_id: &str) -> Option<i64> {
        items.as_array()?.iter().find_map(|c| {
            if c["ap_id"] == ap_id {
                c["id"].as_i64()
            } else {
                find(&c["replies"], ap_id)
            }
        })
    }
    find(thread, ap_id)
}

/// Waits until practice `id`'s thread on `client`'s instance has the shapes `want`; returns
/// the thread.
pub async fn thread_becomes(
    client: &ApiClient,
    id: i64,
    want: &[Shape],
    timeout: Duration,
    what: &str,
) -> Value {
    let mut want = want.to_vec();
    want.sort();
    // `eventually`'s polling, cut short by a timeout of our own so that the failure shows the
    // thread as it last stood.
    let last = std::sync::Mutex::new(Value::Null);
    let polled = tokio::time::timeout(
        timeout,
        eventually(timeout + Duration::from_secs(5), what, || async {
            let t = thread(client, id).await;
            *last.lock().expect("lock") = t.clone();
            (shapes(&t) == want).then_some(t)
        }),
    )
    .await;
    match polled {
        Ok(t) => t,
        Err(_) => panic!(
            "timed out after {timeout:?} waiting for: {what}; thread is {}, wanted {want:?}",
            last.lock().expect("lock")
        ),
    }
}

/// The inbox of `org` on `instance`.
pub fn org_inbox(instance: &TestInstance, org: &str) -> String {
    format!("{}/inbox", instance.actor_url(org))
}

/// The errors of the activities of `kind` that `instance` refused.
pub async fn refusals(instance: &TestInstance, kind: &str) -> Vec<String> {
    let store = instance.store();
    let rows: Vec<(Option<String>,)> = crate::sql!(
        fetch_all,
        store.writer(),
        (Option<String>,),
        "SELECT last_error FROM inbox_activities WHERE state = 'failed' AND kind = $1 ORDER BY id",
        kind.to_string()
    )
    .expect("db");
    rows.into_iter().filter_map(|(e,)| e).collect()
}

/// A published practice of `org` on `a`, followed by a citizen of each of `followers`; returns
/// `org`'s manager, the practice's ActivityPub id and its id on `a`.
pub async fn followed_practice(
    a: &TestInstance,
    org: &str,
    followers: &[&ApiClient],
) -> (ApiClient, String, i64) {
    let m = a.manager_of(org).await;
    for f in followers {
        f.follow_accepted(a.actor_url(org).as_str()).await;
    }
    let p = m.publish(crate::example(0)).await;
    let ap_id = p["ap_id"].as_str().expect("ap_id").to_string();
    (m, ap_id, p["id"].as_i64().expect("id"))
}
