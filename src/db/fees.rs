//! Rate tables (KDV, certificate fees) and certificate fee accruals.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{certificate_fees, fee_accruals, kdv_rates};
use crate::domain::fees::Accrual;
use crate::domain::payer::Payer;
use crate::domain::rates::Period;
use crate::domain::staff::Operator;

pub fn kdv_periods(conn: &mut AnyConnection) -> QueryResult<Vec<Period<i32>>> {
    let rows: Vec<(NaiveDate, Option<NaiveDate>, i32)> = kdv_rates::table
        .order(kdv_rates::valid_from)
        .select((
            kdv_rates::valid_from,
            kdv_rates::valid_to,
            kdv_rates::rate_bp,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(from, to, value)| Period { from, to, value })
        .collect())
}

pub fn fee_periods(conn: &mut AnyConnection, operator: Operator) -> QueryResult<Vec<Period<i64>>> {
    let rows: Vec<(NaiveDate, Option<NaiveDate>, i64)> = certificate_fees::table
        .filter(certificate_fees::operator.eq(operator))
        .order(certificate_fees::valid_from)
        .select((
            certificate_fees::valid_from,
            certificate_fees::valid_to,
            certificate_fees::net_kurus,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(from, to, value)| Period { from, to, value })
        .collect())
}

/// Days of this person's institution-paid certificates.
pub fn institution_paid_days(
    conn: &mut AnyConnection,
    staff_id: i32,
) -> QueryResult<Vec<NaiveDate>> {
    fee_accruals::table
        .filter(fee_accruals::staff_id.eq(staff_id))
        .filter(fee_accruals::payer.eq(Payer::Institution))
        .select(fee_accruals::accrued_on)
        .load(conn)
}

pub struct NewAccrual<'a> {
    pub request_id: i32,
    pub staff_id: i32,
    pub unit_id: i32,
    pub operator: Operator,
    pub accrual: &'a Accrual,
    pub exception_reason: Option<&'a str>,
    pub now: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, a: &NewAccrual<'_>) -> QueryResult<()> {
    let v = &a.accrual.vat;
    diesel::insert_into(fee_accruals::table)
        .values((
            fee_accruals::request_id.eq(a.request_id),
            fee_accruals::staff_id.eq(a.staff_id),
            fee_accruals::unit_id.eq(a.unit_id),
            fee_accruals::operator.eq(a.operator),
            fee_accruals::accrued_on.eq(a.accrual.day),
            fee_accruals::net_kurus.eq(v.net.kurus()),
            fee_accruals::kdv_bp.eq(v.rate.0),
            fee_accruals::kdv_kurus.eq(v.vat.kurus()),
            fee_accruals::gross_kurus.eq(v.gross.kurus()),
            fee_accruals::payer.eq(a.accrual.payer),
            fee_accruals::exception_reason.eq(a.exception_reason),
            fee_accruals::created_at.eq(a.now),
        ))
        .execute(conn)
        .map(drop)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fee_accruals)]
pub struct FeeAccrual {
    pub id: i32,
    pub request_id: i32,
    pub staff_id: i32,
    pub unit_id: i32,
    pub operator: Operator,
    pub accrued_on: NaiveDate,
    pub net_kurus: i64,
    pub kdv_bp: i32,
    pub kdv_kurus: i64,
    pub gross_kurus: i64,
    pub payer: Payer,
    pub exception_reason: Option<String>,
    pub invoice_no: Option<String>,
    pub invoice_date: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
}

/// (accrual day, gross kuruş) of every fee accrued on or after `start`.
pub fn gross_by_day_since(
    conn: &mut AnyConnection,
    start: NaiveDate,
) -> QueryResult<Vec<(NaiveDate, i64)>> {
    fee_accruals::table
        .filter(fee_accruals::accrued_on.ge(start))
        .select((fee_accruals::accrued_on, fee_accruals::gross_kurus))
        .load(conn)
}

pub fn for_request(conn: &mut AnyConnection, request_id: i32) -> QueryResult<Option<FeeAccrual>> {
    fee_accruals::table
        .filter(fee_accruals::request_id.eq(request_id))
        .select(FeeAccrual::as_select())
        .first(conn)
        .optional()
}

/// Which rate table a period belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Table {
    Kdv,
    CertificateFee { operator: String },
    MonthlyTariff { operator: String, line_type: String },
}

