//! Controlled vocabularies shared by forms, the API, federation and search facets, defined once.
//!
//! Every vocabulary is a closed type: a value that exists is a valid code. Each one serializes as
//! its code string (lenient on case and on `-`/`_` when parsing, canonical when writing), lists
//! its values in `ALL`, and has Italian and English labels for pages and forms.

mod countries;
mod currencies;
pub mod data_themes;
pub mod eu_authority;
mod languages;
mod licences;
mod regions;
mod terms;

use std::{fmt, marker::PhantomData, str::FromStr};

pub use countries::Country;
pub use currencies::Currency;
pub use data_themes::DataTheme;
pub use languages::Language;
pub use licences::Licence;
pub use regions::{IstatRegion, NutsCode, RegionCode};
pub use terms::{InnovationType, Participation, Sdg, Sector, Stage};

/// Declares a vocabulary enum from a table of `Variant = "code" [| "alias"…] => "English", "Italiano";`.
///
/// One table generates the enum and every conversion, so a code, its labels and its OpenAPI
/// schema can never drift apart. Aliases are accepted when parsing and never written.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal $(| $alias:literal)* => $en:literal, $it:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name {
            $( #[doc = $en] $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in the vocabulary's canonical order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The code written in JSON, URLs and the database.
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }

            /// The English label.
            pub const fn label_en(self) -> &'static str {
                match self { $(Self::$variant => $en,)+ }
            }

            /// The Italian label.
            pub const fn label_it(self) -> &'static str {
                match self { $(Self::$variant => $it,)+ }
            }

            /// The label in `lang`; English for every language without its own labels.
            pub fn label(self, lang: $crate::domain::vocab::Language) -> &'static str {
                if lang == $crate::domain::vocab::Language::It {
                    self.label_it()
                } else {
                    self.label_en()
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let s = s.trim();
                $(
                    if $crate::domain::vocab::same_code(s, $code)
                        $(|| $crate::domain::vocab::same_code(s, $alias))*
                    {
                        return Ok(Self::$variant);
                    }
                )+
                Err($crate::domain::vocab::unknown_code(
                    $what,
                    s,
                    Self::ALL.iter().map(|v| v.as_str()),
                ))
            }
        }

        impl ::std::convert::TryFrom<String> for $name {
            type Error = String;
            /// How a stored code is read back (`#[sqlx(try_from = "String")]`).
            fn try_from(s: String) -> Result<Self, String> {
                s.parse()
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str($crate::domain::vocab::CodeVisitor::<Self>::new($what))
            }
        }

        impl ::utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                $crate::domain::vocab::string_schema(
                    $what,
                    Some(Self::ALL.iter().map(|v| v.as_str())),
                    None,
                )
            }
        }

        impl ::utoipa::ToSchema for $name {}
    };
}
pub(crate) use vocabulary;

/// Codes match ignoring ASCII case and treating `-`, `_` and space alike, so `supra-local`,
/// `it` and `cc_by_4.0` are understood; no two codes of one vocabulary differ only in that way.
pub(crate) fn same_code(given: &str, code: &str) -> bool {
    fn fold(c: u8) -> u8 {
        match c {
            b'-' | b' ' => b'_',
            c => c.to_ascii_lowercase(),
        }
    }
    given.len() == code.len()
        && given
            .bytes()
            .zip(code.bytes())
            .all(|(a, b)| fold(a) == fold(b))
}

/// The parse error for every vocabulary: names what was given and lists what is accepted, so a
/// form or API client can correct the value without looking anything up.
pub(crate) fn unknown_code<'a>(
    what: &str,
    given: &str,
    accepted: impl Iterator<Item = &'a str>,
) -> String {
    let accepted: Vec<&str> = accepted.collect();
    format!(
        "unknown {what} `{given}` (expected one of: {})",
        accepted.join(", ")
    )
}

/// Deserializes any string-coded type through its `FromStr`, so JSON bodies, JSON map keys
/// (translations) and query strings all share one set of rules and error messages.
pub(crate) struct CodeVisitor<T> {
    what: &'static str,
    _type: PhantomData<T>,
}

impl<T> CodeVisitor<T> {
    pub(crate) fn new(what: &'static str) -> Self {
        Self {
            what,
            _type: PhantomData,
        }
    }
}

