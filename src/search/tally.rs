//! Facet filters and counts in one pass over the matches of the words: a collector that reads
//! each document's facet values once, decides which ticked facets' filters it passes, hands
//! the documents that pass them all to the collector of the hits, and counts each facet's
//! values over the documents that pass every filter but that facet's own (so ticking one sector
//! does not hide the others). One search instead of one per ticked facet.
//!
//! A segment's facets are read from the index once and kept in memory as flat arrays
//! ([`SegmentFacets`]): a segment never changes (deletions only hide documents), and reading
//! tens of thousands of documents' values from plain arrays is many times faster than from
//! the compressed fast-field columns at every query.

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    sync::Arc,
};

use tantivy::{
    collector::{Collector, SegmentCollector},
    index::SegmentId,
    DocId, Score, SegmentOrdinal, SegmentReader,
};

use super::facets::FacetName;

/// The ticked values of each facet (values of one facet OR, facets AND), whether the facets
/// are to be counted at all, and the facets of the segments searched.
#[derive(Clone, Default)]
pub struct Plan {
    /// Per facet ticked, its values as the index holds them.
    pub filters: BTreeMap<FacetName, HashSet<String>>,
    pub count: bool,
    pub segments: HashMap<SegmentId, Arc<SegmentFacets>>,
}

/// Counts per facet and value, and the number of practices passing every filter.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub total: usize,
    pub counts: BTreeMap<FacetName, BTreeMap<String, u64>>,
}

/// A facet's position in [`FacetName::ALL`]: its bit in the masks below.
fn bit(name: FacetName) -> u32 {
    let i = FacetName::ALL.iter().position(|n| *n == name).unwrap_or(0);
    1 << i
}

/// One segment's facet values: per document its values' ordinals, and per ordinal its facet
/// and value.
pub struct SegmentFacets {
    /// Document `d`'s ordinals are `ords[offsets[d]..offsets[d + 1]]`, each once.
    offsets: Vec<u32>,
    ords: Vec<u32>,
    /// Per ordinal: its facet and value (`None` for a path that names no facet).
    values: Vec<Option<(FacetName, String)>>,
    /// Per ordinal: its facet's bit (0 for none).
    facet_of: Vec<u32>,
}

impl SegmentFacets {
    /// Reads the facet field `field` of `segment`.
    pub fn read(segment: &SegmentReader, field: &str) -> tantivy::Result<Self> {
        let reader = segment.facet_reader(field)?;
        let mut values = Vec::with_capacity(reader.num_facets());
        let mut stream = reader.facet_dict().stream()?;
        while stream.advance() {
            // `name\0value`: how a facet path is encoded.
            let value = std::str::from_utf8(stream.key())
                .ok()
                .and_then(|k| k.split_once('\u{0}'))
                .and_then(|(name, value)| {
                    FacetName::from_name(name).map(|n| (n, value.to_string()))
                });
            values.push(value);
        }
        let facet_of = values
            .iter()
            .map(|v| v.as_ref().map_or(0, |(n, _)| bit(*n)))
            .collect();
        let max_doc = segment.max_doc();
        let mut offsets = Vec::with_capacity(max_doc as usize + 1);
        let mut ords = Vec::new();
        offsets.push(0);
        for doc in 0..max_doc {
            let start = ords.len();
            // A document's ordinals come sorted: a value given twice is kept once.
            for o in reader.facet_ords(doc) {
                if ords.len() == start || ords.last() != Some(&(o as u32)) {
                    ords.push(o as u32);
                }
            }
            offsets.push(ords.len() as u32);
        }
        Ok(Self {
            offsets,
            ords,
            values,
            facet_of,
        })
    }

    fn of(&self, doc: DocId) -> &[u32] {
        let d = doc as usize;
        match (self.offsets.get(d), self.offsets.get(d + 1)) {
            (Some(&a), Some(&b)) => &self.ords[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// Wraps the collector of the hits (`child`), which sees only the documents that pass every
/// filter.
pub struct Faceted<'p, C> {
    pub plan: &'p Plan,
    pub child: C,
}

impl<'p, C> Faceted<'p, C> {
    pub fn new(plan: &'p Plan, child: C) -> Self {
        Self { plan, child }
    }
}

pub struct FacetedSegment<S> {
    child: S,
    facets: Arc<SegmentFacets>,
    /// Per ordinal: the bit of its facet when it is a ticked value, else 0.
    passes: Vec<u32>,
    /// The bits of the ticked facets.
    required: u32,
    count: bool,
    counts: Vec<u64>,
    total: usize,
}

/// What one segment found: its total and its counts by facet and value.
pub struct SegmentTally<F> {
    child: F,
    total: usize,
    counts: Vec<(FacetName, String, u64)>,
}

impl<C: Collector> Collector for Faceted<'_, C> {
    type Fruit = (C::Fruit, Tally);
    type Child = FacetedSegment<C::Child>;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let facets = match self.plan.segments.get(&segment.segment_id()) {
            Some(f) => f.clone(),
            None => Arc::new(SegmentFacets::read(segment, "facets")?),
        };
        let passes = facets
            .values
            .iter()
            .map(|v| match v {
                Some((name, value))
                    if self
                        .plan
                        .filters
                        .get(name)
                        .is_some_and(|vs| vs.contains(value)) =>
                {
                    bit(*name)
                }
                _ => 0,
            })
            .collect();
        let required = self.plan.filters.keys().fold(0, |m, n| m | bit(*n));
        let n = if self.plan.count {
            facets.values.len()
        } else {
            0
        };
        Ok(FacetedSegment {
            child: self.child.for_segment(ord, segment)?,
            facets,
            passes,
            required,
            count: self.plan.count,
            counts: vec![0; n],
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.child.requires_scoring()
    }

    fn merge_fruits(
        &self,
        fruits: Vec<SegmentTally<<C::Child as SegmentCollector>::Fruit>>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut tally = Tally::default();
        let mut children = Vec::with_capacity(fruits.len());
        for f in fruits {
            tally.total += f.total;
            for (name, value, n) in f.counts {
                *tally
                    .counts
                    .entry(name)
                    .or_default()
                    .entry(value)
                    .or_default() += n;
            }
            children.push(f.child);
        }
        Ok((self.child.merge_fruits(children)?, tally))
    }
}

impl<S: SegmentCollector> SegmentCollector for FacetedSegment<S> {
    type Fruit = SegmentTally<S::Fruit>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let facets = &*self.facets;
        let ords = facets.of(doc);
        let mut passed = 0u32;
        if self.required != 0 {
            for o in ords {
                passed |= self.passes[*o as usize];
            }
        }
        let missing = self.required & !passed;
        if missing == 0 {
            self.total += 1;
            self.child.collect(doc, score);
            if self.count {
                for o in ords {
                    self.counts[*o as usize] += 1;
                }
            }
        } else if self.count && missing.count_ones() == 1 {
            // Fails one filter only: counts for that facet's values (it passes the others).
            for o in ords {
                if facets.facet_of[*o as usize] == missing {
                    self.counts[*o as usize] += 1;
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let counts = self
            .counts
            .iter()
            .zip(&self.facets.values)
            .filter(|(n, _)| **n > 0)
            .filter_map(|(n, v)| v.as_ref().map(|(name, value)| (*name, value.clone(), *n)))
            .collect();
        SegmentTally {
            child: self.child.harvest(),
            total: self.total,
            counts,
        }
    }
}
