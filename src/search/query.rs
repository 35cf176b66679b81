//! A search: what the query string means (words, phrases in quotes, stop words left out), the
//! query tantivy runs (per word: exact matches first, then stemmed ones, then typos), the
//! facet filters (values of one facet OR, facets AND), the counts per facet (each with every
//! filter but its own), snippets and the corrections the typo tolerance made.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use tantivy::{
    collector::TopDocs,
    query::{
        AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery,
        Query, TermQuery, TermSetQuery,
    },
    schema::{Facet, IndexRecordOption, Value},
    snippet::SnippetGenerator,
    tokenizer::{Language, TextAnalyzer},
    DocAddress, Order, Searcher, TantivyDocument, Term,
};

use super::{
    facets::FacetName,
    schema,
    tally::{Faceted, Plan, Tally},
    Engine,
};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best matches first; without words, by good index.
    #[default]
    Relevance,
    /// Highest good index first.
    Index,
    /// Newest publication first.
    Recent,
}

#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub q: String,
    /// Values by facet, as the index holds them (see [`FacetName::value`]).
    pub filters: BTreeMap<FacetName, Vec<String>>,
    pub sort: Sort,
    /// From 1.
    pub page: usize,
    pub per_page: usize,
    /// Counts per facet (a query that only lists hits may skip them).
    pub facets: bool,
    /// Practices left out whatever the index says (deleted since it last read the feed).
    pub exclude: Vec<i64>,
}

/// One practice found.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Hit {
    pub id: i64,
    /// BM25 score (0 when not sorted by relevance).
    pub score: f32,
    /// A passage of the text, HTML-escaped, the matched words in `<b>`.
    pub snippet: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// A word of the query as the search understood it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct QueryTerm {
    /// As written, lower-cased and without accents.
    pub term: String,
    /// Its Italian and English stems.
    pub stems: BTreeMap<String, String>,
    /// The indexed word it was taken for, when it is not one itself (a typo).
    pub correction: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Understood {
    pub terms: Vec<QueryTerm>,
    /// Phrases in quotes, each word folded as indexed.
    pub phrases: Vec<Vec<String>>,
    /// Words left out: stop words (`di`, `the`).
    pub ignored: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// Every practice matching, over all pages.
    pub total: usize,
    /// Per facet, its values with counts, most frequent first.
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    pub query: Understood,
}

/// Values returned per facet at most.
const FACET_VALUES: usize = 50;
/// Characters of a snippet at most.
const SNIPPET_CHARS: usize = 220;
/// Typos are forgiven from these lengths (in characters): one, then two (as Meilisearch).
const ONE_TYPO: usize = 5;
const TWO_TYPOS: usize = 9;
/// Below this many practices with the word as written, it is always expanded to its typos.
const FUZZY_MIN: u64 = 50;

/// The analysers a query's words go through (built per query: they hold state).
struct Analysers {
    words: TextAnalyzer,
    exact: TextAnalyzer,
    it: TextAnalyzer,
    en: TextAnalyzer,
}

impl Analysers {
    fn new() -> Self {
        Self {
            words: TextAnalyzer::builder(tantivy::tokenizer::SimpleTokenizer::default())
                .filter(tantivy::tokenizer::LowerCaser)
                .build(),
            exact: schema::exact(),
            it: schema::stemmed(Language::Italian),
            en: schema::stemmed(Language::English),
        }
    }
}

fn first(a: &mut TextAnalyzer, word: &str) -> Option<String> {
    schema::tokens(a, word).into_iter().next().map(|t| t.1)
}

