//! The catalogue as DCAT-AP_IT JSON-LD: a `dcat:Catalog` whose `dcat:dataset`s are the
//! practices. Written out in pieces (the head, one dataset at a time, the tail) so it can be
//! streamed; the `@context` is inline, never a URL a harvester would have to fetch.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Map, Value};

use super::{Practice, Site};
use crate::domain::{
    practice::{own_language, summary_text, Translations},
    vocab::{data_themes::themes_of, eu_authority, Language},
};

/// Prefixes only: every value says its own type (`@id`, `@value` with `@type` or
/// `@language`), so the document reads the same to a JSON-LD 1.0 processor.
fn context() -> Value {
    json!({
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "dcatapit": "http://dati.gov.it/onto/dcatapit#",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "locn": "http://www.w3.org/ns/locn#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "vcard": "http://www.w3.org/2006/vcard/ns#",
        "prassi": "https://w3id.org/prassi/ns#"
    })
}

/// What closes the document after the last dataset.
pub const TAIL: &str = "]}";

fn iri(s: impl Into<String>) -> Value {
    json!({ "@id": s.into() })
}

/// DCAT-AP_IT types `dct:issued` and `dct:modified` as `xsd:date`.
fn date(d: NaiveDate) -> Value {
    json!({ "@value": d.format("%Y-%m-%d").to_string(), "@type": "xsd:date" })
}

fn date_time(d: DateTime<Utc>) -> Value {
    json!({ "@value": d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), "@type": "xsd:dateTime" })
}

fn text(s: &str, lang: Language) -> Value {
    json!({ "@value": s, "@language": lang.as_str() })
}

/// Every non-blank translation, each tagged with its language, through `f`.
fn texts(t: &Translations, f: impl Fn(&str) -> String) -> Vec<Value> {
    t.iter()
        .filter(|(_, s)| !s.trim().is_empty())
        .map(|(l, s)| text(&f(s), *l))
        .collect()
}

/// The document up to the opening of `dcat:dataset`'s list.
pub fn head(site: &Site, modified: Option<DateTime<Utc>>) -> Vec<u8> {
    let modified = modified.unwrap_or_else(Utc::now).date_naive();
    let catalog = json!({
        "@context": context(),
        "@id": format!("{}/api/v1/export/catalog.jsonld", site.base),
        "@type": ["dcat:Catalog", "dcatapit:Catalog"],
        "dct:title": [
            text(&format!("Buone pratiche della pubblica amministrazione — {}", site.name), Language::It),
            text(&format!("Public-sector good practices — {}", site.name), Language::En),
        ],
        "dct:description": [
            text("Le buone pratiche pubblicate su questa istanza Prassi e quelle ricevute da altre istanze della federazione, ciascuna con la sua origine.", Language::It),
            text("The good practices published on this Prassi instance and those received from other instances of the federation, each with its origin.", Language::En),
        ],
        "dct:publisher": {
            "@id": site.instance_actor,
            "@type": ["foaf:Agent", "dcatapit:Agent"],
            "foaf:name": site.name,
        },
        "dct:modified": date(modified),
        "dct:language": [
            iri(eu_authority::language_uri(Language::It)),
            iri(eu_authority::language_uri(Language::En)),
        ],
        "foaf:homepage": iri(format!("{}/", site.base)),
        "dcat:themeTaxonomy": iri("http://publications.europa.eu/resource/authority/data-theme"),
    });
    let mut out = catalog.to_string().into_bytes();
    // An object serialises with its closing brace last: the list of datasets goes before it.
    out.pop();
    out.extend_from_slice(b",\"dcat:dataset\":[");
    out
}

