//! Operator bill reconciliations: the month's billing lines on an operator
//! with their numbers, the stored results and their differing numbers.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{
    bill_reconciliation_lines as brl, bill_reconciliations as br, billing_lines, requests, staff,
    units, users,
};
use crate::domain::bill::{Difference, Kind, PortalLine, Totals};
use crate::domain::staff::Operator;
use crate::domain::workflow::State;

/// The month's billing lines on `operator` with their request's number.
pub fn portal_lines(
    conn: &mut AnyConnection,
    month: &str,
    operator: Operator,
) -> QueryResult<Vec<PortalLine>> {
    let rows: Vec<(i32, String, i64)> = billing_lines::table
        .inner_join(requests::table)
        .filter(billing_lines::month.eq(month))
        .filter(billing_lines::operator.eq(operator))
        .order(billing_lines::id)
        .select((
            billing_lines::request_id,
            requests::phone,
            billing_lines::billed_kurus,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(request_id, phone, kurus)| PortalLine {
            request_id,
            phone,
            kurus,
        })
        .collect())
}

/// Numbers looked up per query (well under every backend's parameter limit).
const CHUNK: usize = 500;

/// The latest request on each of `phones` that has one: number, request,
/// its state and operator.
pub fn latest_by_phone(
    conn: &mut AnyConnection,
    phones: &[String],
) -> QueryResult<Vec<(String, i32, State, Operator)>> {
    let mut out: Vec<(String, i32, State, Operator)> = Vec::new();
    for chunk in phones.chunks(CHUNK) {
        let rows: Vec<(String, i32, State, Operator)> = requests::table
            .filter(requests::phone.eq_any(chunk))
            .order((requests::phone, requests::id.desc()))
            .select((
                requests::phone,
                requests::id,
                requests::state,
                requests::operator,
            ))
            .load(conn)?;
        for row in rows {
            if out.last().is_none_or(|last| last.0 != row.0) {
                out.push(row);
            }
        }
    }
    Ok(out)
}

/// A stored reconciliation with who uploaded it.
#[derive(Debug, Clone, Queryable)]
pub struct Summary {
    pub id: i32,
    pub operator: Operator,
    pub month: String,
    pub file_name: String,
    pub uploaded_by: String,
    pub uploaded_at: NaiveDateTime,
    pub bill_numbers: i64,
    pub bill_kurus: i64,
    pub portal_numbers: i64,
    pub portal_kurus: i64,
    pub matched: i64,
    pub extra: i64,
    pub extra_kurus: i64,
    pub missing: i64,
    pub missing_kurus: i64,
    pub differing: i64,
    pub difference_kurus: i64,
}

impl Summary {
    pub fn totals(&self) -> Totals {
        Totals {
            bill_numbers: self.bill_numbers,
            bill_kurus: self.bill_kurus,
            portal_numbers: self.portal_numbers,
            portal_kurus: self.portal_kurus,
            matched: self.matched,
            extra: self.extra,
            extra_kurus: self.extra_kurus,
            missing: self.missing,
            missing_kurus: self.missing_kurus,
            differing: self.differing,
            difference_kurus: self.difference_kurus,
        }
    }
}

macro_rules! summary_columns {
    () => {
        (
            br::id,
            br::operator,
            br::month,
            br::file_name,
            users::name,
            br::uploaded_at,
            br::bill_numbers,
            br::bill_kurus,
            br::portal_numbers,
            br::portal_kurus,
            br::matched,
            br::extra,
            br::extra_kurus,
            br::missing,
            br::missing_kurus,
            br::differing,
            br::difference_kurus,
        )
    };
}

/// The latest `limit` reconciliations, newest first.
pub fn list(conn: &mut AnyConnection, limit: i64) -> QueryResult<Vec<Summary>> {
    br::table
        .inner_join(users::table)
        .order(br::id.desc())
        .limit(limit)
        .select(summary_columns!())
        .load(conn)
}

pub fn find(conn: &mut AnyConnection, id: i32) -> QueryResult<Option<Summary>> {
    br::table
        .inner_join(users::table)
        .filter(br::id.eq(id))
        .select(summary_columns!())
        .first(conn)
        .optional()
}