impl<T: FromStr<Err = String>> serde::de::Visitor<'_> for CodeVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} code", self.what)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

/// The OpenAPI schema of a string-coded type: its accepted codes or the pattern it follows.
pub(crate) fn string_schema<'a>(
    what: &str,
    codes: Option<impl Iterator<Item = &'a str>>,
    pattern: Option<&str>,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let mut schema = ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(what.to_string()))
        .pattern(pattern);
    if let Some(codes) = codes {
        schema = schema.enum_values(Some(codes.map(str::to_string).collect::<Vec<_>>()));
    }
    utoipa::openapi::RefOr::T(schema.build().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Serde and `FromStr` agree on every code of a vocabulary, and labels are never blank.
    fn round_trips<T>(all: &[T], as_str: fn(T) -> &'static str, labels: fn(T) -> [&'static str; 2])
    where
        T: Copy
            + PartialEq
            + fmt::Debug
            + FromStr<Err = String>
            + serde::Serialize
            + serde::de::DeserializeOwned,
    {
        for &v in all {
            let code = as_str(v);
            assert_eq!(code.parse::<T>().unwrap(), v);
            assert_eq!(code.to_lowercase().parse::<T>().unwrap(), v, "{code}");
            let json = serde_json::to_value(v).unwrap();
            assert_eq!(json, serde_json::Value::String(code.to_string()));
            assert_eq!(serde_json::from_value::<T>(json).unwrap(), v);
            for label in labels(v) {
                assert!(!label.trim().is_empty(), "{code}");
            }
        }
        let mut codes: Vec<_> = all.iter().map(|&v| as_str(v)).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len(), "duplicate codes");
    }

    macro_rules! check {
        ($t:ty) => {
            round_trips::<$t>(<$t>::ALL, <$t>::as_str, |v| [v.label_en(), v.label_it()])
        };
    }

    #[test]
    fn every_vocabulary_round_trips() {
        check!(Stage);
        check!(Sector);
        check!(InnovationType);
        check!(Participation);
        check!(Country);
        check!(Currency);
        check!(Language);
        check!(Licence);
        check!(IstatRegion);
    }

    #[test]
    fn sizes_match_the_standards() {
        assert_eq!(Stage::ALL.len(), 8);
        assert_eq!(Sector::ALL.len(), 10);
        assert_eq!(InnovationType::ALL.len(), 4);
        assert_eq!(Participation::ALL.len(), 5);
        assert_eq!(Sdg::ALL.len(), 17);
        // Officially assigned ISO 3166-1 alpha-2 codes.
        assert_eq!(Country::ALL.len(), 249);
        assert_eq!(Language::EU_OFFICIAL.len(), 24);
        assert_eq!(IstatRegion::ALL.len(), 20);
        assert!(Currency::ALL.len() >= 175);
    }

    #[test]
    fn parse_errors_list_the_accepted_values() {
        let err = "brainstorming".parse::<Stage>().unwrap_err();
        assert!(err.contains("`brainstorming`"), "{err}");
        assert!(err.contains("identifying_problems") && err.contains("discontinued"));
        let err = serde_json::from_str::<Participation>("\"shout\"").unwrap_err();
        assert!(
            err.to_string().contains("inform, consult, involve"),
            "{err}"
        );
        assert!("XX".parse::<Country>().unwrap_err().contains("IT"));
        assert!(serde_json::from_str::<Stage>("3").is_err());
    }

    #[test]
    fn parsing_is_lenient_writing_canonical() {
        assert_eq!(
            "Identifying-Problems".parse::<Stage>().unwrap(),
            Stage::IdentifyingProblems
        );
        assert_eq!(" it ".parse::<Country>().unwrap(), Country::IT);
        assert_eq!("eur".parse::<Currency>().unwrap(), Currency::EUR);
        assert_eq!("IT".parse::<Language>().unwrap(), Language::It);
        assert_eq!("cc-by-sa-4.0".parse::<Licence>().unwrap(), Licence::CcBySa4);
        assert!(same_code("supra-local", "supra_local"));
        assert!(!same_code("it", "ita"));
    }

    #[test]
    fn schemas_list_codes() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(Sector::schema()).unwrap();
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["enum"][6], "07");
        let schema = serde_json::to_value(Sdg::schema()).unwrap();
        assert_eq!(schema["maximum"], 17);
    }
}
