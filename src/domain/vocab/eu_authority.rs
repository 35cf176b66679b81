//! The other EU authority tables (Publications Office) the open-data export names things by:
//! frequencies, file types, languages and countries, as DCAT-AP_IT asks.

use super::{Country, Language};

const AUTHORITY: &str = "http://publications.europa.eu/resource/authority";

/// How often a practice's record changes: whenever its organisation edits it.
pub const FREQUENCY_IRREGULAR: &str =
    "http://publications.europa.eu/resource/authority/frequency/IRREG";
/// A distribution that is a web page.
pub const FILE_TYPE_HTML: &str = "http://publications.europa.eu/resource/authority/file-type/HTML";
/// A distribution that is JSON-LD (an ActivityPub document is).
pub const FILE_TYPE_JSON_LD: &str =
    "http://publications.europa.eu/resource/authority/file-type/JSON_LD";
/// A distribution that is CSV.
pub const FILE_TYPE_CSV: &str = "http://publications.europa.eu/resource/authority/file-type/CSV";

/// The language's URI: the EU `language` authority table for the 24 official languages of
/// the Union (its codes are ISO 639-2/T, uppercase), the Library of Congress's ISO 639-1 table
/// for any other.
pub fn language_uri(lang: Language) -> String {
    let eu = match lang {
        Language::Bg => "BUL",
        Language::Cs => "CES",
        Language::Da => "DAN",
        Language::De => "DEU",
        Language::El => "ELL",
        Language::En => "ENG",
        Language::Es => "SPA",
        Language::Et => "EST",
        Language::Fi => "FIN",
        Language::Fr => "FRA",
        Language::Ga => "GLE",
        Language::Hr => "HRV",
        Language::Hu => "HUN",
        Language::It => "ITA",
        Language::Lt => "LIT",
        Language::Lv => "LAV",
        Language::Mt => "MLT",
        Language::Nl => "NLD",
        Language::Pl => "POL",
        Language::Pt => "POR",
        Language::Ro => "RON",
        Language::Sk => "SLK",
        Language::Sl => "SLV",
        Language::Sv => "SWE",
        other => return format!("http://id.loc.gov/vocabulary/iso639-1/{}", other.as_str()),
    };
    format!("{AUTHORITY}/language/{eu}")
}

/// The country's URI in the EU `country` authority table (`…/country/ITA`), which names
/// every ISO 3166-1 country by its alpha-3 code: what DCAT-AP_IT expects in `dct:spatial`.
pub fn country_uri(country: Country) -> String {
    format!("{AUTHORITY}/country/{}", country.alpha3())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_official_language_has_an_eu_uri() {
        for l in Language::EU_OFFICIAL {
            assert!(language_uri(l).starts_with(AUTHORITY), "{l}");
        }
        assert_eq!(
            language_uri(Language::It),
            "http://publications.europa.eu/resource/authority/language/ITA"
        );
        assert_eq!(
            language_uri(Language::Zh),
            "http://id.loc.gov/vocabulary/iso639-1/zh"
        );
        assert_eq!(
            country_uri(Country::IT),
            "http://publications.europa.eu/resource/authority/country/ITA"
        );
        assert!(country_uri(Country::GR).ends_with("/GRC"), "not EL");
        for c in Country::ALL {
            let code = c.alpha3();
            assert!(
                code.len() == 3 && code.chars().all(|ch| ch.is_ascii_uppercase()),
                "{c}"
            );
        }
        assert!(
            FILE_TYPE_HTML.starts_with(AUTHORITY) && FREQUENCY_IRREGULAR.starts_with(AUTHORITY)
        );
    }
}
