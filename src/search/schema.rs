//! The index's schema and analysers. Text is indexed three ways: folded words as written
//! (`title`, `body`: exact matches, phrases, typo tolerance, snippets), and stemmed per
//! language (`it`, `en`: Snowball, stop words, accents folded), each translation of a practice
//! into the field of its own language. Facets are paths (`/sector/07`) in one facet field;
//! sorting reads fast fields.

use tantivy::{
    schema::{
        FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST,
        INDEXED, STORED,
    },
    tokenizer::{
        AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
        StopWordFilter, TextAnalyzer, TokenizerManager,
    },
};

/// Bumped whenever the schema or an analyser changes: an index of another version is stale
/// and rebuilt.
pub const SCHEMA_VERSION: u32 = 1;

/// Words as written, lower-cased and folded (`Città` → `citta`), without the Italian and
/// English stop words.
pub const EXACT: &str = "prassi_exact";
pub const ITALIAN: &str = "prassi_it";
pub const ENGLISH: &str = "prassi_en";

/// Longer tokens are noise (URLs, hashes) and are dropped.
const LONGEST_WORD: usize = 40;

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The practice's row id.
    pub id: Field,
    pub title: Field,
    /// Every other text of every language, stored for snippets.
    pub body: Field,
    pub it: Field,
    pub en: Field,
    pub facets: Field,
    /// Sort keys, higher first (see [`super::document`]).
    pub by_index: Field,
    pub by_recent: Field,
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |analyser: &str, positions: bool| {
        let option = if positions {
            IndexRecordOption::WithFreqsAndPositions
        } else {
            IndexRecordOption::WithFreqs
        };
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyser)
                .set_index_option(option),
        )
    };
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        title: b.add_text_field("title", text(EXACT, true).set_stored()),
        body: b.add_text_field("body", text(EXACT, true).set_stored()),
        // Stored for snippets that mark stemmed matches.
        it: b.add_text_field("it", text(ITALIAN, false).set_stored()),
        en: b.add_text_field("en", text(ENGLISH, false).set_stored()),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        by_index: b.add_u64_field("by_index", FAST),
        by_recent: b.add_u64_field("by_recent", FAST),
    };
    (b.build(), fields)
}

/// Registers the analysers on an index's tokenizer manager (after every open).
pub fn register(manager: &TokenizerManager) {
    manager.register(EXACT, exact());
    manager.register(ITALIAN, stemmed(Language::Italian));
    manager.register(ENGLISH, stemmed(Language::English));
}

pub fn exact() -> TextAnalyzer {
    let mut b = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD))
        .filter(LowerCaser)
        .dynamic();
    for lang in [Language::Italian, Language::English] {
        if let Some(stop) = StopWordFilter::new(lang) {
            b = b.filter_dynamic(stop);
        }
    }
    b.filter_dynamic(AsciiFoldingFilter).build()
}

/// Stop words go before the stemmer, accents are folded after it: the Snowball algorithms
/// read accented vowels (`città`, `attività`), and a query typed without them folds alike.
pub fn stemmed(lang: Language) -> TextAnalyzer {
    let mut b = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD))
        .filter(LowerCaser)
        .dynamic();
    if let Some(stop) = StopWordFilter::new(lang) {
        b = b.filter_dynamic(stop);
    }
    b.filter_dynamic(Stemmer::new(lang))
        .filter_dynamic(AsciiFoldingFilter)
        .build()
}

/// The tokens `analyser` makes of `text`, with their positions.
pub fn tokens(analyser: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut stream = analyser.token_stream(text);
    while let Some(t) = stream.next() {
        out.push((t.position, t.text.clone()));
    }
    out
}
