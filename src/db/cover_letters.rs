//! Cover letters (üst yazı) for operator documents, their requests, and the
//! units' letter settings.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{
    cover_letter_requests, cover_letters, provinces, requests, staff, unit_letter_settings, units,
};
use crate::domain::staff::Operator;
use crate::domain::workflow::State;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = unit_letter_settings)]
pub struct SettingsRow {
    pub unit_id: i32,
    pub heading: String,
    pub signer_name: String,
    pub signer_title: String,
    pub number_prefix: String,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cover_letters)]
pub struct Letter {
    pub id: i32,
    pub unit_id: i32,
    pub year: i32,
    pub seq: i32,
    pub number: String,
    pub letter_date: NaiveDate,
    pub subject: String,
    pub documents: String,
    pub heading: String,
    pub signer_name: String,
    pub signer_title: String,
    pub created_by: i32,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = cover_letters)]
pub struct NewLetter<'a> {
    pub unit_id: i32,
    pub year: i32,
    pub seq: i32,
    pub number: &'a str,
    pub letter_date: NaiveDate,
    pub subject: &'a str,
    pub documents: &'a str,
    pub heading: &'a str,
    pub signer_name: &'a str,
    pub signer_title: &'a str,
    pub created_by: i32,
    pub created_at: NaiveDateTime,
}

/// A request on a letter, or one that could go on one: its staff member
/// as on file now.
#[derive(Debug, Clone, Queryable)]
pub struct LetterLine {
    pub request_id: i32,
    pub version: i32,
    pub first_name: String,
    pub last_name: String,
    pub tckn: String,
    pub operator: Operator,
}

pub fn settings(conn: &mut AnyConnection, unit_id: i32) -> QueryResult<Option<SettingsRow>> {
    unit_letter_settings::table
        .find(unit_id)
        .select(SettingsRow::as_select())
        .first(conn)
        .optional()
}

/// Writes a unit's settings (select, then insert or update: no upsert on
/// both backends). Call inside a transaction.
pub fn save_settings(
    conn: &mut AnyConnection,
    unit_id: i32,
    values: (&str, &str, &str, &str),
    now: NaiveDateTime,
) -> QueryResult<()> {
    let (heading, signer_name, signer_title, number_prefix) = values;
    let row = (
        unit_letter_settings::heading.eq(heading),
        unit_letter_settings::signer_name.eq(signer_name),
        unit_letter_settings::signer_title.eq(signer_title),
        unit_letter_settings::number_prefix.eq(number_prefix),
        unit_letter_settings::updated_at.eq(now),
    );
    if settings(conn, unit_id)?.is_some() {
        diesel::update(unit_letter_settings::table.find(unit_id))
            .set(row)
            .execute(conn)?;
    } else {
        diesel::insert_into(unit_letter_settings::table)
            .values((unit_letter_settings::unit_id.eq(unit_id), row))
            .execute(conn)?;
    }
    Ok(())
}

/// A unit's name, kind and province name.
pub fn unit_facts(
    conn: &mut AnyConnection,
    unit_id: i32,
) -> QueryResult<Option<(String, String, String)>> {
    units::table
        .inner_join(provinces::table)
        .filter(units::id.eq(unit_id))
        .select((units::name, units::kind, provinces::name))
        .first(conn)
        .optional()
}

