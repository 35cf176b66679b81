//! Content licences for practices and their media, written as SPDX identifiers.

use super::vocabulary;

vocabulary! {
    /// The licence of a practice's text or of one medium. CC BY 4.0 is the default: it is what
    /// the Italian open-data guidelines and the EU reuse directive recommend for public content.
    #[derive(Default)]
    pub enum Licence ("licence") {
        #[default]
        CcBy4 = "CC-BY-4.0" => "Creative Commons Attribution 4.0 International", "Creative Commons Attribuzione 4.0 Internazionale";
        CcBySa4 = "CC-BY-SA-4.0" => "Creative Commons Attribution-ShareAlike 4.0 International", "Creative Commons Attribuzione - Condividi allo stesso modo 4.0 Internazionale";
        Cc0 = "CC0-1.0" => "Creative Commons Zero 1.0 Universal (public domain)", "Creative Commons Zero 1.0 Universale (pubblico dominio)";
        CcByNc4 = "CC-BY-NC-4.0" => "Creative Commons Attribution-NonCommercial 4.0 International", "Creative Commons Attribuzione - Non commerciale 4.0 Internazionale";
        CcByNcSa4 = "CC-BY-NC-SA-4.0" => "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International", "Creative Commons Attribuzione - Non commerciale - Condividi allo stesso modo 4.0 Internazionale";
        CcByNd4 = "CC-BY-ND-4.0" => "Creative Commons Attribution-NoDerivatives 4.0 International", "Creative Commons Attribuzione - Non opere derivate 4.0 Internazionale";
        CcByNcNd4 = "CC-BY-NC-ND-4.0" => "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International", "Creative Commons Attribuzione - Non commerciale - Non opere derivate 4.0 Internazionale";
        Iodl2 = "IODL-2.0" => "Italian Open Data Licence 2.0", "Italian Open Data Licence 2.0";
    }
}

impl Licence {
    /// The licence's canonical deed, used as `license` in ActivityPub and DCAT exports.
    pub const fn url(self) -> &'static str {
        match self {
            Self::CcBy4 => "https://creativecommons.org/licenses/by/4.0/",
            Self::CcBySa4 => "https://creativecommons.org/licenses/by-sa/4.0/",
            Self::Cc0 => "https://creativecommons.org/publicdomain/zero/1.0/",
            Self::CcByNc4 => "https://creativecommons.org/licenses/by-nc/4.0/",
            Self::CcByNcSa4 => "https://creativecommons.org/licenses/by-nc-sa/4.0/",
            Self::CcByNd4 => "https://creativecommons.org/licenses/by-nd/4.0/",
            Self::CcByNcNd4 => "https://creativecommons.org/licenses/by-nc-nd/4.0/",
            Self::Iodl2 => "https://www.dati.gov.it/iodl/2.0/",
        }
    }

    /// Whether others may adapt and republish the content commercially too, i.e. it is "open"
    /// in the Open Definition sense.
    pub const fn is_open(self) -> bool {
        matches!(self, Self::CcBy4 | Self::CcBySa4 | Self::Cc0 | Self::Iodl2)
    }

    /// Finds a licence by its deed URL, as a remote ActivityPub object gives it.
    pub fn from_url(url: &str) -> Option<Self> {
        let norm = |u: &str| {
            u.trim()
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches('/')
                .to_ascii_lowercase()
        };
        let wanted = norm(url);
        Self::ALL.iter().copied().find(|l| norm(l.url()) == wanted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licences() {
        assert_eq!(Licence::default(), Licence::CcBy4);
        assert_eq!(serde_json::to_string(&Licence::Cc0).unwrap(), "\"CC0-1.0\"");
        assert_eq!(
            serde_json::from_str::<Licence>("\"IODL-2.0\"").unwrap(),
            Licence::Iodl2
        );
        for l in Licence::ALL {
            assert!(l.url().starts_with("https://"));
            assert_eq!(Licence::from_url(l.url()), Some(*l));
        }
        assert_eq!(
            Licence::from_url("http://creativecommons.org/licenses/by-sa/4.0"),
            Some(Licence::CcBySa4)
        );
        assert!(!Licence::CcByNc4.is_open());
        assert!("GPL-3.0"
            .parse::<Licence>()
            .unwrap_err()
            .contains("CC-BY-4.0"));
    }
}
