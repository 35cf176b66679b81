//! The practice-specific vocabularies: OPSI stages and facets, COFOG sectors, IAP2 participation
//! levels and the UN Sustainable Development Goals.

use std::{fmt, str::FromStr};

use super::{vocabulary, Language};

vocabulary! {
    /// Where a practice is in the OPSI innovation cycle, or how it ended.
    pub enum Stage ("stage") {
        IdentifyingProblems = "identifying_problems" => "Identifying problems", "Individuazione dei problemi";
        GeneratingIdeas = "generating_ideas" => "Generating ideas", "Generazione di idee";
        DevelopingProposals = "developing_proposals" => "Developing proposals", "Sviluppo di proposte";
        Implementing = "implementing" => "Implementing", "Attuazione";
        Evaluating = "evaluating" => "Evaluating", "Valutazione";
        DiffusingLessons = "diffusing_lessons" => "Diffusing lessons", "Diffusione degli insegnamenti";
        Concluded = "concluded" => "Concluded", "Conclusa";
        Discontinued = "discontinued" => "Discontinued", "Interrotta";
    }
}

impl Stage {
    /// The practice is over: it will not move through the cycle again.
    pub fn is_ended(self) -> bool {
        matches!(self, Self::Concluded | Self::Discontinued)
    }
}

vocabulary! {
    /// A COFOG division (UN Classification of the Functions of Government), written as its
    /// two-digit code; the topic slug is also accepted when parsing.
    pub enum Sector ("COFOG division") {
        GeneralPublicServices = "01" | "general-public-services" => "General public services", "Servizi generali delle amministrazioni pubbliche";
        Defence = "02" | "defence" => "Defence", "Difesa";
        PublicOrderAndSafety = "03" | "public-order-and-safety" => "Public order and safety", "Ordine pubblico e sicurezza";
        EconomicAffairs = "04" | "economic-affairs" => "Economic affairs", "Affari economici";
        EnvironmentalProtection = "05" | "environmental-protection" => "Environmental protection", "Protezione dell'ambiente";
        HousingAndCommunityAmenities = "06" | "housing-and-community-amenities" => "Housing and community amenities", "Abitazioni e assetto territoriale";
        Health = "07" | "health" => "Health", "Sanità";
        RecreationCultureAndReligion = "08" | "recreation-culture-and-religion" => "Recreation, culture and religion", "Attività ricreative, culturali e di culto";
        Education = "09" | "education" => "Education", "Istruzione";
        SocialProtection = "10" | "social-protection" => "Social protection", "Protezione sociale";
    }
}

impl Sector {
    /// The handle of the sector's topic actor (a `Group`): lowercase words joined by `-`.
    pub const fn slug(self) -> &'static str {
        match self {
            Self::GeneralPublicServices => "general-public-services",
            Self::Defence => "defence",
            Self::PublicOrderAndSafety => "public-order-and-safety",
            Self::EconomicAffairs => "economic-affairs",
            Self::EnvironmentalProtection => "environmental-protection",
            Self::HousingAndCommunityAmenities => "housing-and-community-amenities",
            Self::Health => "health",
            Self::RecreationCultureAndReligion => "recreation-culture-and-religion",
            Self::Education => "education",
            Self::SocialProtection => "social-protection",
        }
    }

    /// The hashtag name (without `#`). Mastodon ends a hashtag at the first `-`, so the slug's
    /// words are joined in CamelCase: `SocialProtection`.
    pub fn hashtag(self) -> String {
        self.slug()
            .split('-')
            .map(|word| {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_uppercase().to_string() + chars.as_str()
                })
            })
            .collect()
    }
}

vocabulary! {
    /// The OPSI innovation facet a practice mainly belongs to.
    pub enum InnovationType ("innovation type") {
        MissionOriented = "mission_oriented" => "Mission-oriented", "Orientata alla missione";
        EnhancementOriented = "enhancement_oriented" => "Enhancement-oriented", "Orientata al miglioramento";
        Adaptive = "adaptive" => "Adaptive", "Adattiva";
        Anticipatory = "anticipatory" => "Anticipatory", "Anticipatoria";
    }
}

vocabulary! {
    /// The level of public participation on the IAP2 spectrum, from least to most public impact.
    pub enum Participation ("participation level") {
        Inform = "inform" => "Inform", "Informare";
        Consult = "consult" => "Consult", "Consultare";
        Involve = "involve" => "Involve", "Coinvolgere";
        Collaborate = "collaborate" => "Collaborate", "Collaborare";
        Empower = "empower" => "Empower", "Responsabilizzare";
    }
}

const SDG_CODES: [&str; 17] = [
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17",
];

const SDG_EN: [&str; 17] = [
    "No poverty",
    "Zero hunger",
    "Good health and well-being",
    "Quality education",
    "Gender equality",
    "Clean water and sanitation",
    "Affordable and clean energy",
    "Decent work and economic growth",
    "Industry, innovation and infrastructure",
    "Reduced inequalities",
    "Sustainable cities and communities",
    "Responsible consumption and production",
    "Climate action",
    "Life below water",
    "Life on land",
    "Peace, justice and strong institutions",
    "Partnerships for the goals",
];

const SDG_IT: [&str; 17] = [
    "Sconfiggere la povertà",
    "Sconfiggere la fame",
    "Salute e benessere",
    "Istruzione di qualità",
    "Parità di genere",
    "Acqua pulita e servizi igienico-sanitari",
    "Energia pulita e accessibile",
    "Lavoro dignitoso e crescita economica",
    "Imprese, innovazione e infrastrutture",
    "Ridurre le disuguaglianze",
    "Città e comunità sostenibili",
    "Consumo e produzione responsabili",
    "Lotta contro il cambiamento climatico",
    "Vita sott'acqua",
    "Vita sulla terra",
    "Pace, giustizia e istituzioni solide",
    "Partnership per gli obiettivi",
];