/// What is stored of an upload besides its differences.
pub struct NewReconciliation<'a> {
    pub operator: Operator,
    pub month: &'a str,
    pub file_name: &'a str,
    pub uploaded_by: i32,
    pub uploaded_at: NaiveDateTime,
    pub totals: &'a Totals,
}

/// Stores a reconciliation and its differing numbers (`notes` beside them,
/// in the same order); returns its id. Call inside a transaction.
pub fn create(
    conn: &mut AnyConnection,
    new: &NewReconciliation<'_>,
    differences: &[(Difference, String)],
) -> QueryResult<i32> {
    let t = new.totals;
    let id: i32 = diesel::insert_into(br::table)
        .values((
            br::operator.eq(new.operator),
            br::month.eq(new.month),
            br::file_name.eq(new.file_name),
            br::uploaded_by.eq(new.uploaded_by),
            br::uploaded_at.eq(new.uploaded_at),
            br::bill_numbers.eq(t.bill_numbers),
            br::bill_kurus.eq(t.bill_kurus),
            br::portal_numbers.eq(t.portal_numbers),
            br::portal_kurus.eq(t.portal_kurus),
            br::matched.eq(t.matched),
            br::extra.eq(t.extra),
            br::extra_kurus.eq(t.extra_kurus),
            br::missing.eq(t.missing),
            br::missing_kurus.eq(t.missing_kurus),
            br::differing.eq(t.differing),
            br::difference_kurus.eq(t.difference_kurus),
        ))
        .returning(br::id)
        .get_result(conn)?;
    for (d, note) in differences {
        diesel::insert_into(brl::table)
            .values((
                brl::reconciliation_id.eq(id),
                brl::kind.eq(d.kind.code()),
                brl::phone.eq(&d.phone),
                brl::bill_kurus.eq(d.bill_kurus),
                brl::portal_kurus.eq(d.portal_kurus),
                brl::request_id.eq(d.request_id),
                brl::note.eq(note),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

/// A stored differing number, with the staff member of its request (if
/// any and still on file).
#[derive(Debug, Clone)]
pub struct StoredLine {
    pub difference: Difference,
    pub note: String,
    /// "Ad Soyad" and unit of the request's staff member.
    pub person: Option<(String, String)>,
}

/// Up to `limit` differing numbers of reconciliation `id`, in stored order.
pub fn lines(conn: &mut AnyConnection, id: i32, limit: i64) -> QueryResult<Vec<StoredLine>> {
    type Row = (
        String,
        String,
        Option<i64>,
        Option<i64>,
        Option<i32>,
        String,
    );
    let rows: Vec<Row> = brl::table
        .filter(brl::reconciliation_id.eq(id))
        .order(brl::id)
        .limit(limit)
        .select((
            brl::kind,
            brl::phone,
            brl::bill_kurus,
            brl::portal_kurus,
            brl::request_id,
            brl::note,
        ))
        .load(conn)?;
    let ids: Vec<i32> = rows.iter().filter_map(|r| r.4).collect();
    let mut people: HashMap<i32, (String, String)> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let found: Vec<(i32, String, String, String)> = requests::table
            .inner_join(staff::table)
            .inner_join(units::table)
            .filter(requests::id.eq_any(chunk))
            .select((
                requests::id,
                staff::first_name,
                staff::last_name,
                units::name,
            ))
            .load(conn)?;
        for (id, first, last, unit) in found {
            people.insert(id, (format!("{first} {last}"), unit));
        }
    }
    Ok(rows
        .into_iter()
        .filter_map(
            |(kind, phone, bill_kurus, portal_kurus, request_id, note)| {
                let person = request_id.and_then(|r| people.get(&r).cloned());
                Some(StoredLine {
                    difference: Difference {
                        kind: Kind::from_code(&kind)?,
                        phone,
                        bill_kurus,
                        portal_kurus,
                        request_id,
                    },
                    note,
                    person,
                })
            },
        )
        .collect())
}