/// One stored period with its values (kuruş or basis points) and label text.
#[derive(Debug, Clone)]
pub struct StoredPeriod {
    pub id: i32,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub values: (i64, i64),
    pub note: String,
}

pub fn periods(conn: &mut AnyConnection, t: &Table) -> QueryResult<Vec<StoredPeriod>> {
    use super::schema::monthly_tariffs as mt;
    Ok(match t {
        Table::Kdv => kdv_rates::table
            .order(kdv_rates::valid_from)
            .select((
                kdv_rates::id,
                kdv_rates::valid_from,
                kdv_rates::valid_to,
                kdv_rates::rate_bp,
                kdv_rates::legal_ref,
            ))
            .load::<(i32, NaiveDate, Option<NaiveDate>, i32, String)>(conn)?
            .into_iter()
            .map(|(id, from, to, bp, note)| StoredPeriod {
                id,
                from,
                to,
                values: (i64::from(bp), 0),
                note,
            })
            .collect(),
        Table::CertificateFee { operator } => certificate_fees::table
            .filter(certificate_fees::operator.eq(operator))
            .order(certificate_fees::valid_from)
            .select((
                certificate_fees::id,
                certificate_fees::valid_from,
                certificate_fees::valid_to,
                certificate_fees::net_kurus,
            ))
            .load::<(i32, NaiveDate, Option<NaiveDate>, i64)>(conn)?
            .into_iter()
            .map(|(id, from, to, net)| StoredPeriod {
                id,
                from,
                to,
                values: (net, 0),
                note: String::new(),
            })
            .collect(),
        Table::MonthlyTariff {
            operator,
            line_type,
        } => mt::table
            .filter(mt::operator.eq(operator))
            .filter(mt::line_type.eq(line_type))
            .order(mt::valid_from)
            .select((
                mt::id,
                mt::valid_from,
                mt::valid_to,
                mt::list_kurus,
                mt::billed_kurus,
            ))
            .load::<(i32, NaiveDate, Option<NaiveDate>, i64, i64)>(conn)?
            .into_iter()
            .map(|(id, from, to, list, billed)| StoredPeriod {
                id,
                from,
                to,
                values: (list, billed),
                note: String::new(),
            })
            .collect(),
    })
}

/// Sets the end of a stored period (closing the open one before a new one).
pub fn set_end(
    conn: &mut AnyConnection,
    t: &Table,
    id: i32,
    to: Option<NaiveDate>,
) -> QueryResult<()> {
    use super::schema::monthly_tariffs as mt;
    match t {
        Table::Kdv => diesel::update(kdv_rates::table.find(id))
            .set(kdv_rates::valid_to.eq(to))
            .execute(conn),
        Table::CertificateFee { .. } => diesel::update(certificate_fees::table.find(id))
            .set(certificate_fees::valid_to.eq(to))
            .execute(conn),
        Table::MonthlyTariff { .. } => diesel::update(mt::table.find(id))
            .set(mt::valid_to.eq(to))
            .execute(conn),
    }
    .map(drop)
}

pub fn add_period(
    conn: &mut AnyConnection,
    t: &Table,
    from: NaiveDate,
    to: Option<NaiveDate>,
    values: (i64, i64),
    note: &str,
) -> QueryResult<()> {
    use super::schema::monthly_tariffs as mt;
    match t {
        Table::Kdv => diesel::insert_into(kdv_rates::table)
            .values((
                kdv_rates::valid_from.eq(from),
                kdv_rates::valid_to.eq(to),
                kdv_rates::rate_bp.eq(values.0 as i32),
                kdv_rates::legal_ref.eq(note),
            ))
            .execute(conn),
        Table::CertificateFee { operator } => diesel::insert_into(certificate_fees::table)
            .values((
                certificate_fees::operator.eq(operator),
                certificate_fees::valid_from.eq(from),
                certificate_fees::valid_to.eq(to),
                certificate_fees::net_kurus.eq(values.0),
                certificate_fees::years.eq(3),
            ))
            .execute(conn),
        Table::MonthlyTariff {
            operator,
            line_type,
        } => diesel::insert_into(mt::table)
            .values((
                mt::operator.eq(operator),
                mt::line_type.eq(line_type),
                mt::valid_from.eq(from),
                mt::valid_to.eq(to),
                mt::list_kurus.eq(values.0),
                mt::billed_kurus.eq(values.1),
            ))
            .execute(conn),
    }
    .map(drop)
}
