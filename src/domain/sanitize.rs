//! HTML hygiene for practice texts: an allow-list sanitiser for rich text and checks for plain text.
//!
//! Rich text is sanitised when it is stored, not when it is shown, so every consumer — our pages,
//! the API, remote servers receiving the `Article` — gets markup that is already safe.

use std::{collections::HashSet, sync::LazyLock};

use ammonia::{Builder, UrlRelative};

/// The only markup a long description may carry: paragraphs, emphasis, lists, links, two heading
/// levels below the page's own, quotes and simple tables. No images (media are attachments with
/// alt text), no styles, no classes, no scripts.
static RICH_TEXT: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    b.add_tags([
        "p",
        "br",
        "strong",
        "em",
        "ul",
        "ol",
        "li",
        "a",
        "h3",
        "h4",
        "blockquote",
        "table",
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ])
    .generic_attributes(HashSet::new())
    .tag_attributes(
        [
            ("a", HashSet::from(["href"])),
            ("th", HashSet::from(["colspan", "rowspan", "scope"])),
            ("td", HashSet::from(["colspan", "rowspan"])),
        ]
        .into(),
    )
    .url_schemes(HashSet::from(["http", "https", "mailto"]))
    // A relative link would resolve against whichever server shows the practice.
    .url_relative(UrlRelative::Deny)
    // nofollow: links in user content must not lend the instance's reputation to spam.
    .link_rel(Some("noopener nofollow"))
    // Dropped with everything inside them, not just unwrapped: their text is code, not prose.
    .clean_content_tags(HashSet::from([
        "script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math",
        "textarea", "select",
    ]))
    .strip_comments(true);
    b
});

/// Text only: every tag removed, the text inside kept.
static NO_TAGS: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    b.generic_attributes(HashSet::new())
        .clean_content_tags(HashSet::from(["script", "style", "template"]));
    b
});

/// Sanitises rich text (HTML) to the allow-list above. Disallowed tags are unwrapped (their
/// text stays), dangerous ones are dropped with their content, attributes outside the list —
/// `on*` handlers, `style`, `class` — and links to anything but http(s) or mailto are removed.
pub fn rich_text(html: &str) -> String {
    RICH_TEXT.clean(html).to_string().trim().to_string()
}

/// Whether `text` is free of markup: no tags, comments or doctype. A lone `<` as in `a < b`
/// is fine; `&` is fine too, since plain fields are escaped when shown.
pub fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')))
}

