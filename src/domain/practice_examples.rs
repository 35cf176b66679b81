//! Three complete, realistic practice records in Italian and English, for `prassi admin
//! seed-demo`, benchmarks and tests. Each passes `check_publishable`; media URLs are
//! `https://example.org/…` placeholders that seeding replaces with uploaded files. They are
//! tested with the practice rules in `practice::tests`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use url::Url;

use super::{
    actor::LevelOfGovernment,
    practice::{
        Amount, Beneficiaries, Budget, Evidence, Indicator, Link, MediaKind, MediaRef, Partner,
        Period, Place, PracticeRecord, TeamMember, Translations,
    },
    vocab::{
        Country, Currency, InnovationType, IstatRegion, Language, Licence, NutsCode, Participation,
        RegionCode, Sdg, Sector, Stage,
    },
};

/// Every example, for loops in seeding and benchmarks.
pub fn all() -> Vec<PracticeRecord> {
    vec![
        example_participatory_budgeting(),
        example_staff_training(),
        example_codesigned_service(),
    ]
}

/// Participatory budgeting in the Comune di Bari: residents propose and vote on projects for
/// their municipio.
pub fn example_participatory_budgeting() -> PracticeRecord {
    PracticeRecord {
        language: Some(Language::It),
        title: it_en(
            "Bilancio partecipativo di Bari: i cittadini decidono 1 milione di euro",
            "Bari participatory budgeting: residents decide how to spend 1 million euros",
        ),
        summary: it_en(
            "Ogni anno i residenti dei cinque municipi di Bari propongono, discutono e votano \
             progetti di quartiere finanziati con una quota del bilancio comunale. In tre edizioni \
             oltre 21.000 persone hanno votato e 38 progetti sono stati realizzati.",
            "Every year residents of Bari's five districts propose, discuss and vote on \
             neighbourhood projects funded from a share of the city budget. Over three rounds \
             more than 21,000 people voted and 38 projects were built.",
        ),
        description: it_en(
            "<p>La partecipazione ai consigli di municipio era bassa e le priorità dei quartieri \
             arrivavano al bilancio solo attraverso canali informali.</p>\
             <h3>Cosa abbiamo fatto</h3><ol><li>Assemblee pubbliche in ogni municipio per \
             raccogliere idee.</li><li>Verifica tecnica di fattibilità e costo da parte degli \
             uffici.</li><li>Voto online con SPID e in presenza nelle biblioteche.</li></ol>\
             <p>La novità è il <strong>vincolo di spesa</strong>: i progetti vincitori entrano nel \
             piano triennale delle opere.</p>",
            "<p>Turnout at district council meetings was low and neighbourhood priorities \
             reached the budget only through informal channels.</p>\
             <h3>What we did</h3><ol><li>Public assemblies in each district to collect ideas.</li>\
             <li>Technical feasibility and cost review by city departments.</li><li>Online voting \
             with SPID digital identity and in-person voting in public libraries.</li></ol>\
             <p>What is new is the <strong>spending commitment</strong>: winning projects enter \
             the three-year public works plan.</p>",
        ),
        stage: Some(Stage::Evaluating),
        period: Period {
            start: date(2021, 3, 1),
            end: None,
            ongoing: true,
        },
        level_of_government: Some(LevelOfGovernment::Local),
        place: Place {
            country: Some(Country::IT),
            region: Some(RegionCode::Istat(IstatRegion::Puglia)),
            municipality: Some("Bari".into()),
            lat: Some(41.1171),
            lon: Some(16.8719),
        },
        sectors: vec![Sector::GeneralPublicServices, Sector::HousingAndCommunityAmenities],
        innovation_types: vec![InnovationType::EnhancementOriented],
        participation: Some(Participation::Empower),
        participation_methods: vec![
            "Assemblee pubbliche di quartiere".into(),
            "Voto online con SPID".into(),
            "Voto in presenza nelle biblioteche".into(),
        ],
        team: vec![
            member("Maria Lorusso", "Responsabile del progetto", "Comune di Bari — Ripartizione Partecipazione", true),
            member("Giuseppe De Santis", "Analista dei dati", "Comune di Bari — Ufficio Statistica", false),
            member("Anna Colella", "Facilitatrice", "Comune di Bari — Municipio II", false),
        ],
        consultants: vec![partner(
            "Cooperativa Facilitare",
            "Facilitazione delle assemblee",
            None,
        )],
        partners: vec![partner(
            "Università degli Studi di Bari Aldo Moro",
            "Valutazione indipendente",
            Some("https://www.uniba.it/"),
        )],
        beneficiaries: Beneficiaries {
            who: Some("Residenti dei cinque municipi, dai 16 anni in su".into()),
            how_many: Some(316_000),
        },
        budget: Budget {
            amount: amount("1000000.00"),
            currency: Some(Currency::EUR),
        },
        funding_sources: vec!["Bilancio comunale".into()],
        indicators: vec![
            indicator("Votanti", "persone", Some(6_200.0), Some(21_400.0), date(2024, 6, 30)),
            indicator("Progetti realizzati", "progetti", Some(0.0), Some(38.0), date(2024, 12, 31)),
            indicator("Votanti sotto i 30 anni", "%", Some(9.0), Some(23.5), date(2024, 6, 30)),
        ],
        impact: it_en(
            "<p>La partecipazione al voto è più che triplicata e un votante su quattro ha meno di \
             30 anni. I progetti realizzati riguardano soprattutto verde pubblico e spazi per i \
             ragazzi.</p>",
            "<p>Turnout more than tripled and one voter in four is under 30. Most completed \
             projects concern green spaces and places for young people.</p>",
        ),
        lessons_learned: it_en(
            "<p>Il vincolo di spesa va deciso prima del voto: senza, la fiducia si perde. Il voto \
             in presenza resta indispensabile per gli anziani.</p>",
            "<p>The spending commitment must be set before the vote, or trust is lost. In-person \
             voting remains essential for older residents.</p>",
        ),
        challenges: it_en(
            "<p>Tempi lunghi degli appalti per i progetti vincitori.</p>",
            "<p>Long procurement times for the winning projects.</p>",
        ),
        replication: it_en(
            "<p>Replicabile in comuni sopra i 20.000 abitanti con un ufficio partecipazione.</p>",
            "<p>Can be reused by municipalities above 20,000 inhabitants with a participation \
             office.</p>",
        ),
        evidence: Evidence {
            method: Some("Confronto con le edizioni precedenti e valutazione dell'università".into()),
            datasets: vec![url("https://opendata.comune.bari.it/dataset/bilancio-partecipativo")],
        },
        sdgs: vec![sdg(11), sdg(16)],
        related_links: vec![link(
            "Regolamento del bilancio partecipativo",
            "https://www.comune.bari.it/bilancio-partecipativo",
        )],
        licence: Some(Licence::CcBy4),
        media: vec![
            image("https://example.org/media/bari-assemblea.jpg", "Assemblea pubblica in una biblioteca di Bari, una trentina di persone sedute ascoltano una facilitatrice"),
            document("https://example.org/media/bari-rapporto-2024.pdf", "Rapporto di valutazione 2024"),
        ],
    }
}