/// The next running number of `unit`'s letters in `year`.
pub fn next_seq(conn: &mut AnyConnection, unit_id: i32, year: i32) -> QueryResult<i32> {
    let max: Option<i32> = cover_letters::table
        .filter(cover_letters::unit_id.eq(unit_id))
        .filter(cover_letters::year.eq(year))
        .select(diesel::dsl::max(cover_letters::seq))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

pub fn number_taken(
    conn: &mut AnyConnection,
    unit_id: i32,
    year: i32,
    number: &str,
) -> QueryResult<bool> {
    let n: i64 = cover_letters::table
        .filter(cover_letters::unit_id.eq(unit_id))
        .filter(cover_letters::year.eq(year))
        .filter(cover_letters::number.eq(number))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn insert(conn: &mut AnyConnection, new: &NewLetter<'_>) -> QueryResult<i32> {
    diesel::insert_into(cover_letters::table)
        .values(new)
        .returning(cover_letters::id)
        .get_result(conn)
}

/// Puts `request_ids` on the letter, in that order (one insert each: no
/// multi-row insert on both backends).
pub fn add_requests(
    conn: &mut AnyConnection,
    letter_id: i32,
    request_ids: &[i32],
) -> QueryResult<()> {
    for (id, position) in request_ids.iter().zip(1..) {
        diesel::insert_into(cover_letter_requests::table)
            .values((
                cover_letter_requests::letter_id.eq(letter_id),
                cover_letter_requests::request_id.eq(*id),
                cover_letter_requests::position.eq(position),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: i32) -> QueryResult<Option<Letter>> {
    cover_letters::table
        .find(id)
        .select(Letter::as_select())
        .first(conn)
        .optional()
}

/// The letter's requests in the order printed.
pub fn lines(conn: &mut AnyConnection, letter_id: i32) -> QueryResult<Vec<LetterLine>> {
    cover_letter_requests::table
        .inner_join(requests::table.inner_join(staff::table))
        .filter(cover_letter_requests::letter_id.eq(letter_id))
        .order(cover_letter_requests::position)
        .select((
            requests::id,
            requests::version,
            staff::first_name,
            staff::last_name,
            staff::tckn,
            requests::operator,
        ))
        .load(conn)
}

/// The newest `limit` letters of `unit_ids` with their unit's name and how
/// many requests each carries.
pub fn list(
    conn: &mut AnyConnection,
    unit_ids: &[i32],
    limit: i64,
) -> QueryResult<Vec<(Letter, String, i64)>> {
    let rows: Vec<(Letter, String)> = cover_letters::table
        .inner_join(units::table)
        .filter(cover_letters::unit_id.eq_any(unit_ids))
        .order(cover_letters::id.desc())
        .limit(limit)
        .select((Letter::as_select(), units::name))
        .load(conn)?;
    let ids: Vec<i32> = rows.iter().map(|(l, _)| l.id).collect();
    let counts: Vec<(i32, i64)> = cover_letter_requests::table
        .filter(cover_letter_requests::letter_id.eq_any(&ids))
        .group_by(cover_letter_requests::letter_id)
        .select((cover_letter_requests::letter_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(l, unit)| {
            let n = counts
                .iter()
                .find(|(id, _)| *id == l.id)
                .map_or(0, |(_, n)| *n);
            (l, unit, n)
        })
        .collect())
}

/// Requests of `unit_id` waiting for the officer to send operator
/// documents (forwarded, not yet sent), at most `limit`.
pub fn awaiting(
    conn: &mut AnyConnection,
    unit_id: i32,
    limit: i64,
) -> QueryResult<Vec<LetterLine>> {
    requests::table
        .inner_join(staff::table)
        .filter(requests::unit_id.eq(unit_id))
        .filter(requests::state.eq(State::Forwarded))
        .filter(requests::docs_sent_at.is_null())
        .order(requests::id)
        .limit(limit)
        .select((
            requests::id,
            requests::version,
            staff::first_name,
            staff::last_name,
            staff::tckn,
            requests::operator,
        ))
        .load(conn)
}

/// `(unit, requests waiting for documents)` for each of `unit_ids` that
/// has any.
pub fn awaiting_counts(conn: &mut AnyConnection, unit_ids: &[i32]) -> QueryResult<Vec<(i32, i64)>> {
    requests::table
        .filter(requests::unit_id.eq_any(unit_ids))
        .filter(requests::state.eq(State::Forwarded))
        .filter(requests::docs_sent_at.is_null())
        .group_by(requests::unit_id)
        .select((requests::unit_id, diesel::dsl::count_star()))
        .load(conn)
}

/// The unit of each of `ids` that exists: `(request, unit)`.
pub fn request_units(conn: &mut AnyConnection, ids: &[i32]) -> QueryResult<Vec<(i32, i32)>> {
    requests::table
        .filter(requests::id.eq_any(ids))
        .select((requests::id, requests::unit_id))
        .load(conn)
}
