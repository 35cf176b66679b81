//! Comments on practices: the stance a comment may take (as in Decidim's comment alignment)
//! and the rules its text obeys, whatever its origin.

use crate::domain::{sanitize, vocab::vocabulary};

vocabulary! {
    /// Where a comment stands on the practice it discusses.
    pub enum Stance ("stance") {
        Positive = "positive" => "In favour", "A favore";
        Negative = "negative" => "Against", "Contrario";
        Neutral = "neutral" => "Neutral", "Neutrale";
    }
}

/// The longest comment kept, in characters of sanitised HTML: room for a long argument,
/// not for a second practice pasted into the thread.
pub const MAX_CONTENT_CHARS: usize = 10_000;

/// Why a comment's text is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentError {
    Empty,
    TooLong(usize),
}

impl std::fmt::Display for ContentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => f.write_str("a comment needs some text"),
            Self::TooLong(n) => write!(
                f,
                "a comment holds at most {MAX_CONTENT_CHARS} characters; this one has {n}"
            ),
        }
    }
}

/// A comment's HTML as it is stored: sanitised with the same allow-list as a practice's long
/// description (so a `<script>` or an `onclick` never survives, from the API or from another
/// server), then checked for text and length.
pub fn content(html: &str) -> Result<String, ContentError> {
    let clean = sanitize::rich_text(html);
    if sanitize::rich_text_is_blank(&clean) {
        return Err(ContentError::Empty);
    }
    let n = clean.chars().count();
    if n > MAX_CONTENT_CHARS {
        return Err(ContentError::TooLong(n));
    }
    Ok(clean)
}

/// Plain text typed in the API becomes paragraphs; HTML is taken as it is (then sanitised).
pub fn from_api(text: &str) -> Result<String, ContentError> {
    if sanitize::is_plain(text) {
        let paragraphs: String = text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| format!("<p>{}</p>", escape(p).replace('\n', "<br>")))
            .collect();
        content(&paragraphs)
    } else {
        content(text)
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_sanitised_and_bounded() {
        let c = content("<p onclick=\"x()\">Bene</p><script>alert(1)</script>").unwrap();
        assert_eq!(c, "<p>Bene</p>");
        assert_eq!(content("<script>x</script>"), Err(ContentError::Empty));
        assert_eq!(content("<p> </p>"), Err(ContentError::Empty));
        let long = format!("<p>{}</p>", "a".repeat(MAX_CONTENT_CHARS));
        assert!(matches!(content(&long), Err(ContentError::TooLong(_))));
    }

    #[test]
    fn plain_text_becomes_paragraphs() {
        assert_eq!(
            from_api("uno & due\nriga\n\ntre").unwrap(),
            "<p>uno &amp; due<br>riga</p><p>tre</p>"
        );
        assert_eq!(from_api("<em>x</em>").unwrap(), "<em>x</em>");
    }

    #[test]
    fn stances_read_and_write_their_codes() {
        assert_eq!("positive".parse::<Stance>(), Ok(Stance::Positive));
        assert!("maybe".parse::<Stance>().is_err());
        assert_eq!(Stance::Neutral.as_str(), "neutral");
    }
}
