//! The EU data themes (the Publications Office's `data-theme` authority table, which
//! DCAT-AP and DCAT-AP_IT use for `dcat:theme`) and the table that gives each COFOG division
//! its themes: what the open-data export calls a practice's themes.

use super::{vocabulary, Sector};

vocabulary! {
    /// A theme of the EU data-theme authority table, written as its code.
    pub enum DataTheme ("EU data theme") {
        Agri = "AGRI" => "Agriculture, fisheries, forestry and food", "Agricoltura, pesca, silvicoltura e prodotti alimentari";
        Econ = "ECON" => "Economy and finance", "Economia e finanze";
        Educ = "EDUC" => "Education, culture and sport", "Istruzione, cultura e sport";
        Ener = "ENER" => "Energy", "Energia";
        Envi = "ENVI" => "Environment", "Ambiente";
        Gove = "GOVE" => "Government and public sector", "Governo e settore pubblico";
        Heal = "HEAL" => "Health", "Salute";
        Intr = "INTR" => "International issues", "Tematiche internazionali";
        Just = "JUST" => "Justice, legal system and public safety", "Giustizia, sistema giuridico e sicurezza pubblica";
        Regi = "REGI" => "Regions and cities", "Regioni e città";
        Soci = "SOCI" => "Population and society", "Popolazione e società";
        Tech = "TECH" => "Science and technology", "Scienza e tecnologia";
        Tran = "TRAN" => "Transport", "Trasporti";
    }
}

/// Where the theme codes live.
const THEME_BASE: &str = "http://publications.europa.eu/resource/authority/data-theme/";

impl DataTheme {
    /// The theme's URI in the EU authority table, e.g.
    /// `http://publications.europa.eu/resource/authority/data-theme/HEAL`.
    pub fn uri(self) -> String {
        format!("{THEME_BASE}{}", self.as_str())
    }
}

/// COFOG division → EU data themes. A division is a whole function of government, so most
/// map to one theme; the division-level codes a practice carries do not say which part of
/// "economic affairs" (agriculture, energy, transport…) it concerns, so 04 is ECON alone and
/// AGRI, ENER, TRAN, TECH and INTR are never derived. Defence is both a public-sector function
/// and public safety.
pub const COFOG_THEMES: [(Sector, &[DataTheme]); 10] = [
    (Sector::GeneralPublicServices, &[DataTheme::Gove]),
    (Sector::Defence, &[DataTheme::Gove, DataTheme::Just]),
    (Sector::PublicOrderAndSafety, &[DataTheme::Just]),
    (Sector::EconomicAffairs, &[DataTheme::Econ]),
    (Sector::EnvironmentalProtection, &[DataTheme::Envi]),
    (Sector::HousingAndCommunityAmenities, &[DataTheme::Regi]),
    (Sector::Health, &[DataTheme::Heal]),
    (Sector::RecreationCultureAndReligion, &[DataTheme::Educ]),
    (Sector::Education, &[DataTheme::Educ]),
    (Sector::SocialProtection, &[DataTheme::Soci]),
];

impl Sector {
    /// The EU data themes of this COFOG division ([`COFOG_THEMES`]).
    pub fn data_themes(self) -> &'static [DataTheme] {
        COFOG_THEMES
            .iter()
            .find(|(s, _)| *s == self)
            .map_or(&[], |(_, t)| t)
    }
}

/// The themes of several sectors, each once, in the order first met.
pub fn themes_of(sectors: &[Sector]) -> Vec<DataTheme> {
    let mut out: Vec<DataTheme> = Vec::new();
    for t in sectors.iter().flat_map(|s| s.data_themes()) {
        if !out.contains(t) {
            out.push(*t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_division_has_a_theme_and_the_table_is_whole() {
        assert_eq!(DataTheme::ALL.len(), 13);
        for s in Sector::ALL {
            assert!(!s.data_themes().is_empty(), "{s}");
            assert_eq!(
                COFOG_THEMES.iter().filter(|(x, _)| x == s).count(),
                1,
                "{s}"
            );
        }
        assert_eq!(
            Sector::Health.data_themes()[0].uri(),
            "http://publications.europa.eu/resource/authority/data-theme/HEAL"
        );
        assert_eq!(
            themes_of(&[
                Sector::Education,
                Sector::RecreationCultureAndReligion,
                Sector::Defence
            ]),
            vec![DataTheme::Educ, DataTheme::Gove, DataTheme::Just]
        );
        assert_eq!("heal".parse::<DataTheme>().unwrap(), DataTheme::Heal);
    }
}