/// The text of an HTML fragment without any markup, entities decoded, whitespace runs
/// collapsed: for previews and for plain fields arriving from remote servers.
pub fn strip_tags(html: &str) -> String {
    let escaped = NO_TAGS.clean(&space_blocks(html)).to_string();
    // ammonia escapes the text it keeps; the result here is plain text, so undo that. `&amp;`
    // goes last so that an escaped entity (`&amp;lt;`) is not decoded twice.
    let text = escaped
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Puts a space before every block-level tag, so that `<p>a</p><p>b</p>` becomes `a b` and
/// not `ab` once the tags are gone; inline tags (`<em>`) are left alone so words stay whole.
fn space_blocks(html: &str) -> String {
    const BLOCKS: [&str; 17] = [
        "p",
        "br",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "tr",
        "td",
        "th",
        "table",
    ];
    let mut out = String::with_capacity(html.len() + 16);
    for (i, c) in html.char_indices() {
        if c == '<' {
            let rest = &html[i + 1..];
            let rest = rest.strip_prefix('/').unwrap_or(rest);
            let name_len = rest
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(rest.len());
            let name = &rest[..name_len];
            if BLOCKS.iter().any(|b| b.eq_ignore_ascii_case(name)) {
                out.push(' ');
            }
        }
        out.push(c);
    }
    out
}

/// The visible text of sanitised rich text, to tell an empty editor (`<p><br></p>`) from content.
pub fn rich_text_is_blank(html: &str) -> bool {
    strip_tags(html).trim().is_empty()
}

/// Whether `c` is a bidirectional control: an embedding, override or isolate
/// (U+202A–U+202E, U+2066–U+2069) or a direction mark (U+200E, U+200F, U+061C). In a name they
/// can make the text read as something else than it is (`moc.elpmaxe@` shown as
/// `example.com@`).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// `text` without bidirectional controls (see [`is_bidi_control`]).
pub fn strip_bidi(text: &str) -> String {
    text.chars().filter(|c| !is_bidi_control(*c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_scripts_handlers_and_javascript_links() {
        let out = rich_text(
            r#"<p onclick="steal()">Hi<script>alert(1)</script><style>p{}</style></p><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a>"#,
        );
        assert_eq!(out, "<p>Hi</p><a rel=\"noopener nofollow\">x</a>");
        for bad in [
            "script",
            "alert",
            "onclick",
            "onerror",
            "javascript",
            "<img",
            "style",
        ] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
        assert_eq!(
            rich_text("<iframe src=https://evil.example>x</iframe>ok"),
            "ok"
        );
        assert_eq!(rich_text("<!-- hidden -->seen"), "seen");
        assert_eq!(
            rich_text(r#"<a href="/relative">r</a>"#),
            r#"<a rel="noopener nofollow">r</a>"#
        );
    }

    #[test]
    fn keeps_allowed_markup() {
        let html = "<h3>Risultati</h3><p><strong>Più</strong> <em>servizi</em><br></p>\
                    <ul><li>uno</li></ul><ol><li>due</li></ol><blockquote>citazione</blockquote>\
                    <table><thead><tr><th scope=\"col\">Anno</th></tr></thead>\
                    <tbody><tr><td colspan=\"2\">2024</td></tr></tbody></table><h4>Fonti</h4>";
        assert_eq!(rich_text(html), html);
        assert_eq!(
            rich_text(r#"<a href="https://comune.bari.it/" class="x" target="_blank">Bari</a>"#),
            r#"<a href="https://comune.bari.it/" rel="noopener nofollow">Bari</a>"#
        );
        assert_eq!(
            rich_text(r#"<a href="mailto:urp@comune.bari.it">URP</a>"#),
            r#"<a href="mailto:urp@comune.bari.it" rel="noopener nofollow">URP</a>"#
        );
    }

    #[test]
    fn unwraps_other_tags() {
        assert_eq!(
            rich_text(r#"<div style="color:red"><h1>T</h1><span>testo</span></div>"#),
            "Ttesto"
        );
        assert_eq!(rich_text("<b>b</b> & <i>i</i>"), "b &amp; i");
    }

    #[test]
    fn plain_text() {
        assert!(is_plain("Bilancio partecipativo: 3 < 5 & R&D"));
        assert!(is_plain("freccia <- e <3"));
        for bad in ["<b>x</b>", "a</p>", "<!-- c -->", "<?xml", "<script>"] {
            assert!(!is_plain(bad), "{bad}");
        }
        assert_eq!(
            strip_tags("<p>Uno &amp; <b>due</b></p>\n<script>x()</script><p>3 &lt; 4</p>"),
            "Uno & due 3 < 4"
        );
        assert_eq!(strip_tags("a &amp;lt; b"), "a &lt; b");
        assert_eq!(
            strip_tags("<h3>Titolo</h3><p>super<em>cali</em></p>"),
            "Titolo supercali"
        );
        assert!(rich_text_is_blank("<p><br></p> "));
        assert!(!rich_text_is_blank("<p>x</p>"));
    }

    #[test]
    fn bidi_controls_are_stripped() {
        assert_eq!(
            strip_bidi("Comune\u{202E}ira\u{202C}B \u{2066}x\u{2069}\u{200E}\u{200F}\u{061C}"),
            "ComuneiraB x"
        );
        assert_eq!(strip_bidi("Città di Bari – عربي"), "Città di Bari – عربي");
    }
}
