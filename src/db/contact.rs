//! Contact-change history and on-screen notices.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{contact_changes, notices, staff, user_units, users};
use crate::domain::contact::Contact;
use crate::domain::staff::Operator;
use crate::domain::workflow::State;

pub struct NewChange<'a> {
    pub staff_id: i32,
    pub at: NaiveDateTime,
    pub actor_id: i32,
    pub old: &'a Contact,
    pub new: &'a Contact,
    pub kinds: &'a str,
    pub invalidated_request_id: Option<i32>,
}

pub fn record(conn: &mut AnyConnection, c: &NewChange<'_>) -> QueryResult<()> {
    diesel::insert_into(contact_changes::table)
        .values((
            contact_changes::staff_id.eq(c.staff_id),
            contact_changes::at.eq(c.at),
            contact_changes::actor_id.eq(c.actor_id),
            contact_changes::old_phone.eq(&c.old.phone),
            contact_changes::new_phone.eq(&c.new.phone),
            contact_changes::old_operator.eq(&c.old.operator),
            contact_changes::new_operator.eq(&c.new.operator),
            contact_changes::old_line_type.eq(&c.old.line_type),
            contact_changes::new_line_type.eq(&c.new.line_type),
            contact_changes::old_has_signature.eq(c.old.has_signature),
            contact_changes::new_has_signature.eq(c.new.has_signature),
            contact_changes::kinds.eq(c.kinds),
            contact_changes::invalidated_request_id.eq(c.invalidated_request_id),
        ))
        .execute(conn)
        .map(drop)
}

/// (when, who, old phone, new phone, old operator, new operator, kinds, invalidated request)
pub type HistoryRow = (
    NaiveDateTime,
    String,
    String,
    String,
    Operator,
    Operator,
    String,
    Option<i32>,
);

pub fn history(conn: &mut AnyConnection, staff_id: i32) -> QueryResult<Vec<HistoryRow>> {
    contact_changes::table
        .inner_join(users::table)
        .filter(contact_changes::staff_id.eq(staff_id))
        .order(contact_changes::id.desc())
        .select((
            contact_changes::at,
            users::name,
            contact_changes::old_phone,
            contact_changes::new_phone,
            contact_changes::old_operator,
            contact_changes::new_operator,
            contact_changes::kinds,
            contact_changes::invalidated_request_id,
        ))
        .load(conn)
}

pub fn set_contact(
    conn: &mut AnyConnection,
    staff_id: i32,
    c: &Contact,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(staff::table.find(staff_id))
        .set((
            staff::phone.eq(&c.phone),
            staff::operator.eq(&c.operator),
            staff::line_type.eq(&c.line_type),
            staff::has_signature.eq(c.has_signature),
            staff::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// The staff member's own account (by e-mail) and the unit's officers.
pub fn recipients(
    conn: &mut AnyConnection,
    staff_email: &str,
    unit_id: i32,
) -> QueryResult<Vec<i32>> {
    let mut ids: Vec<i32> = users::table
        .filter(users::email.eq(staff_email))
        .select(users::id)
        .load(conn)?;
    ids.extend(
        user_units::table
            .filter(user_units::unit_id.eq(unit_id))
            .select(user_units::user_id)
            .load::<i32>(conn)?,
    );
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

pub fn notify(
    conn: &mut AnyConnection,
    user_id: i32,
    at: NaiveDateTime,
    text: &str,
    link: &str,
) -> QueryResult<()> {
    diesel::insert_into(notices::table)
        .values((
            notices::user_id.eq(user_id),
            notices::at.eq(at),
            notices::text.eq(text),
            notices::link.eq(link),
        ))
        .execute(conn)
        .map(drop)
}

/// A notice with a unique key: written once, however often it is asked for
/// (the key's unique index also holds when two instances race). Returns
/// whether it was new.
pub fn notify_once(
    conn: &mut AnyConnection,
    user_id: i32,
    at: NaiveDateTime,
    text: &str,
    link: &str,
    key: &str,
) -> QueryResult<bool> {
    let exists: i64 = notices::table
        .filter(notices::dedupe_key.eq(key))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    let inserted = diesel::insert_into(notices::table)
        .values((
            notices::user_id.eq(user_id),
            notices::at.eq(at),
            notices::text.eq(text),
            notices::link.eq(link),
            notices::dedupe_key.eq(key),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(e) => Err(e),
    }
}

pub fn recent_notices(
    conn: &mut AnyConnection,
    user_id: i32,
    limit: i64,
) -> QueryResult<Vec<(NaiveDateTime, String, String)>> {
    notices::table
        .filter(notices::user_id.eq(user_id))
        .order(notices::id.desc())
        .limit(limit)
        .select((notices::at, notices::text, notices::link))
        .load(conn)
}

/// Requests of a staff member that are active or open.
pub fn live_requests(
    conn: &mut AnyConnection,
    staff_id: i32,
) -> QueryResult<Vec<super::requests::Request>> {
    use super::schema::requests;
    let mut states = State::OPEN.to_vec();
    states.push(State::Active);
    requests::table
        .filter(requests::staff_id.eq(staff_id))
        .filter(requests::state.eq_any(states))
        .order(requests::id)
        .select(super::requests::Request::as_select())
        .load(conn)
}

/// Empties the old and new numbers of the contact changes of `staff_ids`
/// (operators, line types and what happened stay); returns how many rows.
pub fn anonymise_changes(conn: &mut AnyConnection, staff_ids: &[i32]) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in staff_ids.chunks(super::requests::ID_CHUNK) {
        n += diesel::update(
            contact_changes::table
                .filter(contact_changes::staff_id.eq_any(chunk))
                .filter(
                    contact_changes::old_phone
                        .ne("")
                        .or(contact_changes::new_phone.ne("")),
                ),
        )
        .set((
            contact_changes::old_phone.eq(""),
            contact_changes::new_phone.eq(""),
        ))
        .execute(conn)?;
    }
    Ok(n)
}

/// Replaces the text of the notices that link to one of `links` (they name
/// the person); returns how many.
pub fn replace_notice_texts(
    conn: &mut AnyConnection,
    links: &[String],
    text: &str,
) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in links.chunks(super::requests::ID_CHUNK) {
        n += diesel::update(
            notices::table
                .filter(notices::link.eq_any(chunk))
                .filter(notices::text.ne(text)),
        )
        .set(notices::text.eq(text))
        .execute(conn)?;
    }
    Ok(n)
}
