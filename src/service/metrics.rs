//! The figures `/metrics` reports from the database.

use chrono::{Duration, NaiveDateTime};

use super::ServiceResult;
use crate::db::{self, AnyConnection};

pub struct Gauges {
    pub outbox_pending: i64,
    pub outbox_failed: i64,
    /// Requests whose SMS hold ends within the hour (or has ended).
    pub holds_ending: i64,
    pub open_requests: i64,
}

pub fn gauges(conn: &mut AnyConnection, now: NaiveDateTime) -> ServiceResult<Gauges> {
    let hold = db::settings::hold_rule(conn)?;
    let open: i64 = db::requests::counts_by_state(conn, None, Some(true))?
        .0
        .iter()
        .map(|(_, n)| n)
        .sum();
    Ok(Gauges {
        outbox_pending: db::outbox::count_unsent(conn, false)?,
        outbox_failed: db::outbox::count_unsent(conn, true)?,
        holds_ending: db::requests::holds_ending(conn, now - Duration::hours(hold.hours - 1))?,
        open_requests: open,
    })
}
