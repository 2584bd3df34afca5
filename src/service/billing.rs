//! Monthly billing runs: one line per active signature per month,
//! idempotent, refused for a closed month. The finance button, the CLI and
//! the scheduler all run a month through here.

use chrono::NaiveDateTime;

use super::{Actor, ServiceResult};
use crate::db::{self, AnyConnection, audit::AuditEntry, billing::RunError};
use crate::domain::billing::BillingMonth;
use crate::domain::time::local_day;

/// Runs a month in one transaction and audits it. Returns the number of
/// lines, or why the month cannot be run.
pub fn run_month(
    conn: &mut AnyConnection,
    actor: &Actor,
    month: BillingMonth,
    now: NaiveDateTime,
) -> ServiceResult<Result<usize, RunError>> {
    db::transaction(conn, |conn| {
        let result = db::billing::run(conn, month, actor.id, now)?;
        if let Ok(n) = &result {
            db::audit::record(
                conn,
                &AuditEntry {
                    at: now,
                    actor_id: actor.id,
                    action: "billing.run",
                    target: &month.key(),
                    detail: &format!("{n} satır"),
                    ip: &actor.origin,
                },
            )?;
        }
        Ok(result)
    })
}

/// The month before `now`'s (Istanbul time), which is what a run without a
/// month bills.
pub fn previous_month(now: NaiveDateTime) -> BillingMonth {
    BillingMonth::of(local_day(now)).previous()
}

/// The scheduler's step: bills the previous month if it has not been billed
/// yet. `Some(lines)` when it ran.
pub fn bill_previous_month_if_missing(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: NaiveDateTime,
) -> ServiceResult<Option<usize>> {
    let month = previous_month(now);
    if db::billing::find_month(conn, &month.key())?.is_some() {
        return Ok(None);
    }
    Ok(run_month(conn, actor, month, now)?.ok())
}
