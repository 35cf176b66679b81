//! Keeps one process's index current: opens it (or rebuilds it from the database when it is
//! missing, stale or unreadable), then every second indexes the practices named in
//! `search_changes` past the last sequence it indexed, and commits with that sequence in the
//! commit's payload (so the documents and the position in the feed never disagree).
//!
//! On PostgreSQL sequence numbers are taken before commit, so a change may become visible
//! after a later one: a missing number below the newest one seen is waited for (it is an open
//! transaction) for [`GAP_WAIT`], then passed over (it was rolled back). The changes after it
//! are indexed at once all the same; only the stored position waits.

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::sync::watch;

use super::{document, schema::SCHEMA_VERSION, Engine, Meta, Search};
use crate::db::{search as feed, Db};

/// How often the feed is read.
pub const POLL: Duration = Duration::from_secs(1);
/// How long a missing sequence number is waited for.
const GAP_WAIT: Duration = Duration::from_secs(30);
/// Changes read per poll at most.
const BATCH: i64 = 1000;
/// Practices per page of a rebuild, and how often it logs its progress.
const REBUILD_PAGE: i64 = 1000;
/// Changes older than this are pruned from the feed.
const KEEP_CHANGES: Duration = Duration::from_secs(24 * 3600);
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// A rebuild reads the practices after noting the feed's newest sequence; changes committed
/// just before it with a smaller number may be missing from what it read, so it starts the
/// feed this many changes earlier (indexing a change twice is harmless).
const REBUILD_OVERLAP: i64 = 200;

