//! Search harness: practices whose every searchable word is chosen by the test (so what a
//! query finds can be counted by hand), the search API as a typed call, and a summary of an
//! answer that compares across backends and rebuilds.

use std::{collections::BTreeMap, time::Duration};

use reqwest::Method;
use serde_json::{json, Value};

use crate::{eventually, ApiClient, TestInstance};

/// What a fixture practice says and where it sits in every facet.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub name: &'static str,
    /// `it` or `en`: the only language it is written in.
    pub language: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    pub sectors: &'static [&'static str],
    /// An ISTAT code (`16`) or a NUTS code (`ITC4`).
    pub region: &'static str,
    pub level: &'static str,
    pub stage: &'static str,
    pub start: &'static str,
    pub participation: &'static str,
    pub sdgs: &'static [u8],
    pub innovation: &'static [&'static str],
}

/// Five practices: two on participatory budgets (one Italian, one English), health, business
/// services, and training.
pub fn fixtures() -> Vec<Fixture> {
    vec![
        Fixture {
            name: "P1",
            language: "it",
            title: "Bilancio partecipativo di quartiere",
            summary: "I residenti votano i progetti del quartiere.",
            description: "<p>Un percorso partecipativo con assemblee nella città.</p>",
            sectors: &["01"],
            region: "16",
            level: "local",
            stage: "evaluating",
            start: "2021-03-01",
            participation: "empower",
            sdgs: &[11, 16],
            innovation: &["enhancement_oriented"],
        },
        Fixture {
            name: "P2",
            language: "en",
            title: "Participatory budget for schools",
            summary: "Pupils vote on how the school budget is spent.",
            description: "<p>Classes propose small works and vote on them.</p>",
            sectors: &["09"],
            region: "ITC4",
            level: "local",
            stage: "implementing",
            start: "2022-09-01",
            participation: "involve",
            sdgs: &[4],
            innovation: &["mission_oriented"],
        },
        Fixture {
            name: "P3",
            language: "it",
            title: "Telemedicina nelle aree interne",
            summary: "Visite a distanza per i pazienti cronici.",
            description: "<p>Assistenza sanitaria domiciliare con infermieri di famiglia.</p>",
            sectors: &["07"],
            region: "ITH5",
            level: "regional",
            stage: "implementing",
            start: "2022-01-10",
            participation: "consult",
            sdgs: &[3],
            innovation: &["adaptive"],
        },
        Fixture {
            name: "P4",
            language: "it",
            title: "Sportello digitale per le imprese",
            summary: "Pratiche online per le attività produttive.",
            description: "<p>Un solo accesso per autorizzazioni e pagamenti.</p>",
            sectors: &["04", "01"],
            region: "16",
            level: "regional",
            stage: "concluded",
            start: "2020-05-01",
            participation: "inform",
            sdgs: &[8, 9],
            innovation: &["enhancement_oriented"],
        },
        Fixture {
            name: "P5",
            language: "en",
            title: "Open data academy",
            summary: "Training civil servants to work with open data.",
            description: "<p>Modules in person and online, with a final project.</p>",
            sectors: &["09", "01"],
            region: "ITH5",
            level: "regional",
            stage: "evaluating",
            start: "2023-02-01",
            participation: "collaborate",
            sdgs: &[4, 16],
            innovation: &["anticipatory"],
        },
    ]
}

