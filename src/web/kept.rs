//! The list pages kept in memory between changes, as the pages show them:
//! the service keeps them (and knows when they are stale, see
//! `service::page_cache`); the web layer says what is kept — the service's
//! page with its rows already rendered.

use crate::service::page_cache::PageCache;
use crate::service::{queue::QueueKey, staff::StaffKey};

pub struct KeptPages {
    pub queue: PageCache<QueueKey, super::review::QueueView>,
    pub staff: PageCache<StaffKey, super::staff::StaffView>,
}

impl KeptPages {
    /// `capacity` pages per list (0: none kept).
    pub fn new(capacity: usize) -> Self {
        Self {
            queue: PageCache::new(capacity),
            staff: PageCache::new(capacity),
        }
    }
}
