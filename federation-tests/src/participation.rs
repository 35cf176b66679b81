//! Helpers for proof of reading and endorsements: organisations with IPA codes (so their
//! people are administrations' persons), a practice on one instance received by another,
//! reading it all, endorsing, and the owner's index row.

use std::time::Duration;

use prassi::{
    db::{good_index::IndexRow, participation::EndorsementRow},
    domain::actor::Role,
    service::accounts,
};
use reqwest::Method;
use serde_json::{json, Value};
use url::Url;

use crate::{eventually, example, ApiClient, TestInstance};

const T: Duration = Duration::from_secs(30);

/// Creates an organisation with an IPA code (an administration) on `inst`.
pub async fn administration(inst: &TestInstance, handle: &str, ipa: &str) -> Url {
    let org = accounts::create_organization(
        &inst.store(),
        &inst.config,
        accounts::NewOrganization {
            handle: handle.into(),
            name: format!("Ente {handle}"),
            ipa_code: Some(ipa.into()),
            level: Some("regional".into()),
            ..Default::default()
        },
    )
    .await
    .expect("create organisation");
    org.ap_id.0.clone()
}

/// A practice published on `a` by the manager of the administration `org` (IPA `ipa`), and
/// the same practice as the instance of `reader` stores it once they follow `org`.
pub struct Shared {
    pub manager: ApiClient,
    pub org: Url,
    /// The practice's id on `a` and on `b`.
    pub id_a: i64,
    pub id_b: i64,
    pub ap_id: String,
}

pub async fn shared_practice(a: &TestInstance, org: &str, ipa: &str, reader: &ApiClient) -> Shared {
    let org_url = administration(a, org, ipa).await;
    let (_, manager) = a.user(&format!("m-{org}"), Role::Manager, Some(org)).await;
    reader.follow_accepted(org_url.as_str()).await;
    let p = manager.publish(example(0)).await;
    let ap_id = p["ap_id"].as_str().expect("ap_id").to_string();
    let id_b = received(reader, &ap_id).await["id"].as_i64().expect("id");
    Shared {
        manager,
        org: org_url,
        id_a: p["id"].as_i64().expect("id"),
        id_b,
        ap_id,
    }
}

/// The practice `ap_id` as `client`'s instance lists it, once it is there.
pub async fn received(client: &ApiClient, ap_id: &str) -> Value {
    eventually(T, "the practice reaches the reader's instance", || async {
        let l = client
            .call(Method::GET, "/api/v1/practices?local=false", None)
            .await
            .ok()?;
        l.as_array()?.iter().find(|x| x["ap_id"] == ap_id).cloned()
    })
    .await
}

/// Opens `parts` of practice `id`.
pub async fn open(
    client: &ApiClient,
    id: i64,
    parts: &[String],
) -> Result<Value, crate::client::ApiError> {
    client
        .call(
            Method::POST,
            &format!("/api/v1/practices/{id}/reading"),
            Some(json!({ "parts": parts })),
        )
        .await
}

/// The parts of practice `id` as its view lists them.
pub async fn parts(client: &ApiClient, id: i64) -> Vec<String> {
    let v = client
        .call(Method::GET, &format!("/api/v1/practices/{id}"), None)
        .await
        .expect("practice");
    serde_json::from_value(v["parts"].clone()).expect("parts")
}

/// Opens every part of practice `id` at once; returns the reading.
pub async fn read_all(client: &ApiClient, id: i64) -> Value {
    let all = parts(client, id).await;
    assert!(!all.is_empty(), "a practice has parts");
    open(client, id, &all).await.expect("reading")
}

/// Endorses practice `id` (`positive` or `negative`).
pub async fn endorse(client: &ApiClient, id: i64, value: &str) -> Value {
    client
        .call(
            Method::PUT,
            &format!("/api/v1/practices/{id}/endorsement"),
            Some(json!({ "value": value })),
        )
        .await
        .expect("endorse")
}

/// The index row of practice `id` on `inst`.
pub async fn index_row(inst: &TestInstance, id: i64) -> IndexRow {
    prassi::db::good_index::of(&inst.store(), id)
        .await
        .expect("db")
        .unwrap_or_default()
}

/// Waits until `inst`'s index row of practice `id` satisfies `ok`; returns it.
pub async fn index_where(
    inst: &TestInstance,
    id: i64,
    what: &str,
    ok: impl Fn(&IndexRow) -> bool,
) -> IndexRow {
    eventually(T, what, || async {
        let r = index_row(inst, id).await;
        ok(&r).then_some(r)
    })
    .await
}

/// Every endorsement of practice `id` stored on `inst`.
pub async fn endorsements(inst: &TestInstance, id: i64) -> Vec<EndorsementRow> {
    prassi::db::participation::of_practice(&inst.store(), id)
        .await
        .expect("db")
}