/// A regional training programme on data and digital skills for public staff.
pub fn example_staff_training() -> PracticeRecord {
    PracticeRecord {
        language: Some(Language::It),
        title: it_en(
            "Academy dati: formazione sulle competenze digitali per il personale della Regione",
            "Data academy: digital skills training for regional staff",
        ),
        summary: it_en(
            "Un percorso di formazione a moduli, in presenza e online, che ha portato 1.800 \
             dipendenti regionali e degli enti locali a usare i dati aperti nel lavoro quotidiano.",
            "A modular training path, in person and online, that brought 1,800 regional and \
             local government employees to use open data in their daily work.",
        ),
        description: it_en(
            "<p>Gli uffici producevano dati ma pochi dipendenti sapevano analizzarli.</p>\
             <ul><li>Autovalutazione delle competenze con il Syllabus nazionale.</li>\
             <li>Moduli brevi su fogli di calcolo, dati aperti e visualizzazione.</li>\
             <li>Progetto finale su un dataset del proprio ufficio.</li></ul>",
            "<p>Offices produced data but few employees could analyse it.</p>\
             <ul><li>Skills self-assessment with the national Syllabus.</li>\
             <li>Short modules on spreadsheets, open data and visualisation.</li>\
             <li>Final project on a dataset from the trainee's own office.</li></ul>",
        ),
        stage: Some(Stage::DiffusingLessons),
        period: Period {
            start: date(2022, 9, 15),
            end: date(2024, 6, 30),
            ongoing: false,
        },
        level_of_government: Some(LevelOfGovernment::Regional),
        place: Place {
            country: Some(Country::IT),
            region: nuts("ITH5"),
            municipality: Some("Bologna".into()),
            lat: None,
            lon: None,
        },
        sectors: vec![Sector::GeneralPublicServices, Sector::Education],
        innovation_types: vec![InnovationType::EnhancementOriented, InnovationType::Adaptive],
        participation: None,
        participation_methods: vec![],
        team: vec![
            member("Luca Bertoni", "Responsabile della formazione", "Regione Emilia-Romagna — Servizio Sviluppo delle risorse umane", true),
            member("Silvia Ferri", "Coordinatrice didattica", "Regione Emilia-Romagna", false),
        ],
        consultants: vec![],
        partners: vec![partner(
            "Dipartimento della Funzione Pubblica",
            "Syllabus delle competenze digitali",
            Some("https://www.syllabus.gov.it/"),
        )],
        beneficiaries: Beneficiaries {
            who: Some("Dipendenti della Regione e degli enti locali del territorio".into()),
            how_many: Some(1_800),
        },
        budget: Budget {
            amount: amount("240000.00"),
            currency: Some(Currency::EUR),
        },
        funding_sources: vec!["PNRR — Missione 1".into(), "Fondo sociale europeo plus".into()],
        indicators: vec![
            indicator("Dipendenti formati", "persone", Some(0.0), Some(1_800.0), date(2024, 6, 30)),
            indicator("Punteggio medio al test finale", "punti su 100", Some(48.0), Some(76.0), date(2024, 6, 30)),
        ],
        impact: it_en(
            "<p>Il punteggio medio sulle competenze dati è passato da 48 a 76 su 100; 120 nuovi \
             dataset sono stati pubblicati dagli uffici dei partecipanti.</p>",
            "<p>The average data skills score rose from 48 to 76 out of 100; participants' \
             offices published 120 new datasets.</p>",
        ),
        lessons_learned: it_en(
            "<p>Il progetto finale su dati reali del proprio ufficio è ciò che trasforma la \
             formazione in pratica.</p>",
            "<p>The final project on real data from one's own office is what turns training \
             into practice.</p>",
        ),
        challenges: Translations::new(),
        replication: it_en(
            "<p>I materiali sono pubblicati con licenza CC BY 4.0 e riusabili da altre regioni.</p>",
            "<p>The materials are published under CC BY 4.0 and reusable by other regions.</p>",
        ),
        evidence: Evidence {
            method: Some("Test di ingresso e di uscita sul Syllabus".into()),
            datasets: vec![],
        },
        sdgs: vec![sdg(4), sdg(16)],
        related_links: vec![],
        licence: Some(Licence::CcBy4),
        media: vec![
            image("https://example.org/media/academy-aula.jpg", "Aula di formazione con dipendenti al computer che guardano un grafico proiettato"),
            MediaRef {
                url: url("https://example.org/media/academy-modulo-1.pdf"),
                media_type: "application/pdf".into(),
                kind: MediaKind::Slides,
                alt: String::new(),
                caption: Some("Slide del primo modulo".into()),
                licence: Some(Licence::CcBy4),
            },
        ],
    }
}

