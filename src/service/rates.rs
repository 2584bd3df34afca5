//! Rate tables with effective dates (KDV, certificate fees, monthly tariffs).
//! A new period closes the open one it follows the day before; overlaps and
//! gaps are refused.

use chrono::{NaiveDate, NaiveDateTime};

use super::{Actor, ServiceResult, audit};
use crate::db::{self, AnyConnection, fees::StoredPeriod, fees::Table};
use crate::domain::audit::AuditAction;
use crate::domain::money::{Money, Rate};
use crate::domain::rates::{Period, validate};

/// A period's value as people read it: `%20`, `65,00 TL`, or for a monthly
/// tariff the list price and the amount billed (`8,00 TL / 4,00 TL`).
pub fn value_label(table: &Table, (first, second): (i64, i64)) -> String {
    match table {
        Table::Kdv => Rate(i32::try_from(first).unwrap_or(i32::MAX)).label(),
        Table::CertificateFee { .. } => Money::from_kurus(first).to_string(),
        Table::MonthlyTariff { .. } => format!(
            "{} / {}",
            Money::from_kurus(first),
            Money::from_kurus(second)
        ),
    }
}

/// `01.01.2026 – 31.12.2026`, or `01.01.2026 – süresiz` for an open period.
fn span(from: NaiveDate, to: Option<NaiveDate>) -> String {
    let d = |x: NaiveDate| x.format("%d.%m.%Y").to_string();
    format!(
        "{} – {}",
        d(from),
        to.map_or_else(|| "süresiz".to_owned(), d)
    )
}

/// The stored periods of each table, in the order given.
pub fn periods(
    conn: &mut AnyConnection,
    tables: &[Table],
) -> ServiceResult<Vec<Vec<StoredPeriod>>> {
    tables
        .iter()
        .map(|t| Ok(db::fees::periods(conn, t)?))
        .collect()
}

/// A new period for one table, validated as typed.
#[derive(Debug, Clone)]
pub struct NewPeriod {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    /// Kuruş or basis points; the second is the billed tariff (else 0).
    pub values: (i64, i64),
    /// The legal basis or a note.
    pub note: String,
}

/// The open period the new one follows, to end the day before it, or why
/// the new period does not fit (in Turkish).
fn plan(
    existing: &[StoredPeriod],
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> Result<Option<(i32, NaiveDate)>, String> {
    let close = existing
        .iter()
        .find(|p| p.to.is_none() && p.from < from)
        .and_then(|p| from.pred_opt().map(|end| (p.id, end)));
    let mut proposed: Vec<Period<()>> = existing
        .iter()
        .map(|p| Period {
            from: p.from,
            to: match close {
                Some((id, end)) if id == p.id => Some(end),
                _ => p.to,
            },
            value: (),
        })
        .collect();
    proposed.push(Period {
        from,
        to,
        value: (),
    });
    validate(&proposed).map_err(|e| e.message())?;
    Ok(close)
}

/// What adding a period did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    Done,
    /// The period would overlap another or leave a gap: the reason in
    /// Turkish; nothing written.
    Refused(String),
}

/// Adds a period to `table` (named `code` in the audit log), closing the
/// open one it follows; refused with the reason when periods would overlap
/// or leave a gap.
pub fn add_period(
    conn: &mut AnyConnection,
    actor: &Actor,
    code: &str,
    table: &Table,
    new: &NewPeriod,
    now: NaiveDateTime,
) -> ServiceResult<Added> {
    let NewPeriod {
        from,
        to,
        values,
        note,
    } = new;
    db::transaction(conn, |conn| {
        let existing = db::fees::periods(conn, table)?;
        let close = match plan(&existing, *from, *to) {
            Ok(close) => close,
            Err(msg) => return Ok(Added::Refused(msg)),
        };
        let mut parts = Vec::new();
        if let Some((id, end)) = close {
            db::fees::set_end(conn, table, id, Some(end))?;
            if let Some(p) = existing.iter().find(|p| p.id == id) {
                parts.push(format!(
                    "Önceki dönem ({}): {} → {}",
                    value_label(table, p.values),
                    span(p.from, p.to),
                    span(p.from, Some(end))
                ));
            }
        }
        db::fees::add_period(conn, table, *from, *to, *values, note)?;
        parts.push(format!(
            "Yeni dönem: {}, {}",
            span(*from, *to),
            value_label(table, *values)
        ));
        if !note.is_empty() {
            parts.push(format!("Dayanak: {note}"));
        }
        audit(
            conn,
            actor,
            AuditAction::RatesAdded,
            code,
            &parts.join("; "),
            now,
        )?;
        Ok(Added::Done)
    })
}
