//! Small synchronisation helpers shared by the caches and counters of a running instance.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks an in-memory map or counter. A poisoned lock only means another task panicked
/// mid-update of a cache or a counter; the data is still usable.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
