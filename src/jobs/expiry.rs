//! Expiry and reminders once an hour (see `service::expiry`).

use std::sync::Arc;

use crate::clock::Clock;
use crate::db::DbPool;
use crate::service::expiry;

pub fn spawn(pool: DbPool, clock: Arc<dyn Clock>) {
    super::every_hour("expiry", pool, clock, |conn, now| {
        let run = expiry::run(conn, now)?;
        if run != expiry::ExpiryRun::default() {
            tracing::info!(
                expired = run.expired,
                reminders = run.reminders,
                "expiry job"
            );
        }
        Ok(run)
    });
}
