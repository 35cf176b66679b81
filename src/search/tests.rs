//! The engine on its own, in memory: analysers, ranking of exact matches before typos, sort
//! keys.

use chrono::Utc;

use super::{document, query::SearchRequest, schema, Engine, Sort};
use crate::{
    db::search::Indexable,
    domain::{
        practice::{PracticeRecord, PracticeState},
        practice_examples,
        vocab::Language,
    },
};

fn practice(id: i64, title: &str) -> Indexable {
    let mut r: PracticeRecord = practice_examples::all().remove(0);
    r.title = [(Language::It, title.to_string())].into();
    for t in [
        &mut r.summary,
        &mut r.description,
        &mut r.impact,
        &mut r.lessons_learned,
        &mut r.challenges,
    ] {
        *t = [(Language::It, "Testo.".to_string())].into();
    }
    r.indicators
        .iter_mut()
        .for_each(|i| i.name = "Esito".into());
    Indexable {
        id,
        ap_id: format!("https://a.example/practices/{id}"),
        state: PracticeState::Published,
        local: true,
        origin: "a.example".into(),
        record: serde_json::to_string(&r).unwrap(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
        published_at: Some(Utc::now()),
        org_username: Some("comune".into()),
        org_domain: Some("a.example".into()),
        org_name: Some("Ente".into()),
        combined: 0.0,
        owner_figure: None,
    }
}

fn ids(e: &Engine, q: &str) -> Vec<i64> {
    let req = SearchRequest {
        q: q.into(),
        per_page: 10,
        page: 1,
        sort: Sort::Relevance,
        ..Default::default()
    };
    e.search(&req)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn analysers_stem_fold_and_drop_stop_words() {
    let mut it = schema::stemmed(tantivy::tokenizer::Language::Italian);
    let stems: Vec<String> = schema::tokens(&mut it, "partecipazione partecipativo città di")
        .into_iter()
        .map(|t| t.1)
        .collect();
    assert_eq!(stems, ["partecip", "partecip", "citt"]);
    let mut en = schema::stemmed(tantivy::tokenizer::Language::English);
    assert_eq!(schema::tokens(&mut en, "budgeting")[0].1, "budget");
    let mut exact = schema::exact();
    let words: Vec<String> = schema::tokens(&mut exact, "La Città e the Università")
        .into_iter()
        .map(|t| t.1)
        .collect();
    assert_eq!(words, ["citta", "universita"]);
}

#[test]
fn exact_matches_rank_before_typos() {
    let e = Engine::in_memory().unwrap();
    // `nobile` is one edit from `mobile`: found, after the exact match, whatever the order
    // of the documents.
    for (id, title) in [
        (1, "Arredo nobile"),
        (2, "Sportello mobile"),
        (3, "Sportello fisso"),
    ] {
        let doc = document::of(&e.fields, &practice(id, title), &[]).unwrap();
        e.replace(id, Some(doc)).unwrap();
    }
    e.commit(&super::Meta {
        schema: 1,
        database: "x".into(),
        seq: 0,
    })
    .unwrap();
    assert_eq!(ids(&e, "mobile"), [2, 1]);
    assert_eq!(ids(&e, "nobile"), [1, 2]);
    // Replacing removes the old text.
    let doc = document::of(&e.fields, &practice(2, "Sportello fisso"), &[]).unwrap();
    e.replace(2, Some(doc)).unwrap();
    e.replace(3, None).unwrap();
    e.commit(&super::Meta {
        schema: 1,
        database: "x".into(),
        seq: 1,
    })
    .unwrap();
    assert_eq!(ids(&e, "mobile"), [1]);
    assert_eq!(ids(&e, "fisso"), [2]);
}

#[test]
fn sort_keys_order_by_figure_then_newest() {
    use document::{index_key, recent_key};
    assert!(index_key(0.5, 1) > index_key(0.4, 999));
    assert!(index_key(0.5, 2) > index_key(0.5, 1));
    assert!(recent_key(1_700_000_001, 1) > recent_key(1_700_000_000, 9));
    assert!(recent_key(1_700_000_000, 2) > recent_key(1_700_000_000, 1));
}

#[test]
fn recognitions_count_by_hub_host() {
    use super::facets::FacetName;
    let e = Engine::in_memory().unwrap();
    let calls = [
        "https://hub.example:8443/calls/1".to_string(),
        "https://hub.example:8443/calls/2".to_string(),
    ];
    for (id, recognised) in [(1, &calls[..]), (2, &calls[..1]), (3, &[][..])] {
        let doc = document::of(&e.fields, &practice(id, "Sportello"), recognised).unwrap();
        e.replace(id, Some(doc)).unwrap();
    }
    e.commit(&super::Meta {
        schema: 1,
        database: "x".into(),
        seq: 0,
    })
    .unwrap();
    let mut req = SearchRequest {
        per_page: 10,
        page: 1,
        facets: true,
        ..Default::default()
    };
    let all = e.search(&req).unwrap();
    let hubs: Vec<(String, u64)> = all.facets["recognition"]
        .iter()
        .map(|c| (c.value.clone(), c.count))
        .collect();
    // Two calls of one hub count the practice once.
    assert_eq!(hubs, [("hub.example:8443".to_string(), 2)]);
    req.filters
        .insert(FacetName::Recognition, vec!["hub.example:8443".into()]);
    let mut ids: Vec<i64> = e.search(&req).unwrap().hits.iter().map(|h| h.id).collect();
    ids.sort();
    assert_eq!(ids, [1, 2]);
}

#[test]
fn the_position_waits_for_missing_numbers_then_passes_them() {
    use std::time::{Duration, Instant};
    let e = std::sync::Arc::new(Engine::in_memory().unwrap());
    let mut f = super::worker::Follower::new(e, "x".into(), 0);
    let now = Instant::now();
    f.done.extend([(1, now), (2, now), (5, now)]);
    f.advance();
    // 3 and 4 may be transactions still open: the position waits at 2.
    assert_eq!(f.seq(), 2);
    assert_eq!(f.done.len(), 1);
    // Seen long enough ago: they were rolled back, passed over in one step.
    let long_ago = now.checked_sub(Duration::from_secs(60)).unwrap();
    f.done.insert(5, long_ago);
    f.advance();
    assert_eq!(f.seq(), 5);
    assert!(f.done.is_empty());
}
