//! The monthly billing run and its lines.

use crate::domain::staff::{LineType, Operator};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Date, Text, Timestamp};

use super::AnyConnection;
use super::schema::{billing_lines, billing_months, staff, units};
use crate::domain::billing::BillingMonth;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = billing_months)]
pub struct Month {
    pub month: String,
    pub run_at: NaiveDateTime,
    pub run_by: Option<i32>,
    pub closed_at: Option<NaiveDateTime>,
    pub closed_by: Option<i32>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum RunError {
    Closed,
}

pub fn find_month(conn: &mut AnyConnection, month: &str) -> QueryResult<Option<Month>> {
    billing_months::table
        .find(month)
        .select(Month::as_select())
        .first(conn)
        .optional()
}

pub fn months(conn: &mut AnyConnection) -> QueryResult<Vec<Month>> {
    billing_months::table
        .order(billing_months::month.desc())
        .select(Month::as_select())
        .load(conn)
}

/// Replaces the month's lines with one per signature active on any of its
/// days on a line with a tariff in force on its first day. Call inside a
/// transaction; refuses a closed month.
pub fn run(
    conn: &mut AnyConnection,
    m: BillingMonth,
    by: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<Result<usize, RunError>> {
    let key = m.key();
    match find_month(conn, &key)? {
        Some(existing) if existing.closed_at.is_some() => return Ok(Err(RunError::Closed)),
        Some(_) => {
            diesel::update(billing_months::table.find(&key))
                .set((
                    billing_months::run_at.eq(now),
                    billing_months::run_by.eq(by),
                ))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(billing_months::table)
                .values((
                    billing_months::month.eq(&key),
                    billing_months::run_at.eq(now),
                    billing_months::run_by.eq(by),
                ))
                .execute(conn)?;
        }
    }
    diesel::delete(billing_lines::table.filter(billing_lines::month.eq(&key))).execute(conn)?;
    let (start, end) = m.utc_bounds();
    let first = m.first_day();
    // Portable SQL (SQLite and PostgreSQL): one statement whatever the size.
    let n = diesel::sql_query(
        "INSERT INTO billing_lines (month, request_id, staff_id, unit_id, operator, line_type, \
                                    list_kurus, billed_kurus, started, stopped) \
         SELECT $1, r.id, r.staff_id, r.unit_id, r.operator, r.line_type, t.list_kurus, t.billed_kurus, \
                CASE WHEN r.activated_at >= $2 THEN TRUE ELSE FALSE END, \
                CASE WHEN r.ended_at IS NOT NULL AND r.ended_at < $3 THEN TRUE ELSE FALSE END \
         FROM requests r \
         JOIN monthly_tariffs t ON t.operator = r.operator AND t.line_type = r.line_type \
              AND t.valid_from <= $4 AND (t.valid_to IS NULL OR t.valid_to >= $4) \
         WHERE r.activated_at IS NOT NULL AND r.activated_at < $3 \
           AND (r.ended_at IS NULL OR r.ended_at >= $2)",
    )
    .bind::<Text, _>(&key)
    .bind::<Timestamp, _>(start)
    .bind::<Timestamp, _>(end)
    .bind::<Date, _>(first)
    .execute(conn)?;
    Ok(Ok(n))
}

/// Closes a month that has been run; false if it was not run or is closed.
pub fn close(
    conn: &mut AnyConnection,
    month: &str,
    by: i32,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        billing_months::table
            .filter(billing_months::month.eq(month))
            .filter(billing_months::closed_at.is_null()),
    )
    .set((
        billing_months::closed_at.eq(now),
        billing_months::closed_by.eq(by),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// A month's line joined to its staff and unit.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = billing_lines)]
pub struct Line {
    pub id: i32,
    pub request_id: i32,
    #[diesel(select_expression = staff::first_name)]
    pub first_name: String,
    #[diesel(select_expression = staff::last_name)]
    pub last_name: String,
    #[diesel(select_expression = units::name)]
    pub unit: String,
    pub operator: Operator,
    pub line_type: LineType,
    pub list_kurus: i64,
    pub billed_kurus: i64,
    pub started: bool,
    pub stopped: bool,
}

/// A month's lines after line `after`, by keyset (for streamed exports).
pub fn lines_after(
    conn: &mut AnyConnection,
    month: &str,
    after: i32,
    limit: i64,
) -> QueryResult<Vec<Line>> {
    billing_lines::table
        .inner_join(staff::table)
        .inner_join(units::table)
        .filter(billing_lines::month.eq(month))
        .filter(billing_lines::id.gt(after))
        .order(billing_lines::id)
        .limit(limit)
        .select(Line::as_select())
        .load(conn)
}

/// (group, count, list, billed): a month's lines summed in the database.
pub type GroupSums<G> = (G, i64, i64, i64);

/// The month's lines summed per unit name.
pub fn sums_by_unit(conn: &mut AnyConnection, month: &str) -> QueryResult<Vec<GroupSums<String>>> {
    use super::sql::sum_big;
    use diesel::dsl::count_star;
    billing_lines::table
        .inner_join(units::table)
        .filter(billing_lines::month.eq(month))
        .group_by(units::name)
        .select((
            units::name,
            count_star(),
            sum_big(billing_lines::list_kurus),
            sum_big(billing_lines::billed_kurus),
        ))
        .load(conn)
}

/// The month's lines summed per operator and line type.
pub fn sums_by_operator(
    conn: &mut AnyConnection,
    month: &str,
) -> QueryResult<Vec<GroupSums<(Operator, LineType)>>> {
    use super::sql::sum_big;
    use diesel::dsl::count_star;
    billing_lines::table
        .filter(billing_lines::month.eq(month))
        .group_by((billing_lines::operator, billing_lines::line_type))
        .select((
            (billing_lines::operator, billing_lines::line_type),
            count_star(),
            sum_big(billing_lines::list_kurus),
            sum_big(billing_lines::billed_kurus),
        ))
        .load(conn)
}

/// The month's lines of signatures that started or stopped in it.
pub fn changes(conn: &mut AnyConnection, month: &str) -> QueryResult<Vec<Line>> {
    billing_lines::table
        .inner_join(staff::table)
        .inner_join(units::table)
        .filter(billing_lines::month.eq(month))
        .filter(billing_lines::started.or(billing_lines::stopped))
        .order(billing_lines::id)
        .select(Line::as_select())
        .load(conn)
}

/// (request id, list, billed) of a month, for comparisons.
pub fn snapshot(conn: &mut AnyConnection, month: &str) -> QueryResult<Vec<(i32, i64, i64)>> {
    billing_lines::table
        .filter(billing_lines::month.eq(month))
        .order(billing_lines::request_id)
        .select((
            billing_lines::request_id,
            billing_lines::list_kurus,
            billing_lines::billed_kurus,
        ))
        .load(conn)
}

/// Signatures active on any day of `m` for whose operator and line type no
/// monthly tariff is in force on its first day: what [`run`] leaves out.
/// The (operator, line type) pairs no tariff covers on the month's first
/// day, in [`Operator::ALL`] × [`LineType::ALL`] order: usually none, and then
/// no request is read.
fn untariffed_pairs(
    conn: &mut AnyConnection,
    m: BillingMonth,
) -> QueryResult<Vec<(Operator, LineType)>> {
    use super::schema::monthly_tariffs as mt;
    let first = m.first_day();
    let tariffed: Vec<(Operator, LineType)> = mt::table
        .filter(mt::valid_from.le(first))
        .filter(mt::valid_to.is_null().or(mt::valid_to.ge(first)))
        .select((mt::operator, mt::line_type))
        .load(conn)?;
    Ok(Operator::ALL
        .into_iter()
        .flat_map(|o| LineType::ALL.into_iter().map(move |l| (o, l)))
        .filter(|pair| !tariffed.contains(pair))
        .collect())
}

/// How many of the month's active signatures each untariffed pair has
/// (pairs with none left out): counted from the partial indexes
/// `requests_live` and `requests_ended`, without reading a request row.
pub fn untariffed_counts(
    conn: &mut AnyConnection,
    m: BillingMonth,
) -> QueryResult<Vec<(Operator, LineType, i64)>> {
    use super::schema::requests;
    use diesel::dsl::count_star;
    let missing = untariffed_pairs(conn, m)?;
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let (start, end) = m.utc_bounds();
    let grouped = || {
        requests::table
            .filter(requests::activated_at.lt(end))
            .group_by((requests::operator, requests::line_type))
            .select((requests::operator, requests::line_type, count_star()))
    };
    let running: Vec<(Operator, LineType, i64)> = grouped()
        .filter(requests::ended_at.is_null())
        .filter(requests::activated_at.is_not_null())
        .load(conn)?;
    let ended: Vec<(Operator, LineType, i64)> = grouped()
        .filter(requests::ended_at.is_not_null())
        .filter(requests::ended_at.ge(start))
        .load(conn)?;
    let of = |rows: &[(Operator, LineType, i64)], pair: (Operator, LineType)| {
        rows.iter()
            .find(|(o, l, _)| (*o, *l) == pair)
            .map_or(0, |(.., n)| *n)
    };
    Ok(missing
        .into_iter()
        .map(|(o, l)| (o, l, of(&running, (o, l)) + of(&ended, (o, l))))
        .filter(|(.., n)| *n > 0)
        .collect())
}

pub fn untariffed(
    conn: &mut AnyConnection,
    m: BillingMonth,
) -> QueryResult<Vec<crate::domain::billing::Unbilled>> {
    use super::schema::requests;
    let (start, end) = m.utc_bounds();
    let missing = untariffed_pairs(conn, m)?;
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let operators: Vec<Operator> = missing.iter().map(|(o, _)| *o).collect();
    let line_types: Vec<LineType> = missing.iter().map(|(_, l)| *l).collect();
    let mut rows: Vec<(i32, String, String, String, Operator, LineType)> = requests::table
        .inner_join(staff::table)
        .inner_join(units::table)
        .filter(requests::activated_at.lt(end))
        .filter(
            requests::ended_at
                .is_null()
                .or(requests::ended_at.ge(start)),
        )
        .filter(requests::operator.eq_any(operators))
        .filter(requests::line_type.eq_any(line_types))
        .order(requests::id)
        .select((
            requests::id,
            staff::first_name,
            staff::last_name,
            units::name,
            requests::operator,
            requests::line_type,
        ))
        .load(conn)?;
    rows.retain(|(.., operator, line_type)| missing.contains(&(*operator, *line_type)));
    Ok(rows
        .into_iter()
        .map(
            |(request_id, first_name, last_name, unit, operator, line_type)| {
                crate::domain::billing::Unbilled {
                    request_id,
                    first_name,
                    last_name,
                    unit,
                    operator,
                    line_type,
                }
            },
        )
        .collect())
}
