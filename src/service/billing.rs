//! Monthly billing runs: one line per active signature per month,
//! idempotent, refused for a closed month. The finance button, the CLI and
//! the scheduler all run a month through here. Also the month's page (totals
//! by unit and operator, signatures that started or stopped), closing a
//! month and the audited export.

use chrono::NaiveDateTime;

use super::{Actor, ServiceError, ServiceResult, audit};
use crate::db::{
    self, AnyConnection,
    billing::{Line, Month, RunError},
};
use crate::domain::audit::AuditAction;
use crate::domain::billing::{BillingMonth, Unbilled, UnbilledGroup, group_unbilled};
use crate::domain::money::Money;
use crate::domain::text::sort_key;
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
            audit(
                conn,
                actor,
                AuditAction::BillingRun,
                &month.key(),
                &format!("{n} satır"),
                now,
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

/// Count and sums in kuruş of billing lines.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sums {
    pub count: i64,
    pub list: i64,
    pub billed: i64,
}

impl Sums {
    pub fn add(&mut self, list: i64, billed: i64) {
        self.count += 1;
        self.list += list;
        self.billed += billed;
    }
    pub fn list_s(&self) -> String {
        Money::from_kurus(self.list).to_string()
    }
    pub fn billed_s(&self) -> String {
        Money::from_kurus(self.billed).to_string()
    }
    pub fn diff_s(&self) -> String {
        Money::from_kurus(self.list - self.billed).to_string()
    }
}

/// A month as finance reads it.
pub struct MonthReport {
    /// The run's record, if the month was run.
    pub month: Option<Month>,
    pub total: Sums,
    /// Sums by unit, in Turkish order.
    pub by_unit: Vec<(String, Sums)>,
    /// Sums by "operator · line type", in Turkish order.
    pub by_operator: Vec<(String, Sums)>,
    /// "First Last (#request)" of signatures that started this month.
    pub started: Vec<String>,
    pub stopped: Vec<String>,
    /// Every month run, newest first, and whether it is closed.
    pub months: Vec<(String, bool)>,
    /// Active signatures the month bills nothing for: no tariff applies.
    pub unbilled: Vec<UnbilledGroup>,
}

/// The month's active signatures that get no line because no tariff applies
/// to their operator and line type, grouped.
pub fn unbilled(
    conn: &mut AnyConnection,
    month: BillingMonth,
) -> ServiceResult<Vec<UnbilledGroup>> {
    Ok(group_unbilled(&db::billing::untariffed(conn, month)?))
}

/// The same groups counted only (no names), from indexes: for the finance
/// home page, which shows the summary line on every view.
pub fn unbilled_counts(
    conn: &mut AnyConnection,
    month: BillingMonth,
) -> ServiceResult<Vec<UnbilledGroup>> {
    Ok(db::billing::untariffed_counts(conn, month)?
        .into_iter()
        .map(|(operator, line_type, count)| UnbilledGroup {
            operator,
            line_type,
            count: count as usize,
            names: Vec::new(),
        })
        .collect())
}

/// The same signatures one by one, for exports.
pub fn unbilled_rows(
    conn: &mut AnyConnection,
    month: BillingMonth,
) -> ServiceResult<Vec<Unbilled>> {
    Ok(db::billing::untariffed(conn, month)?)
}

/// The month's lines with totals, groups and changes.
pub fn month_report(conn: &mut AnyConnection, month: BillingMonth) -> ServiceResult<MonthReport> {
    let key = month.key();
    let mut report = MonthReport {
        month: db::billing::find_month(conn, &key)?,
        total: Sums::default(),
        by_unit: Vec::new(),
        by_operator: Vec::new(),
        started: Vec::new(),
        stopped: Vec::new(),
        months: db::billing::months(conn)?
            .into_iter()
            .map(|m| (m.month, m.closed_at.is_some()))
            .collect(),
        unbilled: unbilled(conn, month)?,
    };
    // Summed in the database: a national month has hundreds of thousands
    // of lines, and the page shows a row per unit and per operator.
    let by_unit: Vec<(String, Sums)> = db::billing::sums_by_unit(conn, &key)?
        .into_iter()
        .map(|(unit, count, list, billed)| {
            (
                unit,
                Sums {
                    count,
                    list,
                    billed,
                },
            )
        })
        .collect();
    for (_, s) in &by_unit {
        report.total.count += s.count;
        report.total.list += s.list;
        report.total.billed += s.billed;
    }
    let by_operator = db::billing::sums_by_operator(conn, &key)?.into_iter().map(
        |((operator, line_type), count, list, billed)| {
            let label = format!("{} · {}", operator.label(), line_type.label());
            (
                label,
                Sums {
                    count,
                    list,
                    billed,
                },
            )
        },
    );
    for l in db::billing::changes(conn, &key)? {
        let who = || format!("{} {} (#{})", l.first_name, l.last_name, l.request_id);
        if l.started {
            report.started.push(who());
        }
        if l.stopped {
            report.stopped.push(who());
        }
    }
    report.by_unit = in_turkish_order(by_unit);
    report.by_operator = in_turkish_order(by_operator);
    Ok(report)
}

fn in_turkish_order(groups: impl IntoIterator<Item = (String, Sums)>) -> Vec<(String, Sums)> {
    let mut groups: Vec<(String, Sums)> = groups.into_iter().collect();
    groups.sort_by_cached_key(|(k, _)| sort_key(k));
    groups
}

/// Closes a run month in one transaction and audits it. `false` when the
/// month was not run or is already closed.
pub fn close_month(
    conn: &mut AnyConnection,
    actor: &Actor,
    month: BillingMonth,
    now: NaiveDateTime,
) -> ServiceResult<bool> {
    let by = actor
        .id
        .ok_or_else(|| ServiceError::internal(anyhow::anyhow!("closing a month needs a user")))?;
    db::transaction(conn, |conn| {
        let done = db::billing::close(conn, &month.key(), by, now)?;
        if done {
            audit(
                conn,
                actor,
                AuditAction::BillingClose,
                &month.key(),
                "",
                now,
            )?;
        }
        Ok(done)
    })
}

/// Audits an export of a run month (`ext`: the file type); `None` when the
/// month was not run.
pub fn export_month(
    conn: &mut AnyConnection,
    actor: &Actor,
    month: BillingMonth,
    ext: &str,
    now: NaiveDateTime,
) -> ServiceResult<Option<usize>> {
    let key = month.key();
    db::transaction(conn, |conn| {
        if db::billing::find_month(conn, &key)?.is_none() {
            return Ok(None);
        }
        let n = db::billing::snapshot(conn, &key)?.len();
        audit(
            conn,
            actor,
            AuditAction::BillingExport,
            &key,
            &format!("{n} satır, {ext}"),
            now,
        )?;
        Ok(Some(n))
    })
}

/// Lines read per query by [`for_each_line`].
pub const CHUNK: i64 = 5_000;

/// Calls `each` for every line of the month, in keyset chunks; returns the
/// totals.
pub fn for_each_line(
    conn: &mut AnyConnection,
    month: &str,
    mut each: impl FnMut(Line) -> anyhow::Result<()>,
) -> ServiceResult<Sums> {
    let (mut after, mut total) = (0, Sums::default());
    loop {
        let lines = db::billing::lines_after(conn, month, after, CHUNK)?;
        let Some(last) = lines.last() else { break };
        after = last.id;
        for l in lines {
            total.add(l.list_kurus, l.billed_kurus);
            each(l)?;
        }
    }
    Ok(total)
}
