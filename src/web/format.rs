//! Dates, amounts, figures and file sizes as each page language writes them.

use chrono::NaiveDate;

use super::i18n::Lang;

pub fn date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::It => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%-d %b %Y").to_string(),
    }
}

/// Digits in groups of three with the language's separators.
fn grouped(n: u64, lang: Lang) -> String {
    let sep = if lang == Lang::It { '.' } else { ',' };
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// An amount of money in cents, e.g. `120.000,50` (it) or `120,000.50` (en); whole amounts
/// without decimals.
pub fn money(cents: i64, lang: Lang) -> String {
    let sign = if cents < 0 { "−" } else { "" };
    let c = cents.unsigned_abs();
    let units = grouped(c / 100, lang);
    let dec = if lang == Lang::It { ',' } else { '.' };
    if c.is_multiple_of(100) {
        format!("{sign}{units}")
    } else {
        format!("{sign}{units}{dec}{:02}", c % 100)
    }
}

/// A figure with its unit, in the language's notation; empty when there is none.
pub fn number(v: Option<f64>, unit: &str, lang: Lang) -> String {
    let Some(v) = v else {
        return String::new();
    };
    let text = if v.fract() == 0.0 && v.abs() < 1e15 {
        let s = grouped(v.abs() as u64, lang);
        if v < 0.0 {
            format!("−{s}")
        } else {
            s
        }
    } else {
        let s = format!("{v:.2}");
        if lang == Lang::It {
            s.replace('.', ",")
        } else {
            s
        }
    };
    format!("{text} {unit}").trim().to_string()
}

pub fn file_size(bytes: i64, lang: Lang) -> String {
    let b = bytes.max(0) as f64;
    let (v, unit) = if b >= 1_048_576.0 {
        (b / 1_048_576.0, "MB")
    } else if b >= 1024.0 {
        (b / 1024.0, "kB")
    } else {
        return format!("{bytes} B");
    };
    let s = format!("{v:.1}");
    let s = if lang == Lang::It {
        s.replace('.', ",")
    } else {
        s
    };
    format!("{s} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_figures_read_as_each_language_writes_them() {
        assert_eq!(money(12_000_050, Lang::It), "120.000,50");
        assert_eq!(money(12_000_000, Lang::En), "120,000");
        assert_eq!(money(99, Lang::En), "0.99");
        assert_eq!(number(Some(1234.0), "utenti", Lang::It), "1.234 utenti");
        assert_eq!(number(Some(0.5), "%", Lang::It), "0,50 %");
        assert_eq!(number(None, "x", Lang::En), "");
        assert_eq!(file_size(2048, Lang::It), "2,0 kB");
        assert_eq!(file_size(3_500_000, Lang::En), "3.3 MB");
        assert_eq!(file_size(10, Lang::En), "10 B");
    }
}
