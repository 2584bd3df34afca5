//! List pages kept in memory between changes. A page is served again only
//! while the data version (a number the database moves with every committed
//! change to the tables the lists read, see `db::data_version`) is the one
//! it was read at; any change anywhere, by this process or another (a job,
//! the CLI, a second server), makes every kept page a miss. Reading the
//! version costs one indexed row; a kept page saves the page's queries.
//!
//! Safe to race: the version is read before the page, so a page is never
//! kept under a newer number than the data it holds; a change that commits
//! in between only makes the next view a miss.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

use super::ServiceResult;
use crate::db::{self, AnyConnection};

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

    /// The page of `key`: kept if the data has not changed since it was
    /// read, else read by `load` (and kept).
    pub fn get_or_load(
        &self,
        conn: &mut AnyConnection,
        key: K,
        load: impl FnOnce(&mut AnyConnection) -> ServiceResult<V>,
    ) -> ServiceResult<Arc<V>> {
        if self.capacity == 0 {
            return load(conn).map(Arc::new);
        }
        let version = db::data_version::current(conn)?;
        if let Some(kept) = self.entries().get(&key)
            && kept.version == version
        {
            return Ok(kept.page.clone());
        }
        let page = Arc::new(load(conn)?);
        let mut entries = self.entries();
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            // Pages of older versions can never be served again.
            entries.retain(|_, kept| kept.version >= version);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Kept {
                version,
                page: page.clone(),
            },
        );
        Ok(page)
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<K, Kept<V>>> {
        // A panic while holding the lock leaves a consistent map (every
        // change is one insert or retain): keep using it.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The kept pages of each cached list, shared by every request.
pub struct PageCaches {
    pub queue: PageCache<super::queue::QueueKey, super::queue::Queue>,
    pub staff: PageCache<super::staff::StaffKey, super::staff::StaffPage>,
}

impl PageCaches {
    /// `capacity` pages per list (0: none kept).
    pub fn new(capacity: usize) -> Self {
        Self {
            queue: PageCache::new(capacity),
            staff: PageCache::new(capacity),
        }
    }
}
