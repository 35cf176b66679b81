//! Money amounts held exactly, in hundredths, and written as decimal strings.

use std::{fmt, str::FromStr};

/// A non-negative amount with at most two decimals, held as an integer count of hundredths
/// (cents) so sums and comparisons are exact. Written in JSON as a string (`"150000.50"`)
/// because JSON numbers become binary floats in most clients; read from a string or a number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(i64);

impl Amount {
    /// The largest amount accepted, 10^15 − 0.01: above any public budget in any currency, and
    /// small enough that every value converts to `f64` (for charts) without losing cents.
    pub const MAX_CENTS: i64 = 100_000_000_000_000_000 - 1;

    pub fn from_cents(cents: i64) -> Result<Self, String> {
        if (0..=Self::MAX_CENTS).contains(&cents) {
            Ok(Self(cents))
        } else if cents < 0 {
            Err("an amount cannot be negative".to_string())
        } else {
            Err("the amount is too large (at most 999999999999999.99)".to_string())
        }
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    /// Whole units, for display and facets; the cents are dropped.
    pub fn units(self) -> i64 {
        self.0 / 100
    }

    /// Reads a JSON number, which arrives as a binary float: it is accepted only if it is within
    /// a rounding error of a whole number of cents.
    pub fn from_f64(value: f64) -> Result<Self, String> {
        if !value.is_finite() {
            return Err("the amount must be a number".to_string());
        }
        if value < 0.0 {
            return Err("an amount cannot be negative".to_string());
        }
        let cents = (value * 100.0).round();
        // A few ulps of slack: 19.99 * 100 is 1998.9999999999998 in binary.
        let slack = (cents * 8.0 * f64::EPSILON).max(1e-9);
        if (value * 100.0 - cents).abs() > slack {
            return Err(format!(
                "`{value}` has more than two decimals (write e.g. \"150000.50\")"
            ));
        }
        if cents > Self::MAX_CENTS as f64 {
            return Self::from_cents(i64::MAX);
        }
        Self::from_cents(cents as i64)
    }
}

/// Accepts `150000`, `150000.5` and `150000.50`; no sign, no thousands separators, no exponent,
/// so that what a person typed is what is stored.
impl FromStr for Amount {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let bad = || {
            format!(
                "`{s}` is not an amount (write digits with at most two decimals and no \
                 thousands separators, e.g. 150000.50)"
            )
        };
        if t.starts_with('-') {
            return Err("an amount cannot be negative".to_string());
        }
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !digits(whole)
            || !digits(frac)
            || (t.contains('.') && frac.is_empty())
        {
            return Err(bad());
        }
        if frac.len() > 2 {
            return Err(format!("`{s}` has more than two decimals"));
        }
        let whole = whole.trim_start_matches('0');
        if whole.len() > 15 {
            return Self::from_cents(i64::MAX);
        }
        let units: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let frac_cents: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
            _ => frac.parse().map_err(|_| bad())?,
        };
        Self::from_cents(units * 100 + frac_cents)
    }
}

/// Always two decimals, so equal amounts have one spelling (this matters for the digest).
impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl serde::Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount such as \"150000.50\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Amount, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Amount, E> {
                let cents = i64::try_from(v).ok().and_then(|v| v.checked_mul(100));
                Amount::from_cents(cents.unwrap_or(i64::MAX)).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Amount, E> {
                Amount::from_cents(v.saturating_mul(100)).map_err(E::custom)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Amount, E> {
                Amount::from_f64(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl utoipa::PartialSchema for Amount {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "Non-negative amount with at most two decimals, as a string; numbers are accepted too",
            ))
            .pattern(Some(r"^\d{1,15}(\.\d{1,2})?$"))
            .examples([serde_json::json!("150000.50")])
            .build()
            .into()
    }
}

impl utoipa::ToSchema for Amount {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strings_exactly() {
        for (s, cents) in [
            ("150000.50", 15_000_050),
            ("150000.5", 15_000_050),
            ("150000", 15_000_000),
            (" 0.07 ", 7),
            ("007.00", 700),
            ("999999999999999.99", Amount::MAX_CENTS),
        ] {
            assert_eq!(s.parse::<Amount>().unwrap().cents(), cents, "{s}");
        }
        for bad in [
            "",
            "-1",
            "1.234",
            "1,50",
            "1.000,00",
            "1e6",
            "abc",
            ".5",
            "5.",
            "+3",
            "1000000000000000",
        ] {
            assert!(bad.parse::<Amount>().is_err(), "{bad}");
        }
    }

    #[test]
    fn json_string_or_number_in_string_out() {
        let a: Amount = serde_json::from_str("\"150000.50\"").unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"150000.50\"");
        let b: Amount = serde_json::from_str("150000.5").unwrap();
        assert_eq!(a, b);
        let c: Amount = serde_json::from_str("42").unwrap();
        assert_eq!(c.to_string(), "42.00");
        assert_eq!(serde_json::from_str::<Amount>("0.1").unwrap().cents(), 10);
        assert_eq!(
            serde_json::from_str::<Amount>("19.99").unwrap().cents(),
            1999
        );
        for bad in ["-5", "1.005", "true", "\"-2\"", "1e300"] {
            assert!(serde_json::from_str::<Amount>(bad).is_err(), "{bad}");
        }
        assert_eq!(Amount::from_cents(12_345).unwrap().units(), 123);
        assert!(Amount::from_cents(-1).is_err());
    }
}
