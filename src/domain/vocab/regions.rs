//! Region codes: Eurostat NUTS codes anywhere in Europe, or ISTAT region codes in Italy.

use std::{fmt, str::FromStr};

use super::{string_schema, vocabulary, CodeVisitor, Country, Language};

/// A NUTS code: the two-letter NUTS country prefix and 0 to 3 letters or digits, one per level
/// (`IT`, `ITF`, `ITF4`, `ITC11`). Always uppercase.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NutsCode(String);

impl NutsCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 0 for a country, 1 to 3 for NUTS 1 to NUTS 3.
    pub fn level(&self) -> u8 {
        // Parsing guarantees 2 to 5 ASCII characters.
        self.0.len().saturating_sub(2) as u8
    }

    /// The NUTS country prefix, which is not always the ISO code (`EL` for Greece).
    pub fn prefix(&self) -> &str {
        self.0.get(..2).unwrap_or_default()
    }

    /// The ISO country this code lies in. NUTS writes Greece as `EL` and the United Kingdom as
    /// `UK`, where ISO 3166 has `GR` and `GB`.
    pub fn country(&self) -> Option<Country> {
        match self.prefix() {
            "EL" => Some(Country::GR),
            "UK" => Some(Country::GB),
            other => other.parse().ok(),
        }
    }
}

impl NutsCode {
    /// The name of an Italian NUTS code (2021 classification) at levels 0 to 2; for a NUTS 3
    /// code, its NUTS 2 region's. `None` outside Italy or for an unknown code.
    fn italian_name(&self, lang: Language) -> Option<&'static str> {
        use IstatRegion as R;
        let region = |r: IstatRegion| Some(r.label(lang));
        let it = lang == Language::It;
        let two =
            |it_name: &'static str, en_name: &'static str| Some(if it { it_name } else { en_name });
        match self.0.get(..4.min(self.0.len()))? {
            "IT" => two("Italia", "Italy"),
            "ITC" => two("Nord-Ovest", "North-West"),
            "ITH" => two("Nord-Est", "North-East"),
            "ITI" => two("Centro", "Centre"),
            "ITF" => two("Sud", "South"),
            "ITG" => two("Isole", "Islands"),
            "ITC1" => region(R::Piemonte),
            "ITC2" => region(R::ValleDAosta),
            "ITC3" => region(R::Liguria),
            "ITC4" => region(R::Lombardia),
            "ITH1" => two(
                "Provincia autonoma di Bolzano/Bozen",
                "Autonomous Province of Bolzano",
            ),
            "ITH2" => two(
                "Provincia autonoma di Trento",
                "Autonomous Province of Trento",
            ),
            "ITH3" => region(R::Veneto),
            "ITH4" => region(R::FriuliVeneziaGiulia),
            "ITH5" => region(R::EmiliaRomagna),
            "ITI1" => region(R::Toscana),
            "ITI2" => region(R::Umbria),
            "ITI3" => region(R::Marche),
            "ITI4" => region(R::Lazio),
            "ITF1" => region(R::Abruzzo),
            "ITF2" => region(R::Molise),
            "ITF3" => region(R::Campania),
            "ITF4" => region(R::Puglia),
            "ITF5" => region(R::Basilicata),
            "ITF6" => region(R::Calabria),
            "ITG1" => region(R::Sicilia),
            "ITG2" => region(R::Sardegna),
            _ => None,
        }
    }
}

impl FromStr for NutsCode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let code = s.trim().to_ascii_uppercase();
        let bytes = code.as_bytes();
        let valid = (2..=5).contains(&bytes.len())
            && bytes[..2].iter().all(u8::is_ascii_uppercase)
            && bytes[2..].iter().all(u8::is_ascii_alphanumeric);
        if valid {
            Ok(Self(code))
        } else {
            Err(format!(
                "`{s}` is not a NUTS code (two letters and up to three letters or digits, e.g. ITF4)"
            ))
        }
    }
}

impl fmt::Display for NutsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

vocabulary! {
    /// An Italian region by its ISTAT code, `01` (Piemonte) to `20` (Sardegna).
    pub enum IstatRegion ("ISTAT region code") {
        Piemonte = "01" => "Piedmont", "Piemonte";
        ValleDAosta = "02" => "Aosta Valley", "Valle d'Aosta/Vallée d'Aoste";
        Lombardia = "03" => "Lombardy", "Lombardia";
        TrentinoAltoAdige = "04" => "Trentino-South Tyrol", "Trentino-Alto Adige/Südtirol";
        Veneto = "05" => "Veneto", "Veneto";
        FriuliVeneziaGiulia = "06" => "Friuli Venezia Giulia", "Friuli-Venezia Giulia";
        Liguria = "07" => "Liguria", "Liguria";
        EmiliaRomagna = "08" => "Emilia-Romagna", "Emilia-Romagna";
        Toscana = "09" => "Tuscany", "Toscana";
        Umbria = "10" => "Umbria", "Umbria";
        Marche = "11" => "Marche", "Marche";
        Lazio = "12" => "Lazio", "Lazio";
        Abruzzo = "13" => "Abruzzo", "Abruzzo";
        Molise = "14" => "Molise", "Molise";
        Campania = "15" => "Campania", "Campania";
        Puglia = "16" => "Apulia", "Puglia";
        Basilicata = "17" => "Basilicata", "Basilicata";
        Calabria = "18" => "Calabria", "Calabria";
        Sicilia = "19" => "Sicily", "Sicilia";
        Sardegna = "20" => "Sardinia", "Sardegna";
    }
}

