//! Full-text search with facets over every practice held here: an embedded tantivy index under
//! `$PRASSI_DATA_DIR/search/<node name>`. It is derived data: each process keeps its own,
//! follows the `search_changes` feed ([`worker`]) and rebuilds it from the database when it is
//! missing, stale (another schema version, another database) or unreadable.
//!
//! - [`schema`]: fields and analysers (Italian and English stemming, stop words, accents).
//! - [`document`]: a practice as the index holds it.
//! - [`facets`]: the facets and their values.
//! - [`query`]: what a query string means, the search, facet counts, snippets, corrections.
//! - [`worker`]: the feed, the rebuild and the pruning of old changes.

pub mod document;
pub mod facets;
pub mod query;
pub mod schema;
pub mod tally;
pub mod worker;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc, Mutex, RwLock,
    },
};

use serde::{Deserialize, Serialize};
use tantivy::{
    directory::MmapDirectory,
    index::SegmentId,
    merge_policy::{LogMergePolicy, NoMergePolicy},
    Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};

pub use query::{SearchRequest, SearchResults, Sort};
use schema::Fields;
use tally::SegmentFacets;

/// One process's search: the index once the worker opened or built it.
pub struct Search {
    dir: PathBuf,
    engine: RwLock<Option<Arc<Engine>>>,
}

impl Search {
    /// The search of the process named `node`, its index under `data_dir/search/<node>`.
    pub fn new(data_dir: &Path, node: &str) -> Arc<Self> {
        let safe: String = node
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Arc::new(Self {
            dir: data_dir.join("search").join(safe),
            engine: RwLock::new(None),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The open index; `None` while it is first opened or built.
    pub fn engine(&self) -> Option<Arc<Engine>> {
        self.engine.read().ok().and_then(|e| e.clone())
    }

    fn set(&self, engine: Option<Arc<Engine>>) {
        if let Ok(mut e) = self.engine.write() {
            *e = engine;
        }
    }
}

/// What the index's last commit says of it (its commit payload, written with the documents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub schema: u32,
    /// The identity of the database it was built from.
    pub database: String,
    /// Every change up to this sequence of `search_changes` is in the index.
    pub seq: i64,
}

/// An open index: its reader for queries, its writer for the worker.
pub struct Engine {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    writer: Mutex<IndexWriter>,
    /// The feed's position of what the reader sees: every change up to it is searched.
    seq: AtomicI64,
    /// The facet values of the segments searched, read once per segment.
    facets: Mutex<HashMap<SegmentId, Arc<SegmentFacets>>>,
}

/// Memory for the writer's buffer before it flushes a segment.
const WRITER_MEMORY: usize = 48_000_000;

impl Engine {
    /// Opens the index in `dir` and reads its meta; an error when there is none or it cannot
    /// be read.
    pub fn open(dir: &Path) -> anyhow::Result<(Self, Option<Meta>)> {
        let index = Index::open(MmapDirectory::open(dir)?)?;
        let (expected, fields) = schema::build();
        if index.schema() != expected {
            anyhow::bail!("the index has another schema");
        }
        let meta = index
            .load_metas()?
            .payload
            .and_then(|p| serde_json::from_str::<Meta>(&p).ok());
        let engine = Self::with(index, fields)?;
        if let Some(m) = &meta {
            engine.seq.store(m.seq, Ordering::Release);
        }
        Ok((engine, meta))
    }

    /// A new, empty index in `dir` (whatever was there is removed).
    pub fn create(dir: &Path) -> anyhow::Result<Self> {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema::build();
        let index = Index::create_in_dir(dir, schema)?;
        Self::filling(Self::with(index, fields)?)
    }

    /// An engine being filled from scratch merges nothing until [`Self::merge_segments`].
    fn filling(self) -> anyhow::Result<Self> {
        self.writer
            .lock()
            .map_err(|_| anyhow::anyhow!("writer poisoned"))?
            .set_merge_policy(Box::new(NoMergePolicy));
        Ok(self)
    }

    /// An index in memory (benchmarks, unit tests).
    pub fn in_memory() -> anyhow::Result<Self> {
        let (schema, fields) = schema::build();
        Self::filling(Self::with(Index::create_in_ram(schema), fields)?)
    }

    fn with(index: Index, fields: Fields) -> anyhow::Result<Self> {
        schema::register(index.tokenizers());
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            index,
            reader,
            fields,
            writer: Mutex::new(writer),
            seq: AtomicI64::new(0),
            facets: Mutex::new(HashMap::new()),
        })
    }

