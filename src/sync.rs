//! Small synchronisation helpers shared by the caches and counters of a running instance: a
//! lock that survives a panicked holder, and reads shared among concurrent callers without
//! ever giving one a value older than its call.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc, Mutex, MutexGuard, PoisonError,
};

/// Locks an in-memory map or counter. A poisoned lock only means another task panicked
/// mid-update of a cache or a counter; the data is still usable.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Reads that must be fresh, shared among the requests that wait for them: each caller gets
/// the result of a read that *started after it called*, so no caller sees a value older than
/// its own arrival, yet when many callers ask for the same key at once one read serves all
/// those who arrived while the previous read ran. This is what keeps a storm of fetches of
/// one document (every follower instance fetching a new practice) at one database read per
/// read time instead of one per request, without trusting a cached value across processes.
pub struct Fresh<K, V> {
    slots: moka::future::Cache<K, Arc<Slot<V>>>,
}

struct Slot<V> {
    /// Reads started so far.
    started: AtomicU64,
    /// The last read to finish: its number and its value. Held while a read runs.
    last: tokio::sync::Mutex<Option<(u64, V)>>,
}

impl<K, V> Fresh<K, V>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// Keeps the bookkeeping of at most `capacity` keys (a forgotten key only loses sharing).
    pub fn new(capacity: u64) -> Self {
        Self {
            slots: moka::future::Cache::builder()
                .max_capacity(capacity)
                .time_to_idle(std::time::Duration::from_secs(60))
                .build(),
        }
    }

    /// The value of `key` as a read started after this call finds it.
    pub async fn read<E, Fut>(&self, key: K, read: impl FnOnce() -> Fut) -> Result<V, E>
    where
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        let slot = self
            .slots
            .get_with(key, async {
                Arc::new(Slot {
                    started: AtomicU64::new(0),
                    last: tokio::sync::Mutex::new(None),
                })
            })
            .await;
        let arrived = slot.started.load(Ordering::SeqCst);
        let mut last = slot.last.lock().await;
        if let Some((n, v)) = &*last {
            if *n > arrived {
                return Ok(v.clone());
            }
        }
        let n = slot.started.fetch_add(1, Ordering::SeqCst) + 1;
        let v = read().await?;
        *last = Some((n, v.clone()));
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    use super::Fresh;

    #[tokio::test]
    async fn every_caller_sees_a_read_that_started_after_it_came() {
        let fresh: Arc<Fresh<&str, u64>> = Arc::new(Fresh::new(10));
        // The "database": a counter that changes; each read returns its value at read time.
        let value = Arc::new(AtomicU64::new(0));
        let reads = Arc::new(AtomicU64::new(0));
        let read = |value: Arc<AtomicU64>, reads: Arc<AtomicU64>| async move {
            reads.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            Ok::<_, ()>(value.load(Ordering::SeqCst))
        };
        assert_eq!(
            fresh.read("k", || read(value.clone(), reads.clone())).await,
            Ok(0)
        );
        // A write, then a caller: it must not get the value read before the write.
        value.store(7, Ordering::SeqCst);
        assert_eq!(
            fresh.read("k", || read(value.clone(), reads.clone())).await,
            Ok(7)
        );
        // Many callers at once share reads: fewer reads than callers, all values current.
        let before = reads.load(Ordering::SeqCst);
        let tasks: Vec<_> = (0..64)
            .map(|_| {
                let (f, v, r) = (fresh.clone(), value.clone(), reads.clone());
                tokio::spawn(async move { f.read("k", || read(v, r)).await })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), Ok(7));
        }
        let used = reads.load(Ordering::SeqCst) - before;
        assert!((1..64).contains(&used), "{used} reads for 64 callers");
        // A failed read is not kept: the next caller reads again.
        let failing = fresh.read("k", || async { Err::<u64, &str>("down") }).await;
        assert_eq!(failing, Err("down"));
        value.store(9, Ordering::SeqCst);
        assert_eq!(
            fresh.read("k", || read(value.clone(), reads.clone())).await,
            Ok(9)
        );
    }
}