/// A practice's region: a NUTS code, or a two-digit ISTAT region code for Italian regions, the
/// form Italian administrations know by heart. Written in JSON as the bare code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RegionCode {
    Nuts(NutsCode),
    Istat(IstatRegion),
}

impl RegionCode {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Nuts(n) => n.as_str(),
            Self::Istat(r) => r.as_str(),
        }
    }

    /// Its name in `lang`: the region's for an ISTAT code and for an Italian NUTS 1 or NUTS 2
    /// code; an Italian NUTS 3 code (a province) is named by its region and the code. `None`
    /// for a code this table does not name (outside Italy).
    pub fn name(&self, lang: Language) -> Option<String> {
        match self {
            Self::Istat(r) => Some(r.label(lang).to_string()),
            Self::Nuts(n) => n.italian_name(lang).map(|name| {
                if n.level() == 3 {
                    format!("{name} ({n})")
                } else {
                    name.to_string()
                }
            }),
        }
    }

    /// What to show for it in `lang`: its [name](Self::name), else the code as written.
    pub fn label(&self, lang: Language) -> String {
        self.name(lang).unwrap_or_else(|| self.as_str().to_string())
    }

    /// The ISO country the region lies in, to check it against the practice's country.
    pub fn country(&self) -> Option<Country> {
        match self {
            Self::Nuts(n) => n.country(),
            Self::Istat(_) => Some(Country::IT),
        }
    }
}

/// Two digits are an ISTAT code (only `01`–`20` exist); anything else must be a NUTS code.
impl FromStr for RegionCode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit()) {
            return t
                .parse()
                .map(Self::Istat)
                .map_err(|_| format!("`{t}` is not an ISTAT region code (expected 01 to 20)"));
        }
        t.parse().map(Self::Nuts).map_err(|_| {
            format!(
                "`{s}` is not a region code (expected a NUTS code such as ITF4, or an ISTAT \
                 region code from 01 to 20)"
            )
        })
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! string_coded {
    ($t:ty, $what:literal, $pattern:literal) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str(CodeVisitor::<Self>::new($what))
            }
        }

        impl utoipa::PartialSchema for $t {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                string_schema($what, None::<std::iter::Empty<&str>>, Some($pattern))
            }
        }

        impl utoipa::ToSchema for $t {}
    };
}

string_coded!(NutsCode, "NUTS code", "^[A-Z]{2}[A-Z0-9]{0,3}$");
string_coded!(
    RegionCode,
    "NUTS code or ISTAT region code",
    "^([A-Z]{2}[A-Z0-9]{0,3}|0[1-9]|1[0-9]|20)$"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_shown_by_name() {
        let label = |code: &str, lang| code.parse::<RegionCode>().unwrap().label(lang);
        assert_eq!(label("ITH5", Language::It), "Emilia-Romagna");
        assert_eq!(label("ITC4", Language::En), "Lombardy");
        assert_eq!(
            label("ITH1", Language::En),
            "Autonomous Province of Bolzano"
        );
        assert_eq!(label("itf", Language::It), "Sud");
        assert_eq!(label("ITC11", Language::It), "Piemonte (ITC11)");
        assert_eq!(label("16", Language::It), "Puglia");
        // Outside Italy, and an Italian code the classification does not have: the code.
        assert_eq!(label("FR10", Language::It), "FR10");
        assert_eq!(
            "FR10".parse::<RegionCode>().unwrap().name(Language::It),
            None
        );
        assert_eq!(label("ITZ9", Language::En), "ITZ9");
    }

    #[test]
    fn nuts_codes() {
        for (s, level) in [
            ("IT", 0),
            ("ITF", 1),
            ("itf4", 2),
            ("ITC11", 3),
            ("EL30", 2),
        ] {
            let n: NutsCode = s.parse().unwrap();
            assert_eq!(n.as_str(), s.to_ascii_uppercase());
            assert_eq!(n.level(), level);
        }
        assert_eq!(
            "EL30".parse::<NutsCode>().unwrap().country(),
            Some(Country::GR)
        );
        assert_eq!(
            "ITF4".parse::<NutsCode>().unwrap().country(),
            Some(Country::IT)
        );
        for bad in ["", "I", "1T", "ITC111", "IT-4", "ÌT"] {
            assert!(bad.parse::<NutsCode>().is_err(), "{bad}");
        }
    }

    #[test]
    fn region_codes() {
        let r: RegionCode = "16".parse().unwrap();
        assert_eq!(r, RegionCode::Istat(IstatRegion::Puglia));
        assert_eq!(r.country(), Some(Country::IT));
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"16\"");
        let r: RegionCode = serde_json::from_str("\"itf4\"").unwrap();
        assert_eq!(r.as_str(), "ITF4");
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"ITF4\"");
        assert!("21".parse::<RegionCode>().unwrap_err().contains("01 to 20"));
        assert!("00".parse::<RegionCode>().is_err());
        let err = serde_json::from_str::<RegionCode>("\"Puglia!\"").unwrap_err();
        assert!(err.to_string().contains("not a region code"), "{err}");
        assert_eq!(IstatRegion::Sardegna.label_en(), "Sardinia");
    }
}
