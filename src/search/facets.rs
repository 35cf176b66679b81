//! The facets a search filters and counts by, their parameter names and the values each takes
//! (a value is checked as the vocabulary writes it, so a filter on a code that cannot exist is
//! refused rather than matching nothing).

use std::str::FromStr;

use crate::domain::{
    actor::LevelOfGovernment,
    vocab::{Country, InnovationType, Participation, RegionCode, Sdg, Sector, Stage},
};

macro_rules! facet_names {
    ($($variant:ident = $name:literal,)+) => {
        /// A facet, named as in the query string and the answer.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum FacetName { $($variant,)+ }

        impl FacetName {
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name,)+ }
            }

            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($name => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

facet_names! {
    Country = "country",
    Region = "region",
    LevelOfGovernment = "level_of_government",
    Sector = "sector",
    InnovationType = "innovation_type",
    Stage = "stage",
    Participation = "participation",
    Sdg = "sdg",
    Year = "year",
    Recognition = "recognition",
    Origin = "origin",
    Organization = "organization",
}

impl FacetName {
    /// `value` as the index holds it, or why it is no value of this facet.
    pub fn value(self, value: &str) -> Result<String, String> {
        fn code<T: FromStr<Err = String>>(
            v: &str,
            show: impl Fn(T) -> String,
        ) -> Result<String, String> {
            v.parse::<T>().map(show)
        }
        let v = value.trim();
        match self {
            Self::Country => code::<Country>(v, |c| c.as_str().into()),
            Self::Region => v
                .parse::<RegionCode>()
                .map(|r| r.as_str().to_string())
                .map_err(|e| e.to_string()),
            Self::LevelOfGovernment => code::<LevelOfGovernment>(v, |l| l.as_str().into()),
            Self::Sector => code::<Sector>(v, |s| s.as_str().into()),
            Self::InnovationType => code::<InnovationType>(v, |s| s.as_str().into()),
            Self::Stage => code::<Stage>(v, |s| s.as_str().into()),
            Self::Participation => code::<Participation>(v, |s| s.as_str().into()),
            Self::Sdg => v
                .parse::<Sdg>()
                .map(|s| s.as_str().to_string())
                .map_err(|e| e.to_string()),
            Self::Year => match v.parse::<i32>() {
                Ok(y) if (1900..=2200).contains(&y) => Ok(y.to_string()),
                _ => Err(format!("`{v}` is not a year")),
            },
            Self::Recognition | Self::Origin => {
                if v.is_empty() || v.contains(['/', '@', ' ']) {
                    Err(format!("`{v}` is not a host (host or host:port)"))
                } else {
                    Ok(v.to_ascii_lowercase())
                }
            }
            Self::Organization => match v.split_once('@') {
                Some((u, d)) if !u.is_empty() && !d.is_empty() && !d.contains('/') => {
                    Ok(format!("{u}@{}", d.to_ascii_lowercase()))
                }
                _ => Err(format!("`{v}` is not an organisation handle (name@domain)")),
            },
        }
    }
}