/// A digital service for school-canteen payments, designed with the families who use it.
pub fn example_codesigned_service() -> PracticeRecord {
    PracticeRecord {
        language: Some(Language::En),
        title: it_en(
            "Mensa scolastica digitale progettata con le famiglie",
            "School canteen service co-designed with families",
        ),
        summary: it_en(
            "Il servizio per iscrizioni e pagamenti della mensa è stato riprogettato con genitori, \
             scuole e uffici in sei cicli di test: le pratiche online sono passate dal 35% al 92%.",
            "The service for canteen enrolment and payments was redesigned with parents, schools \
             and staff through six rounds of testing: online applications rose from 35% to 92%.",
        ),
        description: it_en(
            "<p>Le famiglie dovevano presentarsi allo sportello per iscrivere i figli e pagare \
             con bollettini cartacei.</p><p>Il servizio è stato progettato con le linee guida di \
             design dei servizi pubblici, usando pagoPA e l'app IO.</p>",
            "<p>Families had to visit the office to enrol their children and pay with paper \
             slips.</p><p>The service was designed following the public service design \
             guidelines, using pagoPA payments and the IO app.</p>",
        ),
        stage: Some(Stage::Concluded),
        period: Period {
            start: date(2023, 1, 9),
            end: date(2024, 9, 1),
            ongoing: false,
        },
        level_of_government: Some(LevelOfGovernment::Local),
        place: Place {
            country: Some(Country::IT),
            region: nuts("ITC4"),
            municipality: Some("Bergamo".into()),
            lat: Some(45.6983),
            lon: Some(9.6773),
        },
        sectors: vec![Sector::Education, Sector::SocialProtection],
        innovation_types: vec![InnovationType::EnhancementOriented],
        participation: Some(Participation::Collaborate),
        participation_methods: vec!["Interviews".into(), "Usability testing".into()],
        team: vec![
            member("Chiara Rota", "Product owner", "Comune di Bergamo — Servizi educativi", true),
            member("Marco Pesenti", "Service designer", "Comune di Bergamo — Innovazione", true),
        ],
        consultants: vec![],
        partners: vec![],
        beneficiaries: Beneficiaries {
            who: Some("Families with children in municipal schools".into()),
            how_many: Some(7_400),
        },
        budget: Budget {
            amount: amount("85000.50"),
            currency: Some(Currency::EUR),
        },
        funding_sources: vec!["PNRR — Measure 1.4.1".into()],
        indicators: vec![Indicator {
            name: "Online applications".into(),
            unit: "%".into(),
            baseline: Some(35.0),
            value: Some(92.0),
            date: date(2024, 9, 1),
            evidence_url: Some(url("https://example.org/data/mensa-domande.csv")),
        }],
        impact: it_en(
            "<p>Meno code allo sportello e pagamenti puntuali saliti all'88%.</p>",
            "<p>Fewer queues at the counter; on-time payments rose to 88%.</p>",
        ),
        lessons_learned: it_en(
            "<p>Testare presto con genitori che non usano il computer ha cambiato il progetto.</p>",
            "<p>Testing early with parents who do not use computers changed the design.</p>",
        ),
        challenges: Translations::new(),
        replication: Translations::new(),
        evidence: Evidence::default(),
        sdgs: vec![sdg(4), sdg(10)],
        related_links: vec![link(
            "Codice sorgente (publiccode.yml)",
            "https://example.org/code/mensa-digitale",
        )],
        licence: None,
        media: vec![image(
            "https://example.org/media/mensa-test.jpg",
            "A parent tests the canteen app on a phone while a designer takes notes",
        )],
    }
}

