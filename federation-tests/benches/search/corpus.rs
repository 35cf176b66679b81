//! The bench's corpus: practices drawn from the demo records and the vocabularies, with
//! words put in at known frequencies.

use chrono::{NaiveDate, Utc};
use prassi::{
    db::search::Indexable,
    domain::{
        actor::LevelOfGovernment,
        practice::{PracticeRecord, PracticeState, Translations},
        practice_examples,
        sanitize::strip_tags,
        vocab::{
            InnovationType, IstatRegion, Language, Participation, RegionCode, Sdg, Sector, Stage,
        },
    },
};

/// Words put in at known frequencies, beside the records' own vocabulary.
pub const RARE: &str = "teleriscaldamento"; // 1 in 10,000
pub const MEDIUM: &str = "biblioteca"; // 1 in 100
pub const COMMON: &str = "servizi"; // 1 in 2

pub const MUNICIPALITIES: &[&str] = &[
    "Bari",
    "Lecce",
    "Taranto",
    "Foggia",
    "Bologna",
    "Modena",
    "Parma",
    "Reggio Emilia",
    "Milano",
    "Bergamo",
    "Brescia",
    "Torino",
    "Cuneo",
    "Genova",
    "Firenze",
    "Prato",
    "Pisa",
    "Roma",
    "Latina",
    "Napoli",
    "Salerno",
    "Palermo",
    "Catania",
    "Cagliari",
    "Trento",
    "Bolzano",
    "Venezia",
    "Padova",
    "Verona",
    "Udine",
    "Trieste",
    "Ancona",
    "Perugia",
    "Pescara",
    "Potenza",
    "Catanzaro",
    "Aosta",
    "Campobasso",
];

/// A small deterministic generator (no dependency, same documents every run).
pub struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
    fn chance(&mut self, one_in: u64) -> bool {
        self.next().is_multiple_of(one_in)
    }
}

/// Sentences of the demo records, per language.
pub struct Pool {
    titles: [Vec<String>; 2],
    sentences: [Vec<String>; 2],
}

pub fn pool() -> Pool {
    let mut titles = [Vec::new(), Vec::new()];
    let mut sentences = [Vec::new(), Vec::new()];
    for r in practice_examples::all() {
        for (k, lang) in [Language::It, Language::En].into_iter().enumerate() {
            if let Some(t) = r.title.get(&lang) {
                titles[k].push(t.clone());
            }
            let fields: [&Translations; 7] = [
                &r.summary,
                &r.description,
                &r.impact,
                &r.lessons_learned,
                &r.challenges,
                &r.replication,
                &r.title,
            ];
            for f in fields {
                if let Some(t) = f.get(&lang) {
                    for s in strip_tags(t).split(". ") {
                        if s.split_whitespace().count() >= 4 {
                            sentences[k].push(s.trim_end_matches('.').to_string());
                        }
                    }
                }
            }
            for s in Sector::ALL {
                sentences[k].push(format!("Settore: {}", s.label(lang)));
            }
            for i in InnovationType::ALL {
                sentences[k].push(i.label(lang).to_string());
            }
            for s in Sdg::ALL {
                sentences[k].push(s.label(lang).to_string());
            }
        }
    }
    Pool { titles, sentences }
}

pub fn text(rng: &mut Rng, pool: &Pool, k: usize, n: usize) -> String {
    let mut out: Vec<String> = (0..n)
        .map(|_| rng.pick(&pool.sentences[k]).clone())
        .collect();
    if k == 0 && rng.chance(2) {
        out.push(format!("Nuovi {COMMON} per i cittadini"));
    }
    if k == 1 && rng.chance(2) {
        out.push(format!("New {COMMON} for residents"));
    }
    if rng.chance(100) {
        out.push(format!("Una {MEDIUM} digitale di quartiere"));
    }
    if rng.chance(10_000) {
        out.push(format!("Una rete di {RARE} comunale"));
    }
    out.join(". ") + "."
}

/// The `i`th generated practice.
pub fn generate(rng: &mut Rng, pool: &Pool, base: &[PracticeRecord], i: usize) -> Indexable {
    let mut r = base[i % base.len()].clone();
    // Most are Italian; a third carry an English translation; some are English only.
    let langs: Vec<(usize, Language)> = match i % 6 {
        0 | 1 => vec![(0, Language::It), (1, Language::En)],
        2 => vec![(1, Language::En)],
        _ => vec![(0, Language::It)],
    };
    r.language = Some(langs[0].1);
    let place = *rng.pick(MUNICIPALITIES);
    for t in [
        &mut r.title,
        &mut r.summary,
        &mut r.description,
        &mut r.impact,
        &mut r.lessons_learned,
        &mut r.challenges,
    ] {
        t.clear();
    }
    for (k, lang) in &langs {
        let title = format!("{} ({place})", rng.pick(&pool.titles[*k]));
        r.title.insert(*lang, title);
        r.summary.insert(*lang, text(rng, pool, *k, 2));
        r.description
            .insert(*lang, format!("<p>{}</p>", text(rng, pool, *k, 6)));
        r.impact
            .insert(*lang, format!("<p>{}</p>", text(rng, pool, *k, 2)));
        r.lessons_learned
            .insert(*lang, format!("<p>{}</p>", text(rng, pool, *k, 2)));
        r.challenges
            .insert(*lang, format!("<p>{}</p>", text(rng, pool, *k, 1)));
    }
    r.sectors = vec![*rng.pick(Sector::ALL)];
    if rng.chance(3) {
        let s = *rng.pick(Sector::ALL);
        if !r.sectors.contains(&s) {
            r.sectors.push(s);
        }
    }
    r.place.region = Some(RegionCode::Istat(*rng.pick(IstatRegion::ALL)));
    r.place.municipality = Some(place.into());
    r.level_of_government = Some(*rng.pick(&LevelOfGovernment::ALL));
    r.stage = Some(*rng.pick(Stage::ALL));
    r.period.start =
        NaiveDate::from_ymd_opt(2015 + rng.below(11) as i32, 1 + rng.below(12) as u32, 1);
    r.participation = Some(*rng.pick(Participation::ALL));
    r.innovation_types = vec![*rng.pick(InnovationType::ALL)];
    r.sdgs = vec![*rng.pick(&Sdg::ALL)];
    let org = i % 400;
    let host = format!("regione{}.example", org % 20);
    Indexable {
        id: i as i64 + 1,
        ap_id: format!("https://{host}/practices/{i}"),
        state: PracticeState::Published,
        local: org.is_multiple_of(20),
        origin: host.clone(),
        record: serde_json::to_string(&r).expect("json"),
        created_at: Utc::now(),
        updated_at: Utc::now(),
        published_at: Some(Utc::now() - chrono::Duration::seconds(i as i64)),
        org_username: Some(format!("ente{org}")),
        org_domain: Some(host),
        org_name: Some(format!("Comune di {place}")),
        combined: (i % 97) as f64 / 97.0,
        owner_figure: None,
    }
}
