//! On the first day of a month (and on any later start if it was missed) the
//! previous month is billed. The run is idempotent and refuses closed months,
//! so several instances or restarts do no harm.

use std::time::Duration;

use actix_web::web;
use chrono_tz::Europe::Istanbul;

use crate::app::AppState;
use crate::db;
use crate::domain::billing::BillingMonth;

pub fn spawn(state: web::Data<AppState>) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let now = state.clock.now();
            let month = BillingMonth::of(now.with_timezone(&Istanbul).date_naive()).previous();
            let now = now.naive_utc();
            let result = state
                .db(move |conn| {
                    if db::billing::find_month(conn, &month.key())?.is_some() {
                        return Ok(None);
                    }
                    crate::web::billing::run_month(conn, month, None, "zamanlayıcı", now).map(Some)
                })
                .await;
            match result {
                Ok(Some(Ok(n))) => tracing::info!(month = %month.key(), lines = n, "billing run"),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = ?e, "scheduled billing run failed; retrying in an hour")
                }
            }
        }
    });
}