    /// Replaces practice `id`'s document by `doc` (removes it when `None`).
    pub fn replace(&self, id: i64, doc: Option<TantivyDocument>) -> anyhow::Result<()> {
        let w = self
            .writer
            .lock()
            .map_err(|_| anyhow::anyhow!("writer poisoned"))?;
        w.delete_term(Term::from_field_u64(self.fields.id, id as u64));
        if let Some(doc) = doc {
            w.add_document(doc)?;
        }
        Ok(())
    }

    /// Adds a document (a rebuild, where nothing is there to replace).
    pub fn add(&self, doc: TantivyDocument) -> anyhow::Result<()> {
        let w = self
            .writer
            .lock()
            .map_err(|_| anyhow::anyhow!("writer poisoned"))?;
        w.add_document(doc)?;
        Ok(())
    }

    /// Commits what was written with `meta`, and makes it visible to queries.
    pub fn commit(&self, meta: &Meta) -> anyhow::Result<()> {
        {
            let mut w = self
                .writer
                .lock()
                .map_err(|_| anyhow::anyhow!("writer poisoned"))?;
            let mut prepared = w.prepare_commit()?;
            prepared.set_payload(&serde_json::to_string(meta)?);
            prepared.commit()?;
        }
        self.reader.reload()?;
        // After the reload: a query that reads this position searches at least as much.
        self.seq.store(meta.seq, Ordering::Release);
        Ok(())
    }

    /// Every change of the feed up to this sequence is in what queries search.
    pub fn seq(&self) -> i64 {
        self.seq.load(Ordering::Acquire)
    }

    /// Merges every segment of a new index into one and waits for it (after a rebuild, so
    /// that queries do not pay per segment), then lets the usual merges run.
    pub fn merge_segments(&self) -> anyhow::Result<()> {
        let ids = self.index.searchable_segment_ids()?;
        let mut w = self
            .writer
            .lock()
            .map_err(|_| anyhow::anyhow!("writer poisoned"))?;
        if ids.len() > 1 {
            w.merge(&ids).wait()?;
        }
        w.set_merge_policy(Box::new(LogMergePolicy::default()));
        drop(w);
        self.reader.reload()?;
        Ok(())
    }

    /// The facet values of every segment `searcher` reads: from memory, read from the index
    /// the first time a segment is searched. Those of segments merged away are forgotten.
    pub fn segment_facets(
        &self,
        searcher: &Searcher,
    ) -> anyhow::Result<HashMap<SegmentId, Arc<SegmentFacets>>> {
        let cached = |id: &SegmentId| self.facets.lock().ok().and_then(|c| c.get(id).cloned());
        let mut out = HashMap::new();
        for segment in searcher.segment_readers() {
            let id = segment.segment_id();
            let facets = match cached(&id) {
                Some(f) => f,
                None => {
                    // Read outside the lock: other searches go on meanwhile.
                    let f = Arc::new(SegmentFacets::read(segment, "facets")?);
                    if let Ok(mut c) = self.facets.lock() {
                        c.insert(id, f.clone());
                    }
                    f
                }
            };
            out.insert(id, facets);
        }
        if let Ok(mut c) = self.facets.lock() {
            if c.len() > out.len() {
                c.retain(|id, _| out.contains_key(id));
            }
        }
        Ok(out)
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The index's size on disk (or in memory), in bytes.
    pub fn size_bytes(&self) -> u64 {
        self.reader
            .searcher()
            .space_usage()
            .map(|u| u.total().get_bytes())
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests;