fn it_en(it: &str, en: &str) -> Translations {
    BTreeMap::from([
        (Language::It, it.to_string()),
        (Language::En, en.to_string()),
    ])
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn amount(s: &str) -> Option<Amount> {
    s.parse().ok()
}

fn sdg(n: u8) -> Sdg {
    Sdg::ALL[usize::from(n.clamp(1, 17)) - 1]
}

fn nuts(code: &str) -> Option<RegionCode> {
    code.parse::<NutsCode>().ok().map(RegionCode::Nuts)
}

/// The examples' URLs are literals, checked by the tests below.
fn url(s: &str) -> Url {
    Url::parse(s).expect("example URLs are valid literals")
}

fn member(name: &str, role: &str, affiliation: &str, manager: bool) -> TeamMember {
    TeamMember {
        name: name.into(),
        role: role.into(),
        affiliation: Some(affiliation.into()),
        manager,
    }
}

fn partner(name: &str, role: &str, site: Option<&str>) -> Partner {
    Partner {
        name: name.into(),
        role: Some(role.into()),
        url: site.map(url),
    }
}

fn indicator(
    name: &str,
    unit: &str,
    baseline: Option<f64>,
    value: Option<f64>,
    date: Option<NaiveDate>,
) -> Indicator {
    Indicator {
        name: name.into(),
        unit: unit.into(),
        baseline,
        value,
        date,
        evidence_url: None,
    }
}

fn link(title: &str, to: &str) -> Link {
    Link {
        title: title.into(),
        url: url(to),
    }
}

fn image(at: &str, alt: &str) -> MediaRef {
    MediaRef {
        url: url(at),
        media_type: "image/jpeg".into(),
        kind: MediaKind::Image,
        alt: alt.into(),
        caption: None,
        licence: Some(Licence::CcBy4),
    }
}

fn document(at: &str, caption: &str) -> MediaRef {
    MediaRef {
        url: url(at),
        media_type: "application/pdf".into(),
        kind: MediaKind::Document,
        alt: String::new(),
        caption: Some(caption.into()),
        licence: Some(Licence::CcBy4),
    }
}