/// Runs until `stopped` turns true.
pub async fn run(search: Arc<Search>, db: Db, mut stopped: watch::Receiver<bool>) {
    let mut state = loop {
        match open_or_rebuild(&search, &db).await {
            Ok(s) => break s,
            Err(e) => {
                tracing::error!(error = %e, dir = %search.dir().display(), "cannot open or build the search index; will try again")
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            _ = stopped.changed() => return,
        }
    };
    let mut last_prune: Option<Instant> = None;
    follow(&mut state, &db, &mut last_prune, &mut stopped).await;
    // The writer's lock goes with the last handle on the engine: a restart of this node in
    // the same process can open the index again.
    search.set(None);
    drop(state);
}

async fn follow(
    state: &mut Follower,
    db: &Db,
    last_prune: &mut Option<Instant>,
    stopped: &mut watch::Receiver<bool>,
) {
    loop {
        if let Err(e) = state.poll(db).await {
            tracing::warn!(error = %e, "cannot update the search index; will try again");
        }
        if last_prune.is_none_or(|t| t.elapsed() >= PRUNE_EVERY) {
            *last_prune = Some(Instant::now());
            let before = crate::db::now_ms() - KEEP_CHANGES.as_millis() as i64;
            match feed::prune(db, before).await {
                Ok(n) if n > 0 => tracing::info!(pruned = n, "pruned old search changes"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "cannot prune the search changes"),
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// Where a process is in the feed.
pub struct Follower {
    engine: Arc<Engine>,
    database: String,
    /// Every change up to here is indexed.
    seq: i64,
    /// Changes past `seq` indexed already (after a gap), and when.
    pub(super) done: BTreeMap<i64, Instant>,
}

/// The index as it is on disk if it is current, else rebuilt; either way in `search`.
pub async fn open_or_rebuild(search: &Search, db: &Db) -> anyhow::Result<Follower> {
    let database = feed::identity(db, &uuid::Uuid::new_v4().to_string()).await?;
    let dir = search.dir().to_path_buf();
    let opened = tokio::task::spawn_blocking(move || Engine::open(&dir)).await?;
    // Another writer holds the index (this node's previous run is still closing): wait for
    // it rather than rebuild under it.
    if let Err(e) = &opened {
        if matches!(
            e.downcast_ref::<tantivy::TantivyError>(),
            Some(tantivy::TantivyError::LockFailure(..))
        ) {
            anyhow::bail!("the index is still held by another writer: {e}");
        }
    }
    let (min, max) = feed::bounds(db).await?;
    let why = match &opened {
        Err(e) => Some(format!("no readable index ({e})")),
        Ok((_, None)) => Some("the index has no position in the feed".into()),
        Ok((_, Some(m))) if m.schema != SCHEMA_VERSION => {
            Some("the index has another schema".into())
        }
        Ok((_, Some(m))) if m.database != database => {
            Some("the index is of another database".into())
        }
        Ok((_, Some(m))) if max.is_some_and(|max| m.seq > max) || (max.is_none() && m.seq > 0) => {
            Some("the index is ahead of the feed".into())
        }
        Ok((_, Some(m))) if min.is_some_and(|min| m.seq + 1 < min) => {
            Some("the changes the index missed were pruned".into())
        }
        Ok(_) => None,
    };
    let follower = match (why, opened) {
        (None, Ok((engine, Some(meta)))) => {
            let engine = Arc::new(engine);
            tracing::info!(
                docs = engine.num_docs(),
                seq = meta.seq,
                "search index opened"
            );
            Follower::new(engine, database, meta.seq)
        }
        (why, _) => {
            tracing::info!(dir = %search.dir().display(), why = why.as_deref().unwrap_or("unknown"), "rebuilding the search index");
            search.set(None);
            rebuild(search, db, database).await?
        }
    };
    search.set(Some(follower.engine.clone()));
    Ok(follower)
}

/// Builds the index anew from every published practice, logging its progress.
pub async fn rebuild(search: &Search, db: &Db, database: String) -> anyhow::Result<Follower> {
    let dir = search.dir().to_path_buf();
    let engine = Arc::new(tokio::task::spawn_blocking(move || Engine::create(&dir)).await??);
    // The feed's position first, then the practices: a change after this point is replayed.
    let (_, max) = feed::bounds(db).await?;
    let seq = (max.unwrap_or(0) - REBUILD_OVERLAP).max(0);
    let total = feed::count_published(db).await?;
    let started = Instant::now();
    let (mut after, mut done) = (0i64, 0i64);
    loop {
        let page = feed::published_page(db, after, REBUILD_PAGE).await?;
        let Some(last) = page.last().map(|p| p.id) else {
            break;
        };
        let recognitions = feed::recognitions_between(db, after + 1, last).await?;
        let mut by_practice: HashMap<i64, Vec<String>> = HashMap::new();
        for (id, call) in recognitions {
            by_practice.entry(id).or_default().push(call);
        }
        let e = engine.clone();
        let fields = engine.fields;
        let n = page.len() as i64;
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            for p in &page {
                let calls = by_practice
                    .get(&p.id)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                if let Some(doc) = document::of(&fields, p, calls) {
                    e.add(doc)?;
                }
            }
            Ok(())
        })
        .await??;
        done += n;
        after = last;
        tracing::info!(done, total, "rebuilding the search index");
    }
    let meta = Meta {
        schema: SCHEMA_VERSION,
        database: database.clone(),
        seq,
    };
    let e = engine.clone();
    tokio::task::spawn_blocking(move || {
        e.commit(&meta)?;
        e.merge_segments()
    })
    .await??;
    tracing::info!(
        docs = engine.num_docs(),
        seconds = started.elapsed().as_secs_f64(),
        "search index rebuilt"
    );
    Ok(Follower::new(engine, database, seq))
}

impl Follower {
    pub(super) fn new(engine: Arc<Engine>, database: String, seq: i64) -> Self {
        Self {
            engine,
            database,
            seq,
            done: BTreeMap::new(),
        }
    }

    pub fn seq(&self) -> i64 {
        self.seq
    }

    /// Indexes the changes committed since the last poll; true when any was new.
    pub async fn poll(&mut self, db: &Db) -> anyhow::Result<bool> {
        let changes = feed::changes_after(db, self.seq, BATCH).await?;
        let fresh: Vec<feed::Change> = changes
            .iter()
            .filter(|c| !self.done.contains_key(&c.seq))
            .copied()
            .collect();
        let mut practices: Vec<i64> = fresh.iter().map(|c| c.practice_id).collect();
        practices.sort_unstable();
        practices.dedup();
        for id in &practices {
            let p = feed::indexable(db, *id).await?;
            let calls: Vec<String> = feed::recognitions_between(db, *id, *id)
                .await?
                .into_iter()
                .map(|r| r.1)
                .collect();
            let doc = p
                .as_ref()
                .and_then(|p| document::of(&self.engine.fields, p, &calls));
            self.engine.replace(*id, doc)?;
        }
        let now = Instant::now();
        self.done.extend(fresh.iter().map(|c| (c.seq, now)));
        let before = self.seq;
        self.advance();
        if fresh.is_empty() && self.seq == before {
            return Ok(false);
        }
        let meta = Meta {
            schema: SCHEMA_VERSION,
            database: self.database.clone(),
            seq: self.seq,
        };
        let e = self.engine.clone();
        tokio::task::spawn_blocking(move || e.commit(&meta)).await??;
        Ok(!fresh.is_empty())
    }

    /// Moves the position over every change indexed, and over every run of missing numbers
    /// below a change indexed more than [`GAP_WAIT`] ago (they have been missing since then
    /// at least).
    pub(super) fn advance(&mut self) {
        let now = Instant::now();
        loop {
            let next = self.seq + 1;
            if self.done.remove(&next).is_some() {
                self.seq = next;
                continue;
            }
            match self.done.range(next..).next() {
                Some((&after, &seen)) if now.duration_since(seen) >= GAP_WAIT => {
                    tracing::debug!(
                        from = next,
                        to = after - 1,
                        "passing over search changes never committed"
                    );
                    self.seq = after - 1;
                }
                _ => return,
            }
        }
    }
}
