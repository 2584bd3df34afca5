//! List pages kept in memory between changes. A page is served again only
//! while the data version (a number the database moves with every committed
//! change to the tables the lists read, see `db::data_version`) is the one
//! it was read at; any change anywhere, by this process or another (a job,
//! the CLI, a second server), makes every kept page a miss. The web layer
//! reads the version with the request's identity (one blocking call), so a
//! kept page is served without another trip to the database.
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
        if self.capacity == 0 {
            return Ok(page);
        }
        let version = version.0;
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

/// The data version as read at the start of a request, with its identity:
/// kept pages read at this version show the data as it was then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataVersion(pub i64);

/// The current data version; read it before the data it is to label.
pub fn data_version(conn: &mut AnyConnection) -> ServiceResult<DataVersion> {
    Ok(DataVersion(db::data_version::current(conn)?))
}
