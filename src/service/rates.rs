//! Rate tables with effective dates (KDV, certificate fees, monthly tariffs).
//! A new period closes the open one it follows the day before; overlaps and
//! gaps are refused.

use chrono::{NaiveDate, NaiveDateTime};

use super::{Actor, ServiceResult, audit};
use crate::db::{self, AnyConnection, fees::StoredPeriod, fees::Table};
use crate::domain::rates::{Period, validate};

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
        if let Some((id, end)) = close {
            db::fees::set_end(conn, table, id, Some(end))?;
        }
        db::fees::add_period(conn, table, *from, *to, *values, note)?;
        let detail = format!("{from} – {to:?}: {values:?} {note}");
        audit(conn, actor, "rates.added", code, &detail, now)?;
        Ok(Added::Done)
    })
}