/// The organisation as DCAT-AP_IT's publisher and rights holder: a `dcatapit:Agent` named by
/// its IPA code.
fn agent(p: &Practice<'_>) -> Value {
    let r = p.row;
    let mut a = Map::new();
    if let Some(id) = &r.org_ap_id {
        a.insert("@id".into(), json!(id));
    }
    a.insert("@type".into(), json!(["foaf:Agent", "dcatapit:Agent"]));
    let name = r
        .org_name
        .clone()
        .or_else(|| r.org_username.clone())
        .unwrap_or_else(|| r.practice.origin.clone());
    a.insert("foaf:name".into(), json!(name));
    // DCAT-AP_IT asks for an identifier: the IPA code, else (an administration outside the
    // IPA index) the organisation's actor URL, which names it as uniquely.
    let ipa = r.org_ipa_code.as_deref().filter(|c| !c.trim().is_empty());
    if let Some(id) = ipa.or(r.org_ap_id.as_deref()) {
        a.insert("dct:identifier".into(), json!(id));
    }
    Value::Object(a)
}

/// Whom to ask about the practice: its organisation, as DCAT-AP_IT's contact point (a
/// `dcatapit:Organization`, a vCard), reached through its website or its profile.
fn contact_point(p: &Practice<'_>) -> Value {
    let r = p.row;
    let name = r
        .org_name
        .clone()
        .or_else(|| r.org_username.clone())
        .unwrap_or_else(|| r.practice.origin.clone());
    let mut c = json!({
        "@type": ["vcard:Organization", "dcatapit:Organization"],
        "vcard:fn": name,
    });
    if let Some(url) = r.org_website.as_ref().or(r.org_ap_id.as_ref()) {
        c["vcard:hasURL"] = iri(url.as_str());
    }
    c
}

/// A licence as DCAT-AP_IT describes it: its deed, named.
fn licence_document(l: crate::domain::vocab::Licence) -> Value {
    json!({ "@id": l.url(), "@type": "dct:LicenseDocument", "foaf:name": text(l.label_en(), Language::En) })
}

/// The places, one `dct:Location` per level given: country (the EU authority's country URI),
/// region, municipality (with the point, when known, as its centroid).
fn spatial(p: &Practice<'_>, lang: Language) -> Vec<Value> {
    let place = &p.record.place;
    let mut out = Vec::new();
    if let Some(c) = place.country {
        // The EU authority's URI names the country itself, so a harvester can join on it.
        out.push(json!({
            "@id": eu_authority::country_uri(c),
            "@type": "dct:Location",
            "dct:identifier": c.as_str(),
            "locn:geographicName": text(c.label(lang), lang),
            "prassi:placeLevel": "country",
        }));
    }
    if let Some(r) = &place.region {
        let mut loc = json!({
            "@type": "dct:Location",
            "dct:identifier": r.as_str(),
            "prassi:placeLevel": "region",
        });
        if let crate::domain::vocab::RegionCode::Istat(istat) = r {
            loc["locn:geographicName"] = text(istat.label(lang), lang);
        }
        out.push(loc);
    }
    if let Some(m) = place
        .municipality
        .as_deref()
        .filter(|m| !m.trim().is_empty())
    {
        let mut loc = json!({
            "@type": "dct:Location",
            "locn:geographicName": text(m, lang),
            "prassi:placeLevel": "municipality",
        });
        if let (Some(lat), Some(lon)) = (place.lat, place.lon) {
            loc["dcat:centroid"] = json!({
                "@value": format!("POINT({lon} {lat})"),
                "@type": "http://www.opengis.net/ont/geosparql#wktLiteral",
            });
        }
        out.push(loc);
    }
    out
}

fn distribution(url: &str, format: &str, media_type: &str, title: &str, licence: &Value) -> Value {
    json!({
        "@type": ["dcat:Distribution", "dcatapit:Distribution"],
        "dct:title": text(title, Language::En),
        "dcat:accessURL": iri(url),
        "dct:format": iri(format),
        "dcat:mediaType": iri(format!("https://www.iana.org/assignments/media-types/{media_type}")),
        "dct:license": licence,
    })
}

