//! The mail worker inside `serve`: every few seconds it claims the due rows
//! of the outbox (leased, so two workers never take the same row and a
//! crashed worker's rows come back), sends them and records the outcome.

use std::sync::Arc;
use std::time::Duration;

use crate::clock::Clock;
use crate::db::DbPool;
use crate::mailer::Mailer;
use crate::service::mail;

/// Rows claimed per round.
const BATCH: i64 = 20;

/// Runs [`deliver_due`] every `every` until the runtime stops.
pub fn spawn(
    pool: DbPool,
    clock: Arc<dyn Clock>,
    mailer: Arc<Mailer>,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match deliver_due(&pool, clock.as_ref(), &mailer).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(attempted = n, "mail round"),
                Err(e) => tracing::warn!(error = %e, "mail round failed; retrying"),
            }
            tokio::time::sleep(every).await;
        }
    })
}

/// One round: claims due rows until none are left, sends each, records each
/// result. Returns how many were attempted.
pub async fn deliver_due(
    pool: &DbPool,
    clock: &dyn Clock,
    mailer: &Mailer,
) -> anyhow::Result<usize> {
    let mut attempted = 0;
    loop {
        let now = clock.now_naive();
        let p = pool.clone();
        let claimed = tokio::task::spawn_blocking(move || {
            let mut conn = p.get()?;
            anyhow::Ok(mail::claim_due(&mut conn, now, BATCH)?)
        })
        .await??;
        if claimed.is_empty() {
            return Ok(attempted);
        }
        for m in claimed {
            let result = mailer.send(&m).await;
            let now = clock.now_naive();
            let p = pool.clone();
            tokio::task::spawn_blocking(move || {
                let mut conn = p.get()?;
                anyhow::Ok(mail::record_result(&mut conn, &m, result, now)?)
            })
            .await??;
            attempted += 1;
        }
    }
}
