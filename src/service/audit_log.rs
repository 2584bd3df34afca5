//! The audit log for admins: filtered pages (newest first, with a total)
//! and the audited CSV export of every filtered row.

use chrono::{NaiveDate, NaiveDateTime};

use super::{Actor, ServiceResult, audit};
use crate::db::audit::{ActorFilter, AuditFilter, AuditRow};
use crate::db::{self, AnyConnection, units::UnitRow, users::UserAccess};
use crate::domain::audit::{AuditAction, action_label};

/// Rows on one page of the viewer.
pub const PAGE_SIZE: i64 = 50;

/// Rows read per query by [`for_each`].
const CHUNK: i64 = 2_000;

/// One page of the filtered log and what the filter form offers.
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// Rows matching the filter, on all pages.
    pub total: i64,
    /// The page shown (1-based; a page past the end shows the last).
    pub page: i64,
    pub pages: i64,
    pub users: Vec<UserAccess>,
    pub units: Vec<UnitRow>,
}

pub fn page(conn: &mut AnyConnection, filter: &AuditFilter, page: i64) -> ServiceResult<AuditPage> {
    let total = db::audit::count(conn, filter)?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let rows = db::audit::page(conn, filter, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
    Ok(AuditPage {
        rows,
        total,
        page,
        pages,
        users: db::users::list_with_access(conn)?,
        units: db::units::list(conn)?,
    })
}

/// The filter in Turkish words, for the export's audit row.
fn describe(conn: &mut AnyConnection, f: &AuditFilter) -> ServiceResult<String> {
    let day = |d: NaiveDate| d.format("%d.%m.%Y").to_string();
    let mut parts = Vec::new();
    match f.actor {
        Some(ActorFilter::User(id)) => {
            let name = db::users::find(conn, id)?.map_or_else(|| format!("#{id}"), |u| u.name);
            parts.push(format!("kim: {name}"));
        }
        Some(ActorFilter::Nobody) => parts.push("kim: kullanıcısız".to_owned()),
        None => {}
    }
    if let Some(code) = &f.action {
        parts.push(format!("işlem: {}", action_label(code)));
    }
    if f.from.is_some() || f.to.is_some() {
        let from = f.from.map_or_else(|| "…".to_owned(), day);
        let to = f.to.map_or_else(|| "…".to_owned(), day);
        parts.push(format!("tarih: {from} – {to}"));
    }
    if let Some(id) = f.request_id {
        parts.push(format!("talep #{id}"));
    }
    if let Some(id) = f.unit_id {
        let name = db::units::find(conn, id)?.map_or_else(|| format!("#{id}"), |u| u.name);
        parts.push(format!("birim: {name}"));
    }
    Ok(if parts.is_empty() {
        "filtre yok".to_owned()
    } else {
        parts.join("; ")
    })
}

/// Audits an export of the filtered log; returns how many rows it has.
pub fn export(
    conn: &mut AnyConnection,
    actor: &Actor,
    filter: &AuditFilter,
    now: NaiveDateTime,
) -> ServiceResult<i64> {
    crate::db::transaction(conn, |conn| {
        let rows = db::audit::count(conn, filter)?;
        let detail = format!("{rows} satır, CSV; {}", describe(conn, filter)?);
        audit(conn, actor, AuditAction::AuditExport, "csv", &detail, now)?;
        Ok(rows)
    })
}

/// Calls `each` for every filtered row, newest first, in keyset chunks so
/// an export of any size keeps memory flat.
pub fn for_each(
    conn: &mut AnyConnection,
    filter: &AuditFilter,
    mut each: impl FnMut(&AuditRow) -> anyhow::Result<()>,
) -> ServiceResult<()> {
    let mut before = i64::MAX;
    loop {
        let rows = db::audit::before(conn, filter, before, CHUNK)?;
        let Some(last) = rows.last() else { break };
        before = last.id;
        for r in &rows {
            each(r)?;
        }
    }
    Ok(())
}