/// One practice as a `dcat:Dataset`.
pub fn dataset(p: &Practice<'_>) -> Value {
    let row = &p.row.practice;
    let rec = p.record;
    let lang = own_language(rec);
    let licence = licence_document(rec.licence.unwrap_or_default());
    let mut d = Map::new();
    d.insert("@id".into(), json!(row.ap_id));
    d.insert("@type".into(), json!(["dcat:Dataset", "dcatapit:Dataset"]));
    d.insert("dct:identifier".into(), json!(row.ap_id));
    d.insert(
        "dct:title".into(),
        json!(texts(&rec.title, |s| s.trim().to_string())),
    );
    let mut description = texts(&rec.summary, summary_text);
    if description.is_empty() {
        description = texts(&rec.description, summary_text);
    }
    d.insert("dct:description".into(), json!(description));
    if let Some(at) = row.published_at {
        d.insert("dct:issued".into(), date(at.date_naive()));
    }
    d.insert("dct:modified".into(), date(row.updated_at.date_naive()));
    let mut languages: Vec<Language> = rec.language.into_iter().collect();
    for l in rec.title.keys().chain(rec.summary.keys()) {
        if !languages.contains(l) {
            languages.push(*l);
        }
    }
    d.insert(
        "dct:language".into(),
        json!(languages
            .iter()
            .map(|l| iri(eu_authority::language_uri(*l)))
            .collect::<Vec<_>>()),
    );
    d.insert(
        "dcat:theme".into(),
        json!(themes_of(&rec.sectors)
            .iter()
            .map(|t| iri(t.uri()))
            .collect::<Vec<_>>()),
    );
    let keywords: Vec<Value> = rec
        .sectors
        .iter()
        .map(|s| s.label(lang))
        .chain(rec.innovation_types.iter().map(|t| t.label(lang)))
        .chain(rec.sdgs.iter().map(|s| s.label(lang)))
        .map(|k| text(k, lang))
        .collect();
    d.insert("dcat:keyword".into(), json!(keywords));
    let org = agent(p);
    d.insert("dct:publisher".into(), org.clone());
    d.insert("dct:rightsHolder".into(), org);
    d.insert("dcat:contactPoint".into(), contact_point(p));
    d.insert(
        "dct:accrualPeriodicity".into(),
        iri(eu_authority::FREQUENCY_IRREGULAR),
    );
    if rec.period.start.is_some() || rec.period.end.is_some() {
        let mut t = Map::new();
        t.insert("@type".into(), json!("dct:PeriodOfTime"));
        if let Some(s) = rec.period.start {
            t.insert("dcat:startDate".into(), date(s));
        }
        if let Some(e) = rec.period.end {
            t.insert("dcat:endDate".into(), date(e));
        }
        d.insert("dct:temporal".into(), Value::Object(t));
    }
    d.insert("dct:spatial".into(), json!(spatial(p, lang)));
    d.insert("dct:license".into(), licence.clone());
    d.insert("dcat:landingPage".into(), iri(p.page_url()));
    d.insert(
        "dcat:distribution".into(),
        json!([
            distribution(
                p.page_url(),
                eu_authority::FILE_TYPE_HTML,
                "text/html",
                "Web page",
                &licence
            ),
            distribution(
                &row.ap_id,
                eu_authority::FILE_TYPE_JSON_LD,
                "application/activity+json",
                "ActivityPub document",
                &licence
            ),
        ]),
    );
    if let Some(stage) = rec.stage {
        d.insert("prassi:stage".into(), json!(stage.as_str()));
    }
    if let Some(level) = rec.level_of_government {
        d.insert("prassi:levelOfGovernment".into(), json!(level.as_str()));
    }
    if let Some(g) = p.good_index() {
        d.insert(
            "prassi:goodIndex".into(),
            json!({ "@value": g, "@type": "xsd:double" }),
        );
    }
    d.insert("prassi:origin".into(), json!(row.origin));
    d.insert("prassi:originInstance".into(), iri(p.origin_url()));
    d.insert("prassi:local".into(), json!(row.local));
    let recognitions: Vec<Value> = p
        .recognitions
        .iter()
        .map(|r| {
            json!({
                "@type": "prassi:Recognition",
                "prassi:call": iri(&r.call_ap_id),
                "dct:title": r.call_title,
                "prassi:hub": Practice::hub_of(&r.call_ap_id),
                "prassi:recognisedAt": date_time(r.recognised_at),
                "prassi:recognisedHere": r.local,
            })
        })
        .collect();
    d.insert("prassi:recognition".into(), json!(recognitions));
    Value::Object(d)
}