impl Engine {
    pub fn search(&self, req: &SearchRequest) -> anyhow::Result<SearchResults> {
        let searcher = self.reader.searcher();
        let (text, understood) = self.text_query(&searcher, &req.q)?;
        let plan = Plan {
            filters: req
                .filters
                .iter()
                .filter(|(_, vs)| !vs.is_empty())
                .map(|(n, vs)| (*n, vs.iter().cloned().collect()))
                .collect(),
            count: req.facets,
            segments: self.segment_facets(&searcher)?,
        };
        let base = self.base_query(text.as_deref(), &plan, &req.exclude);

        // One pass: the words' matches (narrowed to those that can count for some facet),
        // each filtered, counted and, when it passes every filter, offered to the top hits.
        let per_page = req.per_page.max(1);
        let offset = req.page.max(1).saturating_sub(1) * per_page;
        let top = || TopDocs::with_limit(per_page).and_offset(offset);
        let (found, tally): (Vec<(f32, DocAddress)>, Tally) = match (req.sort, text.is_some()) {
            (Sort::Relevance, true) => {
                searcher.search(&*base, &Faceted::new(&plan, top().order_by_score()))?
            }
            (sort, _) => {
                let field = if sort == Sort::Recent {
                    "by_recent"
                } else {
                    "by_index"
                };
                let by = top().order_by_u64_field(field.to_string(), Order::Desc);
                let (t, tally) = searcher.search(&*base, &Faceted::new(&plan, by))?;
                (t.into_iter().map(|(_, a)| (0.0, a)).collect(), tally)
            }
        };
        let mut facets = BTreeMap::new();
        if req.facets {
            for n in FacetName::ALL {
                facets.insert(n.as_str().to_string(), values(tally.counts.get(n)));
            }
        }

        let mut hits = self.hits(&searcher, text.as_deref(), found)?;
        if req.sort == Sort::Relevance && text.is_some() {
            // Equal scores by id, newest first: the same order on every backend.
            hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.id.cmp(&a.id)));
        }
        Ok(SearchResults {
            hits,
            total: tally.total,
            facets,
            query: understood,
        })
    }

    /// What is searched: the words (or every practice), without the practices known to be
    /// gone. Without words and with two or more facets ticked, only the practices that pass
    /// all their filters but one at most (the others count for no facet); with words, their
    /// matches are visited as they come, which costs less than seeking in them. Filters do
    /// not score.
    fn base_query(&self, text: Option<&dyn Query>, plan: &Plan, exclude: &[i64]) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            text.map_or_else(|| Box::new(AllQuery) as Box<dyn Query>, |t| t.box_clone()),
        )];
        if text.is_none() && plan.filters.len() >= 2 {
            let filters: Vec<(FacetName, Box<dyn Query>)> = plan
                .filters
                .iter()
                .map(|(n, vs)| (*n, self.facet_filter(*n, vs.iter())))
                .collect();
            let all_but_one = filters
                .iter()
                .map(|(left_out, _)| {
                    let rest = filters
                        .iter()
                        .filter(|(n, _)| n != left_out)
                        .map(|(_, q)| (Occur::Must, q.box_clone()))
                        .collect();
                    let q: Box<dyn Query> = Box::new(BooleanQuery::new(rest));
                    (Occur::Should, q)
                })
                .collect();
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(
                    Box::new(BooleanQuery::new(all_but_one)),
                    0.0,
                )),
            ));
        }
        if !exclude.is_empty() {
            let ids = exclude
                .iter()
                .map(|id| Term::from_field_u64(self.fields.id, *id as u64));
            clauses.push((Occur::MustNot, Box::new(TermSetQuery::new(ids))));
        }
        if clauses.len() == 1 {
            return clauses.remove(0).1;
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The hits found, with their ids and snippets.
    fn hits(
        &self,
        searcher: &Searcher,
        text: Option<&dyn Query>,
        found: Vec<(f32, DocAddress)>,
    ) -> anyhow::Result<Vec<Hit>> {
        let f = self.fields;
        // Snippets from the stemmed texts first (they mark `budget` for `budgeting`), then
        // the words as written, then the title.
        // A field none of whose words is indexed marks nothing: it is not read at all.
        let mut snippets = Vec::new();
        if let Some(t) = text {
            let mut terms = Vec::new();
            t.query_terms(&mut |term, _| terms.push(term.clone()));
            for field in [f.it, f.en, f.body, f.title] {
                let mut found = false;
                for term in terms.iter().filter(|term| term.field() == field) {
                    if searcher.doc_freq(term)? > 0 {
                        found = true;
                        break;
                    }
                }
                if found {
                    let mut g = SnippetGenerator::create(searcher, t, field)?;
                    g.set_max_num_chars(SNIPPET_CHARS);
                    snippets.push(g);
                }
            }
        }
        let mut hits = Vec::with_capacity(found.len());
        for (score, addr) in found {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let id = doc.get_first(f.id).and_then(|v| v.as_u64()).unwrap_or(0) as i64;
            let snippet = snippets
                .iter()
                .map(|g| g.snippet_from_doc(&doc))
                .find(|s| !s.highlighted().is_empty())
                .map(|s| s.to_html())
                .unwrap_or_else(|| opening(&doc, f.body));
            hits.push(Hit { id, score, snippet });
        }
        Ok(hits)
    }

    /// The query for the words and phrases of `q` (`None` when there are none: browsing).
    fn text_query(
        &self,
        searcher: &Searcher,
        q: &str,
    ) -> anyhow::Result<(Option<Box<dyn Query>>, Understood)> {
        let f = self.fields;
        let mut a = Analysers::new();
        let mut understood = Understood::default();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // Quotes alternate: outside, inside a phrase, outside…
        for (i, part) in q.split('"').enumerate() {
            if i % 2 == 1 {
                let words = schema::tokens(&mut a.exact, part);
                match words.len() {
                    0 => continue,
                    1 => {}
                    _ => {
                        understood
                            .phrases
                            .push(words.iter().map(|w| w.1.clone()).collect());
                        let first = words[0].0;
                        let phrase = |field| -> (Occur, Box<dyn Query>) {
                            let terms = words
                                .iter()
                                .map(|(p, w)| (p - first, Term::from_field_text(field, w)))
                                .collect();
                            (Occur::Should, Box::new(PhraseQuery::new_with_offset(terms)))
                        };
                        let either = vec![phrase(f.title), phrase(f.body)];
                        clauses.push((Occur::Must, Box::new(BooleanQuery::new(either))));
                        continue;
                    }
                }
            }
            for (_, word) in schema::tokens(&mut a.words, part) {
                let Some(exact) = first(&mut a.exact, &word) else {
                    understood.ignored.push(word);
                    continue;
                };
                let it = first(&mut a.it, &word);
                let en = first(&mut a.en, &word);
                let (query, correction) =
                    self.word_query(searcher, &exact, it.as_deref(), en.as_deref())?;
                clauses.push((Occur::Must, query));
                let mut stems = BTreeMap::new();
                if let Some(s) = it {
                    stems.insert("it".to_string(), s);
                }
                if let Some(s) = en {
                    stems.insert("en".to_string(), s);
                }
                understood.terms.push(QueryTerm {
                    term: exact,
                    stems,
                    correction,
                });
            }
        }
        if clauses.is_empty() {
            return Ok((None, understood));
        }
        Ok((Some(Box::new(BooleanQuery::new(clauses))), understood))
    }

    /// One word: exact in the title, exact in the text, stemmed in either language, then
    /// within one or two edits (unless the word as written is common); the earlier ones weigh
    /// more, so exact and stemmed matches rank before typos.
    fn word_query(
        &self,
        searcher: &Searcher,
        exact: &str,
        it: Option<&str>,
        en: Option<&str>,
    ) -> anyhow::Result<(Box<dyn Query>, Option<String>)> {
        let f = self.fields;
        let term = |field, text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::WithFreqs,
            ))
        };
        let boosted = |q: Box<dyn Query>, b: f32| -> (Occur, Box<dyn Query>) {
            (Occur::Should, Box::new(BoostQuery::new(q, b)))
        };
        let mut should = vec![
            boosted(term(f.title, exact), 3.0),
            boosted(term(f.body, exact), 1.5),
        ];
        if let Some(s) = it {
            should.push(boosted(term(f.it, s), 1.0));
        }
        if let Some(s) = en {
            should.push(boosted(term(f.en, s), 1.0));
        }
        let chars = exact.chars().count();
        let mut correction = None;
        // A word in more than one practice in a hundred is not expanded: its typo variants
        // would add little beside it, and expanding it costs the most.
        let freq = searcher
            .doc_freq(&Term::from_field_text(f.body, exact))?
            .max(searcher.doc_freq(&Term::from_field_text(f.title, exact))?);
        let common = freq > FUZZY_MIN.max(searcher.num_docs() / 100);
        if chars >= ONE_TYPO && !common {
            let distance = if chars >= TWO_TYPOS { 2 } else { 1 };
            let fuzzy = FuzzyTermQuery::new(Term::from_field_text(f.body, exact), distance, true);
            // A word its stem finds is no typo, though another form of it is an edit away.
            let stem_found = [(f.it, it), (f.en, en)]
                .into_iter()
                .filter_map(|(field, stem)| stem.map(|s| Term::from_field_text(field, s)))
                .map(|t| searcher.doc_freq(&t))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .any(|n| n > 0);
            if !stem_found {
                correction = self.correction(searcher, exact, &fuzzy)?;
            }
            should.push(boosted(Box::new(fuzzy), 0.3));
            let in_title =
                FuzzyTermQuery::new(Term::from_field_text(f.title, exact), distance, true);
            should.push(boosted(Box::new(in_title), 0.5));
        }
        Ok((Box::new(BooleanQuery::new(should)), correction))
    }

    /// The indexed word a typo stands for: when `exact` is no indexed word itself, the most
    /// frequent one within the fuzzy query's distance (read from the term dictionaries).
    fn correction(
        &self,
        searcher: &Searcher,
        exact: &str,
        fuzzy: &FuzzyTermQuery,
    ) -> anyhow::Result<Option<String>> {
        let f = self.fields;
        let t = Term::from_field_text(f.body, exact);
        let tt = Term::from_field_text(f.title, exact);
        if searcher.doc_freq(&t)? > 0 || searcher.doc_freq(&tt)? > 0 {
            return Ok(None);
        }
        let mut freq: HashMap<Vec<u8>, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            for field in [f.title, f.body] {
                let inverted = segment.inverted_index(field)?;
                let mut stream = inverted.terms().search(fuzzy.automaton()?).into_stream()?;
                while stream.advance() {
                    *freq.entry(stream.key().to_vec()).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
        Ok(freq
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .and_then(|(k, _)| String::from_utf8(k).ok()))
    }

    /// Practices with any of `values` in facet `name`.
    fn facet_filter<'v>(
        &self,
        name: FacetName,
        values: impl Iterator<Item = &'v String>,
    ) -> Box<dyn Query> {
        let terms = values.map(|v| {
            let facet = Facet::from_path([name.as_str(), v.as_str()]);
            Term::from_facet(self.fields.facets, &facet)
        });
        Box::new(TermSetQuery::new(terms))
    }
}

/// A facet's values with counts, most frequent first, then by value.
fn values(counts: Option<&BTreeMap<String, u64>>) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts
        .into_iter()
        .flatten()
        .map(|(value, count)| FacetCount {
            value: value.clone(),
            count: *count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out.truncate(FACET_VALUES);
    out
}

/// The start of a practice's text, escaped, for hits without a matched passage.
fn opening(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    let text = doc
        .get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let mut cut: String = text.chars().take(SNIPPET_CHARS).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
