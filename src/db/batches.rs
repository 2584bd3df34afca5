//! Numbered batches of requests forwarded to Kamu SM.

use crate::domain::staff::Operator;
use crate::domain::workflow::State;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{batches, requests, staff, units, users};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = batches)]
pub struct Batch {
    pub id: i32,
    pub created_at: NaiveDateTime,
    pub created_by: i32,
}

pub fn create(conn: &mut AnyConnection, by: i32, now: NaiveDateTime) -> QueryResult<i32> {
    diesel::insert_into(batches::table)
        .values((batches::created_at.eq(now), batches::created_by.eq(by)))
        .returning(batches::id)
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: i32) -> QueryResult<Option<(Batch, String)>> {
    batches::table
        .find(id)
        .inner_join(users::table)
        .select((Batch::as_select(), users::name))
        .first(conn)
        .optional()
}

/// Batches with their size, newest first.
pub fn list(conn: &mut AnyConnection, limit: i64) -> QueryResult<Vec<(Batch, String, i64)>> {
    let rows: Vec<(Batch, String)> = batches::table
        .inner_join(users::table)
        .order(batches::id.desc())
        .limit(limit)
        .select((Batch::as_select(), users::name))
        .load(conn)?;
    let ids: Vec<i32> = rows.iter().map(|(b, _)| b.id).collect();
    let counts: Vec<(Option<i32>, i64)> = requests::table
        .filter(requests::batch_id.eq_any(&ids))
        .group_by(requests::batch_id)
        .select((requests::batch_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(b, name)| {
            let n = counts
                .iter()
                .find(|(id, _)| *id == Some(b.id))
                .map_or(0, |(_, n)| *n);
            (b, name, n)
        })
        .collect())
}

/// One line of the list Kamu SM needs (full TC: this is its job).
#[derive(Debug, Clone, Queryable)]
pub struct ForwardLine {
    pub request_id: i32,
    pub tckn: String,
    pub first_name: String,
    pub last_name: String,
    pub sicil_no: String,
    pub email: String,
    pub phone: String,
    pub operator: Operator,
    pub unit_id: i32,
    pub unit: String,
    pub state: State,
}

pub fn lines(conn: &mut AnyConnection, batch_id: i32) -> QueryResult<Vec<ForwardLine>> {
    requests::table
        .inner_join(staff::table)
        .inner_join(units::table)
        .filter(requests::batch_id.eq(batch_id))
        .order(requests::id)
        .select((
            requests::id,
            staff::tckn,
            staff::first_name,
            staff::last_name,
            staff::sicil_no,
            staff::email,
            requests::phone,
            requests::operator,
            requests::unit_id,
            units::name,
            requests::state,
        ))
        .load(conn)
}
