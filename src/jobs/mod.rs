//! Scheduled work that runs inside `serve`: each job is a service call made
//! once an hour on a blocking thread. Jobs are handed the pool and the clock,
//! nothing of the web layer.

pub mod billing;
pub mod expiry;
pub mod mail;

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;

use crate::clock::Clock;
use crate::db::{AnyConnection, DbPool};
use crate::service::ServiceResult;

/// Runs `step` now and then every hour; a failure is logged and retried at
/// the next tick. With several instances on one PostgreSQL database a step
/// runs in one of them at a time (a job lock); the others skip that tick.
pub fn every_hour<T, F>(name: &'static str, pool: DbPool, clock: Arc<dyn Clock>, step: F)
where
    T: Send + std::fmt::Debug + 'static,
    F: Fn(&mut AnyConnection, NaiveDateTime) -> ServiceResult<T> + Send + Sync + Copy + 'static,
{
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let now = clock.now_naive();
            let pool = pool.clone();
            let result = actix_web::rt::task::spawn_blocking(move || {
                let mut conn = pool.get()?;
                crate::service::maintenance::exclusively(&mut conn, name, |c| step(c, now))
            })
            .await;
            match result {
                Ok(Ok(outcome)) => tracing::debug!(job = name, ?outcome, "job step"),
                Ok(Err(e)) => {
                    tracing::warn!(job = name, error = ?e, "job failed; retrying in an hour")
                }
                Err(e) => {
                    tracing::error!(job = name, error = %e, "job panicked; retrying in an hour")
                }
            }
        }
    });
}
