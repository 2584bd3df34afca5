//! List pages kept in memory between changes. A page is served again only
//! while the data version (a number the database moves with every committed
//! change to the tables the lists read: the `data_version` table, kept by
//! triggers, see its migration) is the one
//! it was read at; any change anywhere, by this process or another (a job,
//! the CLI, a second server), makes every kept page a miss. The identity
//! lookup reads the version in its own statement (`db::auth`), so a kept
//! page is served without another trip to the database.
//!
//! Safe to race: the version is read before the page, so a page is never
//! kept under a newer number than the data it holds; a change that commits
//! in between only makes the next view a miss.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

use super::ServiceResult;
use crate::db::AnyConnection;

pub struct PageCache<K, V> {
    /// Most pages kept; 0 keeps none (every view reads the database).
    capacity: usize,
    entries: Mutex<HashMap<K, Kept<V>>>,
}

struct Kept<V> {
    version: i64,
    page: Arc<V>,
}

impl<K: Hash + Eq, V> PageCache<K, V> {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The page of `key` if it was read at `version`.
    pub fn get(&self, key: &K, version: DataVersion) -> Option<Arc<V>> {
        if self.capacity == 0 {
            return None;
        }
        self.entries()
            .get(key)
            .filter(|kept| kept.version == version.0)
            .map(|kept| kept.page.clone())
    }

    /// The page of `key`: kept if read at `version`, else read by `load`
    /// (and kept). `version` must have been read before `load` runs.
    pub fn get_or_load(
        &self,
        conn: &mut AnyConnection,
        key: K,
        version: DataVersion,
        load: impl FnOnce(&mut AnyConnection) -> ServiceResult<V>,
    ) -> ServiceResult<Arc<V>> {
        if let Some(page) = self.get(&key, version) {
            return Ok(page);
        }
        let page = Arc::new(load(conn)?);
        self.keep(key, version, page.clone());
        Ok(page)
    }

    /// Keeps `page` as read at `version`. When full, pages of older versions
    /// go first (they can never be served again), then all.
    fn keep(&self, key: K, version: DataVersion, page: Arc<V>) {
        if self.capacity == 0 {
            return;
        }
        let version = version.0;
        let mut entries = self.entries();
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, kept| kept.version >= version);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, Kept { version, page });
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<K, Kept<V>>> {
        // A panic while holding the lock leaves a consistent map (every
        // change is one insert or retain): keep using it.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The data version as read at the start of a request, with its identity:
/// kept pages read at this version show the data as it was then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataVersion(pub i64);

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(cache: &PageCache<&'static str, i32>, key: &'static str, v: i64) -> Option<i32> {
        cache.get(&key, DataVersion(v)).map(|p| *p)
    }

    #[test]
    fn a_page_is_served_only_at_the_version_it_was_read_at() {
        let cache = PageCache::new(4);
        cache.keep("kuyruk", DataVersion(7), Arc::new(1));
        assert_eq!(kept(&cache, "kuyruk", 7), Some(1));
        assert_eq!(kept(&cache, "kuyruk", 8), None, "the data changed since");
        assert_eq!(kept(&cache, "personel", 7), None);
    }

    #[test]
    fn a_full_cache_drops_stale_pages_first_then_all() {
        let cache = PageCache::new(2);
        cache.keep("a", DataVersion(1), Arc::new(1));
        cache.keep("b", DataVersion(2), Arc::new(2));
        cache.keep("c", DataVersion(2), Arc::new(3));
        assert_eq!(kept(&cache, "a", 1), None, "the stale page made room");
        assert_eq!(kept(&cache, "b", 2), Some(2));
        assert_eq!(kept(&cache, "c", 2), Some(3));
        cache.keep("d", DataVersion(2), Arc::new(4));
        assert_eq!(cache.entries().len(), 1, "bounded: none stale, so all went");
        assert_eq!(kept(&cache, "d", 2), Some(4));
    }

    #[test]
    fn capacity_zero_keeps_nothing() {
        let cache = PageCache::new(0);
        cache.keep("kuyruk", DataVersion(1), Arc::new(1));
        assert_eq!(kept(&cache, "kuyruk", 1), None);
    }
}