/// The record of `f`: a complete example practice whose every text is replaced by the
/// fixture's (in its one language), so no other word can match.
pub fn record(f: &Fixture) -> Value {
    let mut r = crate::example(0);
    let lang = f.language;
    let one = |text: &str| json!({ lang: text });
    r["language"] = json!(lang);
    r["title"] = one(f.title);
    r["summary"] = one(f.summary);
    r["description"] = one(f.description);
    r["impact"] = one("<p>Esito misurato.</p>");
    r["lessons_learned"] = one("<p>Esito misurato.</p>");
    r["challenges"] = one("<p>Esito misurato.</p>");
    r["replication"] = one("<p>Esito misurato.</p>");
    r["sectors"] = json!(f.sectors);
    r["place"]["region"] = json!(f.region);
    r["level_of_government"] = json!(f.level);
    r["stage"] = json!(f.stage);
    r["period"] = if ["concluded", "discontinued"].contains(&f.stage) {
        json!({"start": f.start, "end": "2024-12-31", "ongoing": false})
    } else {
        json!({"start": f.start, "ongoing": true})
    };
    r["participation"] = json!(f.participation);
    r["sdgs"] = json!(f.sdgs);
    r["innovation_types"] = json!(f.innovation);
    if let Some(inds) = r["indicators"].as_array_mut() {
        for i in inds {
            i["name"] = json!("Esito");
        }
    }
    r
}

/// Publishes every fixture through `manager`, in order; their ids by name.
pub async fn publish_all(manager: &ApiClient, fixtures: &[Fixture]) -> BTreeMap<i64, &'static str> {
    let mut ids = BTreeMap::new();
    for f in fixtures {
        let v = manager.publish(record(f)).await;
        ids.insert(v["id"].as_i64().expect("id"), f.name);
    }
    ids
}

/// `GET /api/v1/search?{query}`.
pub async fn search(client: &ApiClient, query: &str) -> Result<Value, crate::client::ApiError> {
    client
        .call(Method::GET, &format!("/api/v1/search?{query}"), None)
        .await
}

/// The fixture names a search finds, in its order.
pub async fn found(
    c: &ApiClient,
    query: &str,
    ids: &BTreeMap<i64, &'static str>,
) -> Vec<&'static str> {
    names(&search(c, query).await.expect("search"), ids)
}

/// The names of the hits of an answer, in order.
pub fn names(answer: &Value, ids: &BTreeMap<i64, &'static str>) -> Vec<&'static str> {
    answer["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| {
            let id = h["practice"]["id"].as_i64().expect("id");
            *ids.get(&id).unwrap_or(&"?")
        })
        .collect()
}

/// A facet's counts as `value=count` pairs, in the answer's order.
pub fn counts(answer: &Value, facet: &str) -> Vec<String> {
    answer["facets"][facet]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|c| format!("{}={}", c["value"].as_str().unwrap_or("?"), c["count"]))
        .collect()
}

/// Waits until `query` finds exactly the practices `expected` (in order).
pub async fn until_found(
    client: &ApiClient,
    query: &str,
    ids: &BTreeMap<i64, &'static str>,
    expected: &[&str],
    within: Duration,
) -> Value {
    eventually(
        within,
        &format!("`{query}` to find {expected:?}"),
        || async {
            let a = search(client, query).await.ok()?;
            (names(&a, ids) == expected).then_some(a)
        },
    )
    .await
}

/// The answer reduced to what must be the same on every backend and after a rebuild: the
/// hits (by name), the total, and every facet's non-host counts.
pub fn summary(answer: &Value, ids: &BTreeMap<i64, &'static str>) -> String {
    let mut s = format!("{:?} total={}", names(answer, ids), answer["total"]);
    let facets = answer["facets"].as_object().expect("facets");
    for (name, _) in facets {
        // Hosts and handles carry the test's random ports.
        if ["origin", "organization", "recognition"].contains(&name.as_str()) {
            continue;
        }
        s.push_str(&format!(" {name}:{}", counts(answer, name).join(",")));
    }
    s
}

/// An instance with the fixtures published by the manager of `org`; its admin's client and
/// the fixtures' ids. Waits until the search has them all.
pub async fn with_fixtures(
    instance: &TestInstance,
    org: &str,
) -> (ApiClient, BTreeMap<i64, &'static str>) {
    let manager = instance.manager_of(org).await;
    let ids = publish_all(&manager, &fixtures()).await;
    let all: Vec<&str> = ids.values().rev().copied().collect();
    until_found(
        &instance.admin,
        "sort=recent",
        &ids,
        &all,
        Duration::from_secs(10),
    )
    .await;
    (manager, ids)
}
