//! On the first day of a month (and on any later start if it was missed) the
//! previous month is billed. The run is idempotent and refuses closed months,
//! so several instances or restarts do no harm.

use std::sync::Arc;

use crate::clock::Clock;
use crate::db::DbPool;
use crate::service::{Actor, billing};

pub fn spawn(pool: DbPool, clock: Arc<dyn Clock>) {
    super::every_hour("billing", pool, clock, |conn, now| {
        let lines =
            billing::bill_previous_month_if_missing(conn, &Actor::system("zamanlayıcı"), now)?;
        if let Some(n) = lines {
            tracing::info!(lines = n, "billing run");
        }
        Ok(lines)
    });
}
