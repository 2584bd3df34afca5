//! The certificate-fee report: filtered lines by keyset (for screen and
//! streamed exports) and the figures behind the totals.

use crate::domain::payer::Payer;
use crate::domain::staff::Operator;
use chrono::NaiveDate;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{fee_accruals, staff, units};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceStatus {
    NotInvoiced,
    Invoiced,
    Paid,
    Unpaid,
}

impl InvoiceStatus {
    pub const ALL: [InvoiceStatus; 4] = [
        InvoiceStatus::NotInvoiced,
        InvoiceStatus::Invoiced,
        InvoiceStatus::Paid,
        InvoiceStatus::Unpaid,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InvoiceStatus::NotInvoiced => "faturasiz",
            InvoiceStatus::Invoiced => "faturali",
            InvoiceStatus::Paid => "odendi",
            InvoiceStatus::Unpaid => "odenmedi",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InvoiceStatus::NotInvoiced => "Faturası kesilmemiş",
            InvoiceStatus::Invoiced => "Faturası kesilmiş",
            InvoiceStatus::Paid => "Ödenmiş",
            InvoiceStatus::Unpaid => "Ödenmemiş",
        }
    }

    pub fn from_code(c: &str) -> Option<InvoiceStatus> {
        InvoiceStatus::ALL.into_iter().find(|s| s.code() == c)
    }
}

#[derive(Debug, Clone, Default)]
pub struct FeeFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub province_id: Option<i32>,
    pub unit_id: Option<i32>,
    pub operator: Option<Operator>,
    pub payer: Option<Payer>,
    pub status: Option<InvoiceStatus>,
}

#[derive(Debug, Clone, Queryable)]
pub struct FeeLine {
    pub id: i32,
    pub request_id: i32,
    pub accrued_on: NaiveDate,
    pub tckn: String,
    pub first_name: String,
    pub last_name: String,
    pub unit: String,
    pub province_id: i32,
    pub operator: Operator,
    pub payer: Payer,
    pub net_kurus: i64,
    pub kdv_bp: i32,
    pub kdv_kurus: i64,
    pub gross_kurus: i64,
    pub invoice_no: Option<String>,
    pub invoice_date: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
}

/// The fees joined to staff and units, boxed, narrowed by the filter; or
/// `base` (a boxed query over the same join, e.g. grouped) narrowed.
macro_rules! filtered {
    ($f:expr) => {
        filtered!(
            $f,
            fee_accruals::table
                .inner_join(staff::table)
                .inner_join(units::table)
                .into_boxed()
        )
    };
    ($f:expr, $base:expr) => {{
        let f: &FeeFilter = $f;
        let mut q = $base;
        if let Some(d) = f.from {
            q = q.filter(fee_accruals::accrued_on.ge(d));
        }
        if let Some(d) = f.to {
            q = q.filter(fee_accruals::accrued_on.le(d));
        }
        if let Some(p) = f.province_id {
            // As a subquery (aliased: some queries also join `units`), so
            // the sums need no join.
            let province_units = diesel::alias!(units as province_units);
            let of_province = province_units
                .filter(province_units.field(units::province_id).eq(p))
                .select(province_units.field(units::id));
            q = q.filter(fee_accruals::unit_id.eq_any(of_province));
        }
        if let Some(u) = f.unit_id {
            q = q.filter(fee_accruals::unit_id.eq(u));
        }
        if let Some(o) = &f.operator {
            q = q.filter(fee_accruals::operator.eq(*o));
        }
        if let Some(p) = &f.payer {
            q = q.filter(fee_accruals::payer.eq(*p));
        }
        q = match f.status {
            None => q,
            Some(InvoiceStatus::NotInvoiced) => q.filter(fee_accruals::invoice_no.is_null()),
            Some(InvoiceStatus::Invoiced) => q.filter(fee_accruals::invoice_no.is_not_null()),
            Some(InvoiceStatus::Paid) => q.filter(fee_accruals::paid_on.is_not_null()),
            Some(InvoiceStatus::Unpaid) => q.filter(fee_accruals::paid_on.is_null()),
        };
        q
    }};
}

/// Lines after `after` (fee id), oldest first.
pub fn lines(
    conn: &mut AnyConnection,
    f: &FeeFilter,
    after: i32,
    limit: i64,
) -> QueryResult<Vec<FeeLine>> {
    filtered!(f)
        .filter(fee_accruals::id.gt(after))
        .order(fee_accruals::id)
        .limit(limit)
        .select((
            fee_accruals::id,
            fee_accruals::request_id,
            fee_accruals::accrued_on,
            staff::tckn,
            staff::first_name,
            staff::last_name,
            units::name,
            units::province_id,
            fee_accruals::operator,
            fee_accruals::payer,
            fee_accruals::net_kurus,
            fee_accruals::kdv_bp,
            fee_accruals::kdv_kurus,
            fee_accruals::gross_kurus,
            fee_accruals::invoice_no,
            fee_accruals::invoice_date,
            fee_accruals::paid_on,
        ))
        .load(conn)
}

/// (unit id, operator, count, net, kdv, gross): the filtered lines summed
/// per unit and operator, for totals. Summed in the database (one row per
/// group, not per fee); `sum_big` makes both backends return a BIGINT
/// (PostgreSQL's SUM of a BIGINT is NUMERIC).
pub type Figures = (i32, Operator, i64, i64, i64, i64);

pub fn figures(conn: &mut AnyConnection, f: &FeeFilter) -> QueryResult<Vec<Figures>> {
    use super::sql::sum_big;
    use diesel::dsl::count_star;
    let grouped = fee_accruals::table
        .group_by((fee_accruals::unit_id, fee_accruals::operator))
        .select((
            fee_accruals::unit_id,
            fee_accruals::operator,
            count_star(),
            sum_big(fee_accruals::net_kurus),
            sum_big(fee_accruals::kdv_kurus),
            sum_big(fee_accruals::gross_kurus),
        ))
        .into_boxed();
    filtered!(f, grouped).load(conn)
}

pub fn count(conn: &mut AnyConnection, f: &FeeFilter) -> QueryResult<i64> {
    filtered!(f).count().get_result(conn)
}

/// Records invoice and/or payment for the given fees; returns how many.
pub fn record_invoice(
    conn: &mut AnyConnection,
    ids: &[i32],
    invoice_no: Option<&str>,
    invoice_date: Option<NaiveDate>,
    paid_on: Option<NaiveDate>,
) -> QueryResult<usize> {
    #[derive(AsChangeset)]
    #[diesel(table_name = fee_accruals)]
    struct Changes<'a> {
        invoice_no: Option<&'a str>,
        invoice_date: Option<NaiveDate>,
        paid_on: Option<NaiveDate>,
    }
    diesel::update(fee_accruals::table.filter(fee_accruals::id.eq_any(ids)))
        .set(&Changes {
            invoice_no,
            invoice_date,
            paid_on,
        })
        .execute(conn)
}