/// A UN Sustainable Development Goal, 1 to 17; written in JSON as the plain number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sdg(u8);

impl Sdg {
    /// All seventeen goals in order.
    pub const ALL: [Self; 17] = {
        let mut all = [Self(1); 17];
        let mut i = 0;
        while i < 17 {
            all[i] = Self(i as u8 + 1);
            i += 1;
        }
        all
    };

    pub fn new(number: u8) -> Result<Self, String> {
        if (1..=17).contains(&number) {
            Ok(Self(number))
        } else {
            Err(format!(
                "`{number}` is not a Sustainable Development Goal (expected 1 to 17)"
            ))
        }
    }

    pub const fn number(self) -> u8 {
        self.0
    }

    /// The goal number as text, for URLs and facets.
    pub const fn as_str(self) -> &'static str {
        SDG_CODES[self.index()]
    }

    pub const fn label_en(self) -> &'static str {
        SDG_EN[self.index()]
    }

    pub const fn label_it(self) -> &'static str {
        SDG_IT[self.index()]
    }

    pub fn label(self, lang: Language) -> &'static str {
        if lang == Language::It {
            self.label_it()
        } else {
            self.label_en()
        }
    }

    const fn index(self) -> usize {
        self.0 as usize - 1
    }
}

impl fmt::Display for Sdg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Accepts `3`, `SDG3`, `sdg 3` and `SDG-3`, the ways people write a goal.
impl FromStr for Sdg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let digits = match t.get(..3) {
            Some(prefix) if prefix.eq_ignore_ascii_case("sdg") => {
                t[3..].trim_start_matches([' ', '-', '_'])
            }
            _ => t,
        };
        match digits.parse::<u8>() {
            Ok(n) => Self::new(n),
            Err(_) => Err(format!(
                "`{s}` is not a Sustainable Development Goal (expected a number from 1 to 17)"
            )),
        }
    }
}

impl serde::Serialize for Sdg {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Sdg {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Sdg;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Sustainable Development Goal number from 1 to 17")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Sdg, E> {
                u8::try_from(v)
                    .map_err(|_| v.to_string())
                    .and_then(Sdg::new)
                    .map_err(|_| {
                        E::custom(format!(
                            "`{v}` is not a Sustainable Development Goal (expected 1 to 17)"
                        ))
                    })
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Sdg, E> {
                u64::try_from(v)
                    .map_err(|_| {
                        E::custom(format!(
                            "`{v}` is not a Sustainable Development Goal (expected 1 to 17)"
                        ))
                    })
                    .and_then(|v| self.visit_u64(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Sdg, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl utoipa::PartialSchema for Sdg {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .description(Some("UN Sustainable Development Goal number"))
            .minimum(Some(1))
            .maximum(Some(17))
            .build()
            .into()
    }
}

impl utoipa::ToSchema for Sdg {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sector_codes_slugs_and_hashtags() {
        assert_eq!(serde_json::to_string(&Sector::Health).unwrap(), "\"07\"");
        assert_eq!("07".parse::<Sector>().unwrap(), Sector::Health);
        assert_eq!(
            "social-protection".parse::<Sector>().unwrap(),
            Sector::SocialProtection
        );
        assert_eq!(Sector::Education.slug(), "education");
        assert_eq!(Sector::SocialProtection.hashtag(), "SocialProtection");
        for s in Sector::ALL {
            assert_eq!(s.slug().parse::<Sector>().unwrap(), *s);
            assert!(
                crate::domain::actor::Username::parse(s.slug()).is_ok(),
                "{s}"
            );
            assert!(s.hashtag().chars().all(char::is_alphanumeric));
        }
        assert!("11".parse::<Sector>().is_err());
    }

    #[test]
    fn stage_ends() {
        assert!(Stage::Discontinued.is_ended());
        assert!(!Stage::Evaluating.is_ended());
        assert_eq!(
            serde_json::to_string(&Stage::DiffusingLessons).unwrap(),
            "\"diffusing_lessons\""
        );
    }

    #[test]
    fn sdgs() {
        for (i, g) in Sdg::ALL.iter().enumerate() {
            assert_eq!(usize::from(g.number()), i + 1);
            assert_eq!(g.as_str().parse::<Sdg>().unwrap(), *g);
            let json = serde_json::to_value(g).unwrap();
            assert_eq!(json, serde_json::json!(i + 1));
            assert_eq!(serde_json::from_value::<Sdg>(json).unwrap(), *g);
        }
        assert_eq!(
            Sdg::ALL[10].label_en(),
            "Sustainable cities and communities"
        );
        assert_eq!("SDG 11".parse::<Sdg>().unwrap().number(), 11);
        assert_eq!(
            "sdg-4".parse::<Sdg>().unwrap().label_it(),
            "Istruzione di qualità"
        );
        assert_eq!(serde_json::from_str::<Sdg>("\"16\"").unwrap().number(), 16);
        for bad in ["0", "18", "x", "-1", "sdg"] {
            assert!(bad.parse::<Sdg>().is_err(), "{bad}");
        }
        for bad in ["0", "18", "-3", "3.5", "null", "300"] {
            assert!(serde_json::from_str::<Sdg>(bad).is_err(), "{bad}");
        }
    }
}
