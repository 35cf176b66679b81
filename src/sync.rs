//! Small synchronisation helpers shared by the caches and counters of a running instance: a
//! lock that survives a panicked holder, and reads shared among concurrent callers without
//! ever giving one a value older than its call.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Locks an in-memory map or counter. A poisoned lock only means another task panicked
/// mid-update of a cache or a counter; the data is still usable.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Reads that must be fresh, shared among the requests that wait for them: each caller gets
/// the result of a read that *started after it called*, so no caller sees a value older than
/// its own arrival, yet when many callers ask for the same key at once one read serves all
/// those who arrived before it started. This is what keeps a storm of fetches of one
/// document (every follower instance fetching a new practice) at a few database reads per
/// read time instead of one per request, without trusting a cached value across processes.
///
/// Up to [`READS_AT_ONCE`] reads of one key run at once: a caller that finds none running
/// that started after it came starts one, unless that many are running already; then it
/// waits for one to end and looks again. With one read at a time, a caller who came just
/// after a read started waited for the rest of it and then for a whole read of its own;
/// with two, it starts its own at once, on the other core.
pub struct Fresh<K, V> {
    slots: moka::future::Cache<K, Arc<Slot<V>>>,
}

/// How many reads of one key may run at the same time.
pub const READS_AT_ONCE: usize = 2;

struct Slot<V> {
    state: Mutex<SlotState<V>>,
    /// Moves on whenever a read ends, with a value or not: the callers waiting look again.
    ended: tokio::sync::watch::Sender<u64>,
}

struct SlotState<V> {
    /// Reads started so far; a read's number is the count when it started.
    started: u64,
    /// The numbers of the reads running now.
    running: Vec<u64>,
    /// The value of the latest-started read that has ended well, and its number.
    last: Option<(u64, V)>,
}

/// A read in progress: ended (and its waiters told) however its caller stops, even when the
/// request is dropped half-way.
struct Running<'a, V> {
    slot: &'a Slot<V>,
    n: u64,
}

impl<V> Drop for Running<'_, V> {
    fn drop(&mut self) {
        lock(&self.slot.state).running.retain(|r| *r != self.n);
        self.slot.ended.send_modify(|e| *e += 1);
    }
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
                    state: Mutex::new(SlotState {
                        started: 0,
                        running: Vec::new(),
                        last: None,
                    }),
                    ended: tokio::sync::watch::channel(0).0,
                })
            })
            .await;
        // Every read numbered above this one started after this call.
        let arrived = lock(&slot.state).started;
        let n = loop {
            // Subscribed before looking, so that a read ending in between is not missed.
            let mut ended = slot.ended.subscribe();
            {
                let mut s = lock(&slot.state);
                if let Some((n, v)) = &s.last {
                    if *n > arrived {
                        return Ok(v.clone());
                    }
                }
                let newer_running = s.running.iter().any(|r| *r > arrived);
                if !newer_running && s.running.len() < READS_AT_ONCE {
                    s.started += 1;
                    let n = s.started;
                    s.running.push(n);
                    break n;
                }
            }
            // The sender lives in the slot this call holds: it cannot be dropped.
            let _ = ended.changed().await;
        };
        let running = Running { slot: &slot, n };
        let v = read().await;
        if let Ok(v) = &v {
            let mut s = lock(&slot.state);
            if s.last.as_ref().is_none_or(|(l, _)| *l < n) {
                s.last = Some((n, v.clone()));
            }
        }
        drop(running);
        v
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    use super::{Fresh, READS_AT_ONCE};

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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_than_two_reads_run_at_once_and_none_is_older_than_its_caller() {
        let fresh: Arc<Fresh<&str, u64>> = Arc::new(Fresh::new(10));
        let value = Arc::new(AtomicU64::new(0));
        let (now, most) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let tasks: Vec<_> = (0..200u64)
            .map(|i| {
                let (f, v, now, most) = (fresh.clone(), value.clone(), now.clone(), most.clone());
                tokio::spawn(async move {
                    // A write before the call: the answer must show it or a later one.
                    v.fetch_max(i, Ordering::SeqCst);
                    let got = f
                        .read("k", || async {
                            let at_once = now.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(at_once, Ordering::SeqCst);
                            let seen = v.load(Ordering::SeqCst);
                            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                            now.fetch_sub(1, Ordering::SeqCst);
                            Ok::<_, ()>(seen)
                        })
                        .await
                        .unwrap();
                    assert!(got >= i, "caller {i} got {got}, read before it came");
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        let most = most.load(Ordering::SeqCst);
        assert_eq!(most, READS_AT_ONCE as u64, "reads at once");
    }

    #[tokio::test]
    async fn a_read_dropped_half_way_does_not_leave_its_waiters_waiting() {
        let fresh: Arc<Fresh<&str, u64>> = Arc::new(Fresh::new(10));
        // Two reads that never end, then dropped: a caller after them must still be served.
        let stuck: Vec<_> = (0..READS_AT_ONCE)
            .map(|_| {
                let f = fresh.clone();
                tokio::spawn(
                    async move { f.read("k", std::future::pending::<Result<u64, ()>>).await },
                )
            })
            .collect();
        tokio::task::yield_now().await;
        let waiting = {
            let f = fresh.clone();
            tokio::spawn(async move { f.read("k", || async { Ok::<_, ()>(5) }).await })
        };
        tokio::task::yield_now().await;
        for s in stuck {
            s.abort();
        }
        let got = tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
            .await
            .expect("the waiting caller was served")
            .unwrap();
        assert_eq!(got, Ok(5));
    }
}
