//! Operator bill reconciliation: an operator's monthly bill, read from the
//! uploaded file, is compared with the month's billing lines on that
//! operator; the totals and the differing numbers are stored in one
//! transaction with the audit row, to be seen again and exported (audited).

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::{Actor, Outcome, ServiceError, ServiceResult, audit};
use crate::db::bill_reconciliations::{self as store, NewReconciliation, StoredLine, Summary};
use crate::db::{self, AnyConnection};
use crate::domain::audit::{AuditAction, target};
use crate::domain::bill::{Bill, Difference, Kind, reconcile as compare};
use crate::domain::money::Money;
use crate::domain::staff::Operator;
use crate::domain::workflow::State;

/// Compares `bill` (from `file_name`) on `operator` with its month's billing
/// lines and stores the result: its id, or why not (the month was never
/// run), with nothing written.
pub fn reconcile(
    conn: &mut AnyConnection,
    actor: &Actor,
    operator: Operator,
    file_name: &str,
    bill: &Bill,
    now: NaiveDateTime,
) -> ServiceResult<Outcome<i32>> {
    let by = actor
        .id
        .ok_or_else(|| ServiceError::internal(anyhow::anyhow!("an upload needs a user")))?;
    let month = bill.month;
    let key = month.key();
    db::transaction(conn, |conn| {
        if db::billing::find_month(conn, &key)?.is_none() {
            return Ok(Outcome::Refused(format!(
                "Faturanın dönemi {}; bu ayın aylık ücretleri henüz çalıştırılmadı. \
                 Önce Aylık ücretler sayfasında ayı çalıştırın, sonra faturayı yükleyin.",
                month.label()
            )));
        }
        let portal = store::portal_lines(conn, &key, operator)?;
        let (totals, differences) = compare(&bill.lines, &portal);
        let noted = notes(conn, differences)?;
        let new = NewReconciliation {
            operator,
            month: &key,
            file_name,
            uploaded_by: by,
            uploaded_at: now,
            totals: &totals,
        };
        let id = store::create(conn, &new, &noted)?;
        let t = totals;
        let detail = format!(
            "{}, {}, {file_name}: faturada {} numara, {}; portalda {} imza, {}; \
             {} fazla, {} eksik, {} tutar farkı",
            operator.label(),
            month.label(),
            t.bill_numbers,
            Money::from_kurus(t.bill_kurus),
            t.portal_numbers,
            Money::from_kurus(t.portal_kurus),
            t.extra,
            t.missing,
            t.differing
        );
        audit(
            conn,
            actor,
            AuditAction::BillReconciled,
            &target("bill", id),
            &detail,
            now,
        )?;
        Ok(Outcome::Done(id))
    })
}

/// A note per difference: for a number billed but not active here, what
/// the portal last knew of it ("Talep #12: Geçersiz kılındı, Vodafone").
fn notes(
    conn: &mut AnyConnection,
    differences: Vec<Difference>,
) -> ServiceResult<Vec<(Difference, String)>> {
    let extra: Vec<String> = differences
        .iter()
        .filter(|d| d.kind == Kind::Extra)
        .map(|d| d.phone.clone())
        .collect();
    let known: HashMap<String, (i32, State, Operator)> = store::latest_by_phone(conn, &extra)?
        .into_iter()
        .map(|(phone, id, state, op)| (phone, (id, state, op)))
        .collect();
    Ok(differences
        .into_iter()
        .map(|mut d| {
            let last = known.get(&d.phone).filter(|_| d.kind == Kind::Extra);
            let note = match last {
                Some((id, state, op)) => {
                    d.request_id = Some(*id);
                    format!(
                        "Portalda son talep #{id}: {}, {}",
                        state.label(),
                        op.label()
                    )
                }
                None if d.kind == Kind::Extra => "Portalda bu numaraya ait talep yok".to_owned(),
                None => String::new(),
            };
            (d, note)
        })
        .collect())
}

/// The latest reconciliations, newest first.
pub fn recent(conn: &mut AnyConnection, limit: i64) -> ServiceResult<Vec<Summary>> {
    Ok(store::list(conn, limit)?)
}

/// A reconciliation with up to `limit` of its differing numbers.
pub fn show(
    conn: &mut AnyConnection,
    id: i32,
    limit: i64,
) -> ServiceResult<Option<(Summary, Vec<StoredLine>)>> {
    let Some(summary) = store::find(conn, id)? else {
        return Ok(None);
    };
    let lines = store::lines(conn, id, limit)?;
    Ok(Some((summary, lines)))
}

/// Every differing number of a reconciliation for a download, audited.
pub fn export(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i32,
    ext: &str,
    now: NaiveDateTime,
) -> ServiceResult<Option<(Summary, Vec<StoredLine>)>> {
    db::transaction(conn, |conn| {
        let Some((summary, lines)) = show(conn, id, i64::MAX)? else {
            return Ok(None);
        };
        audit(
            conn,
            actor,
            AuditAction::BillReconciliationExport,
            &target("bill", id),
            &format!("{} satır, {ext}", lines.len()),
            now,
        )?;
        Ok(Some((summary, lines)))
    })
}
