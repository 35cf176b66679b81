//! The catalogue as open data: the DCAT-AP_IT JSON-LD read into RDF by rdflib and the CSV read
//! back by Python's csv module, over local, received, recognised and deleted practices; and
//! the export produced page by page as it is read.

use std::time::Duration;

use federation_tests::{
    eventually, example,
    open_data::{check_catalog, check_csv, download},
    participation::administration,
    TestInstance,
};
use futures::StreamExt;
use prassi::{
    db::recognitions::{insert_recognition, NewRecognition},
    domain::actor::Role,
    service::export::{self, Format},
};
use reqwest::Method;
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(30);
const CATALOG: &str = "/api/v1/export/catalog.jsonld";
const CSV: &str = "/api/v1/export/practices.csv";

/// A title and summary a CSV writer must quote: comma, double quote, and (in the summary)
/// a line break.
const TRICKY_TITLE: &str = "Mobilità \"dolce\", sì: scuole e quartieri";
const TRICKY_SUMMARY: &str =
    "Prima riga, con \"virgolette\" e virgole;\nseconda riga, dopo un a capo.";

fn header<'h>(h: &'h reqwest::header::HeaderMap, name: &str) -> &'h str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalogue_is_dcat_ap_it_and_the_csv_reads_back() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;

    // A's practice reaches B, which follows its organisation: B's catalogue aggregates it.
    administration(&a, "comune-bari", "c_a662").await;
    let (_, on_a) = a
        .user("m-comune-bari", Role::Manager, Some("comune-bari"))
        .await;
    let (_, bob) = b.user("bob", Role::Citizen, None).await;
    bob.follow_accepted(a.actor_url("comune-bari").as_str())
        .await;
    let received = on_a.publish(example(0)).await;
    let received_id = received["ap_id"].as_str().expect("ap_id").to_string();
    let received_row = eventually(T, "B stores A's practice", || async {
        let l = bob
            .call(Method::GET, "/api/v1/practices?local=false", None)
            .await
            .ok()?;
        l.as_array()?
            .iter()
            .find(|x| x["ap_id"] == received_id.as_str())
            .cloned()
    })
    .await;

    // B's own: one with a title and summary that need quoting, one deleted afterwards.
    administration(&b, "regione-toscana", "r_toscan").await;
    let (_, on_b) = b
        .user("m-regione-toscana", Role::Manager, Some("regione-toscana"))
        .await;
    let mut record = example(1);
    record["title"]["it"] = json!(TRICKY_TITLE);
    record["summary"]["it"] = json!(TRICKY_SUMMARY);
    let local = on_b.publish(record).await;
    let local_id = local["ap_id"].as_str().expect("ap_id").to_string();
    // What was stored is what the CSV must give back, byte for byte.
    let stored_title = local["record"]["title"]["it"]
        .as_str()
        .expect("title")
        .to_string();
    let stored_summary = local["record"]["summary"]["it"]
        .as_str()
        .expect("summary")
        .to_string();
    assert!(
        stored_title.contains(",") && stored_title.contains('"'),
        "{stored_title}"
    );
    assert!(stored_summary.contains('\n'), "{stored_summary:?}");
    let gone = on_b.publish(example(2)).await;
    let gone_id = gone["ap_id"].as_str().expect("ap_id").to_string();

    // B's commission recognised A's practice (a row as the hub's decision writes it).
    let call = format!("{}calls/open-data-2026", b.base);
    {
        let store = b.fed.to_request_data();
        let mut tx = store.db.begin().await.expect("tx");
        insert_recognition(
            &mut tx,
            NewRecognition {
                offer_id: "urn:test:offer:1",
                practice_id: received_row["id"].as_i64().expect("id"),
                call_ap_id: &call,
                call_title: "Premio open data 2026",
                local: true,
                reasons: "Replicabile",
                scores: "{}",
                recognised_at: prassi::db::now(),
            },
        )
        .await
        .expect("recognition");
        tx.commit().await.expect("commit");
    }

    let (_, h, _) = download(&b, CATALOG, &[]).await;
    let etag_before = header(&h, "etag").to_string();
    on_b.call(
        Method::DELETE,
        &format!("/api/v1/practices/{}", gone["id"]),
        None,
    )
    .await
    .expect("delete");

    // The JSON-LD: public, streamed, cacheable, and DCAT-AP_IT to rdflib.
    let (status, h, body) = download(&b, CATALOG, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(header(&h, "content-type"), "application/ld+json");
    assert_eq!(header(&h, "transfer-encoding"), "chunked", "{h:?}");
    assert!(h.get("content-length").is_none(), "{h:?}");
    let etag = header(&h, "etag").to_string();
    assert!(etag.starts_with("W/\""), "{etag}");
    assert_ne!(etag, etag_before, "a deletion changes the catalogue's tag");
    assert!(!header(&h, "last-modified").is_empty(), "{h:?}");
    let doc: Value = serde_json::from_slice(&body).expect("JSON");
    assert!(doc["@context"].is_object(), "the context is inline");
    let expect = json!({
        "ids": [local_id, received_id],
        "absent": [gone_id],
        "origins": {
            local_id.clone(): b.config.domain(),
            received_id.clone(): a.config.domain(),
        },
        "recognised": { received_id.clone(): call },
        // The example records are Italian practices.
        "countries": { local_id.clone(): "ITA", received_id.clone(): "ITA" },
    });
    let out = check_catalog(&body, &expect).unwrap_or_else(|e| panic!("{e}"));
    println!("{out}");
    assert!(out.contains("OK: one catalogue, 2 datasets"), "{out}");
    assert!(
        out.contains("\"ipa_code\": \"c_a662\"") && out.contains("\"ipa_code\": \"r_toscan\""),
        "{out}"
    );

    // The check is no rubber stamp: remove what DCAT-AP_IT needs and it names it.
    let mut broken = doc.clone();
    let datasets = broken["dcat:dataset"].as_array_mut().expect("datasets");
    datasets[0]
        .as_object_mut()
        .expect("dataset")
        .remove("dct:rightsHolder");
    datasets[1]["dcat:distribution"][0]
        .as_object_mut()
        .expect("distribution")
        .remove("dct:license");
    // A country given by its code alone (a blank node), not by the EU authority's URI.
    datasets[1]["dct:spatial"][0]
        .as_object_mut()
        .expect("country")
        .remove("@id");
    broken
        .as_object_mut()
        .expect("catalogue")
        .remove("dct:publisher");
    let failed = check_catalog(broken.to_string().as_bytes(), &expect).expect_err("must fail");
    for named in [
        "dct:rightsHolder",
        "dct:license",
        "catalogue",
        "dct:publisher",
        "is not an EU country URI",
    ] {
        assert!(failed.contains(named), "{named} not named in:\n{failed}");
    }

    // A harvester holding this version is told so.
    let (status, _, body) = download(&b, CATALOG, &[("if-none-match", &etag)]).await;
    assert_eq!(status, 304);
    assert!(body.is_empty());

    // The CSV, read back by Python's csv module.
    let (status, h, body) = download(&b, CSV, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(header(&h, "content-type"), "text/csv; charset=utf-8");
    assert_eq!(header(&h, "transfer-encoding"), "chunked", "{h:?}");
    assert_eq!(header(&h, "etag"), etag);
    let expect = json!({
        "columns": export::COLUMNS,
        "rows": 2,
        "cells": [
            {"id": local_id, "column": "title", "value": stored_title},
            {"id": local_id, "column": "summary", "value": stored_summary},
            {"id": local_id, "column": "ipa_code", "value": "r_toscan"},
            {"id": local_id, "column": "origin", "value": b.config.domain()},
            {"id": local_id, "column": "local", "value": "true"},
            {"id": local_id, "column": "recognised_by", "value": ""},
            {"id": received_id, "column": "ipa_code", "value": "c_a662"},
            {"id": received_id, "column": "origin", "value": a.config.domain()},
            {"id": received_id, "column": "local", "value": "false"},
            {"id": received_id, "column": "recognised_by", "value": b.config.domain()},
            {"id": received_id, "column": "recognition_calls", "value": call},
            {"id": received_id, "column": "licence", "value": "CC-BY-4.0"},
        ],
        "absent": [gone_id],
    });
    let out = check_csv(&body, &expect).unwrap_or_else(|e| panic!("{e}"));
    println!("{out}");
    assert!(out.contains("OK: 2 rows"), "{out}");

    // Both are in the API description.
    let api = b
        .admin
        .call(Method::GET, "/api/openapi.json", None)
        .await
        .expect("openapi");
    assert!(api["paths"][CATALOG]["get"].is_object(), "catalog.jsonld");
    assert!(api["paths"][CSV]["get"].is_object(), "practices.csv");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_is_read_from_the_database_page_by_page_as_it_is_sent() {
    let a = TestInstance::start().await;
    administration(&a, "comune-bari", "c_a662").await;
    let (_, m) = a
        .user("m-comune-bari", Role::Manager, Some("comune-bari"))
        .await;
    let first = m.publish(example(0)).await;
    let second = m.publish(example(1)).await;

    // One practice a page: the head, then a chunk per practice as the stream is polled.
    let ctx = a.fed.to_request_data();
    let stamp = export::stamp(&ctx).await.expect("stamp");
    let mut body = Box::pin(export::body(&ctx, Format::Csv, &stamp, 1));
    let head = body.next().await.expect("head").expect("bytes");
    assert!(head.starts_with(b"id,url,title,"), "{head:?}");
    let page = body.next().await.expect("page 1").expect("bytes");
    let text = String::from_utf8(page.to_vec()).expect("utf-8");
    assert!(
        text.starts_with(first["ap_id"].as_str().expect("ap_id")),
        "{text}"
    );

    // A practice published now, while the export is half-way, is in a later page: the rest
    // was not built before the first page went out.
    let third = m.publish(example(2)).await;
    let mut rest = Vec::new();
    while let Some(chunk) = body.next().await {
        rest.push(String::from_utf8(chunk.expect("bytes").to_vec()).expect("utf-8"));
    }
    assert_eq!(
        rest.len(),
        3,
        "two more pages and the (empty) end: {rest:?}"
    );
    assert!(
        rest[0].starts_with(second["ap_id"].as_str().expect("ap_id")),
        "{rest:?}"
    );
    assert!(
        rest[1].starts_with(third["ap_id"].as_str().expect("ap_id")),
        "{rest:?}"
    );
    assert!(rest[2].is_empty());

    // The JSON-LD pieces are one document whichever the page size.
    let mut body = Box::pin(export::body(&ctx, Format::JsonLd, &stamp, 1));
    let mut doc = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = body.next().await {
        doc.extend_from_slice(&chunk.expect("bytes"));
        chunks += 1;
    }
    assert_eq!(chunks, 5, "head, three pages, tail");
    let doc: Value = serde_json::from_slice(&doc).expect("one JSON document");
    assert_eq!(doc["dcat:dataset"].as_array().expect("datasets").len(), 3);
}
