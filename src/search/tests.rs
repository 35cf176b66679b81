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

#[test]
fn facets_counted_in_one_pass_agree_with_counting_by_hand() {
    use std::collections::{BTreeMap, BTreeSet};

    use super::facets::FacetName;
    use crate::domain::{
        actor::LevelOfGovernment,
        vocab::{IstatRegion, RegionCode, Sector},
    };

    // Forty practices over five sectors (some in two), four regions and three levels, in
    // three segments, one deleted afterwards.
    let e = Engine::in_memory().unwrap();
    let mut facets: BTreeMap<i64, BTreeMap<FacetName, BTreeSet<String>>> = BTreeMap::new();
    let meta = super::Meta {
        schema: 1,
        database: "x".into(),
        seq: 0,
    };
    for id in 1..=40i64 {
        let mut p = practice(id, if id % 2 == 0 { "Sportello" } else { "Bilancio" });
        let mut r: crate::domain::practice::PracticeRecord =
            serde_json::from_str(&p.record).unwrap();
        let i = id as usize;
        r.sectors = vec![Sector::ALL[i % 5]];
        if i.is_multiple_of(7) {
            r.sectors.push(Sector::ALL[5]);
        }
        r.place.region = Some(RegionCode::Istat(IstatRegion::ALL[i % 4]));
        r.level_of_government = Some(LevelOfGovernment::ALL[i % 3]);
        let f = facets.entry(id).or_default();
        for s in &r.sectors {
            f.entry(FacetName::Sector)
                .or_default()
                .insert(s.as_str().to_string());
        }
        f.entry(FacetName::Region)
            .or_default()
            .insert(r.place.region.as_ref().unwrap().as_str().to_string());
        f.entry(FacetName::LevelOfGovernment)
            .or_default()
            .insert(r.level_of_government.unwrap().as_str().to_string());
        p.record = serde_json::to_string(&r).unwrap();
        e.replace(id, document::of(&e.fields, &p, &[])).unwrap();
        if id % 15 == 0 {
            e.commit(&meta).unwrap();
        }
    }
    e.replace(8, None).unwrap();
    e.commit(&meta).unwrap();
    facets.remove(&8);
    assert!(e.reader.searcher().segment_readers().len() >= 3);

    let sector = |k: usize| Sector::ALL[k].as_str().to_string();
    let region = |k: usize| RegionCode::Istat(IstatRegion::ALL[k]).as_str().to_string();
    let level = |k: usize| LevelOfGovernment::ALL[k].as_str().to_string();
    // The words, the filters ticked and the practices left out.
    type Case<'a> = (&'a str, Vec<(FacetName, Vec<String>)>, Vec<i64>);
    let cases: Vec<Case> = vec![
        ("", vec![], vec![]),
        ("", vec![(FacetName::Sector, vec![sector(0)])], vec![]),
        (
            "sportello",
            vec![
                (FacetName::Sector, vec![sector(0), sector(5)]),
                (FacetName::LevelOfGovernment, vec![level(1)]),
            ],
            vec![],
        ),
        (
            "",
            vec![
                (FacetName::Sector, vec![sector(1)]),
                (FacetName::Region, vec![region(1), region(2)]),
                (FacetName::LevelOfGovernment, vec![level(0)]),
            ],
            vec![21],
        ),
    ];
    for (q, filters, exclude) in cases {
        let req = SearchRequest {
            q: q.into(),
            filters: filters.iter().cloned().collect(),
            per_page: 50,
            page: 1,
            facets: true,
            exclude: exclude.clone(),
            ..Default::default()
        };
        let got = e.search(&req).unwrap();
        // By hand: a practice counts for a facet when it passes every other facet's filter.
        let words = |id: i64| q.is_empty() || (q == "sportello") == (id % 2 == 0);
        let passes = |id: i64, name: FacetName| {
            filters.iter().filter(|(n, _)| *n != name).all(|(n, vs)| {
                vs.iter()
                    .any(|v| facets[&id].get(n).is_some_and(|s| s.contains(v)))
            })
        };
        let candidates: Vec<i64> = facets
            .keys()
            .copied()
            .filter(|id| words(*id) && !exclude.contains(id))
            .collect();
        let total = candidates
            .iter()
            .filter(|id| {
                filters.iter().all(|(n, vs)| {
                    vs.iter()
                        .any(|v| facets[id].get(n).is_some_and(|s| s.contains(v)))
                })
            })
            .count();
        assert_eq!(got.total, total, "{q:?} {filters:?}");
        assert_eq!(got.hits.len(), total);
        for name in [
            FacetName::Sector,
            FacetName::Region,
            FacetName::LevelOfGovernment,
        ] {
            let mut want: BTreeMap<String, u64> = BTreeMap::new();
            for id in candidates.iter().filter(|id| passes(**id, name)) {
                for v in facets[id].get(&name).into_iter().flatten() {
                    *want.entry(v.clone()).or_default() += 1;
                }
            }
            let have: BTreeMap<String, u64> = got.facets[name.as_str()]
                .iter()
                .map(|c| (c.value.clone(), c.count))
                .collect();
            assert_eq!(have, want, "{} for {q:?} {filters:?}", name.as_str());
        }
    }
}
