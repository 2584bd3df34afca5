//! The mail outbox, who receives which mail (officers of a unit, reviewers
//! and their digest preference), password-reset tokens and the reset log.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{
    mail_prefs, outbox, password_resets, reset_attempts, user_roles, user_units, users,
};
use crate::domain::role::Role;
use crate::domain::workflow::State;

#[derive(Debug, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewMail<'a> {
    pub created_at: NaiveDateTime,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub kind: &'a str,
    pub request_id: Option<i32>,
    pub dedupe_key: Option<&'a str>,
    pub next_attempt_at: NaiveDateTime,
    pub message_id: &'a str,
}

/// A row as the worker sends it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct Mail {
    pub id: i32,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i32,
    pub message_id: String,
}

/// A row as the admin page lists it (no bodies).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct MailRow {
    pub id: i32,
    pub created_at: NaiveDateTime,
    pub recipient: String,
    pub subject: String,
    pub kind: String,
    pub request_id: Option<i32>,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub failed_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
}

pub fn insert(conn: &mut AnyConnection, m: &NewMail<'_>) -> QueryResult<i32> {
    diesel::insert_into(outbox::table)
        .values(m)
        .returning(outbox::id)
        .get_result(conn)
}

/// The unsent row with `key`, if any: `(id, sent)`.
pub fn by_key(conn: &mut AnyConnection, key: &str) -> QueryResult<Option<(i32, bool)>> {
    outbox::table
        .filter(outbox::dedupe_key.eq(key))
        .select((outbox::id, outbox::sent_at.is_not_null()))
        .first(conn)
        .optional()
}

/// Replaces the subject and bodies of a row not yet sent (a growing digest).
pub fn rewrite(
    conn: &mut AnyConnection,
    id: i32,
    subject: &str,
    text: &str,
    html: &str,
) -> QueryResult<()> {
    diesel::update(outbox::table.find(id).filter(outbox::sent_at.is_null()))
        .set((
            outbox::subject.eq(subject),
            outbox::body_text.eq(text),
            outbox::body_html.eq(html),
        ))
        .execute(conn)
        .map(drop)
}

/// Leases up to `limit` due rows (pending, not failed, not leased) until
/// `lease_until`. On PostgreSQL the rows are locked with `FOR UPDATE SKIP
/// LOCKED`, so concurrent workers take disjoint rows; SQLite serialises the
/// write transaction this runs in (`BEGIN IMMEDIATE`). Call in a transaction.
pub fn claim(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Mail>> {
    let due = outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::failed_at.is_null())
        .filter(outbox::next_attempt_at.le(now))
        .filter(
            outbox::claimed_until
                .is_null()
                .or(outbox::claimed_until.lt(now)),
        )
        .order(outbox::id)
        .limit(limit)
        .select(outbox::id);
    let ids: Vec<i32> = match conn {
        AnyConnection::Postgresql(c) => due.for_update().skip_locked().load(c)?,
        AnyConnection::Sqlite(c) => due.load(c)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
        .set(outbox::claimed_until.eq(lease_until))
        .execute(conn)?;
    outbox::table
        .filter(outbox::id.eq_any(&ids))
        .order(outbox::id)
        .select(Mail::as_select())
        .load(conn)
}

pub fn mark_sent(conn: &mut AnyConnection, id: i32, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(outbox::table.find(id).filter(outbox::sent_at.is_null()))
        .set((
            outbox::sent_at.eq(now),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
        .map(|n| n > 0)
}

/// Records a failed attempt: the next one at `next`, or none (`failed`).
pub fn mark_attempt_failed(
    conn: &mut AnyConnection,
    id: i32,
    error: &str,
    next: NaiveDateTime,
    failed: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::update(outbox::table.find(id).filter(outbox::sent_at.is_null()))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(error),
            outbox::next_attempt_at.eq(next),
            outbox::failed_at.eq(failed),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(drop)
}

/// A failed row back to pending, due now, with a fresh set of attempts.
pub fn retry(conn: &mut AnyConnection, id: i32, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::failed_at.is_not_null())
            .filter(outbox::sent_at.is_null()),
    )
    .set((
        outbox::failed_at.eq(None::<NaiveDateTime>),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(now),
        outbox::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// Pending and failed rows, newest first, at most `limit` of each.
pub fn unsent(conn: &mut AnyConnection, failed: bool, limit: i64) -> QueryResult<Vec<MailRow>> {
    let q = outbox::table.filter(outbox::sent_at.is_null()).into_boxed();
    let q = if failed {
        q.filter(outbox::failed_at.is_not_null())
    } else {
        q.filter(outbox::failed_at.is_null())
    };
    q.order(outbox::id.desc())
        .limit(limit)
        .select(MailRow::as_select())
        .load(conn)
}

pub fn count_unsent(conn: &mut AnyConnection, failed: bool) -> QueryResult<i64> {
    let q = outbox::table.filter(outbox::sent_at.is_null()).into_boxed();
    let q = if failed {
        q.filter(outbox::failed_at.is_not_null())
    } else {
        q.filter(outbox::failed_at.is_null())
    };
    q.count().get_result(conn)
}

/// Active users holding `role`, with their addresses; officers only those
/// responsible for `unit`.
pub fn users_with_role(
    conn: &mut AnyConnection,
    role: Role,
    unit: Option<i32>,
) -> QueryResult<Vec<(i32, String)>> {
    let mut q = users::table
        .inner_join(user_roles::table)
        .filter(user_roles::role.eq(role.code()))
        .filter(users::active.eq(true))
        .select((users::id, users::email))
        .order(users::id)
        .into_boxed();
    if let Some(unit) = unit {
        q = q.filter(
            users::id.eq_any(
                user_units::table
                    .filter(user_units::unit_id.eq(unit))
                    .select(user_units::user_id),
            ),
        );
    }
    q.load(conn)
}

/// Whether `user_id` receives the reviewers' digest (on unless turned off).
pub fn wants_digest(conn: &mut AnyConnection, user_id: i32) -> QueryResult<bool> {
    Ok(mail_prefs::table
        .find(user_id)
        .select(mail_prefs::digest)
        .first::<bool>(conn)
        .optional()?
        .unwrap_or(true))
}

pub fn set_digest(conn: &mut AnyConnection, user_id: i32, on: bool) -> QueryResult<()> {
    let updated = diesel::update(mail_prefs::table.find(user_id))
        .set(mail_prefs::digest.eq(on))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(mail_prefs::table)
            .values((mail_prefs::user_id.eq(user_id), mail_prefs::digest.eq(on)))
            .execute(conn)?;
    }
    Ok(())
}

// ------------------------------------------------------------ password reset

pub fn record_reset_attempt(
    conn: &mut AnyConnection,
    email: &str,
    ip: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(reset_attempts::table)
        .values((
            reset_attempts::email.eq(email),
            reset_attempts::ip.eq(ip),
            reset_attempts::at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Reset requests since `since`: for this address, from this IP.
pub fn recent_reset_attempts(
    conn: &mut AnyConnection,
    email: &str,
    ip: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, i64)> {
    let by_email = reset_attempts::table
        .filter(reset_attempts::email.eq(email))
        .filter(reset_attempts::at.ge(since))
        .count()
        .get_result(conn)?;
    let by_ip = reset_attempts::table
        .filter(reset_attempts::ip.eq(ip))
        .filter(reset_attempts::at.ge(since))
        .count()
        .get_result(conn)?;
    Ok((by_email, by_ip))
}

pub fn create_reset(
    conn: &mut AnyConnection,
    user_id: i32,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::user_id.eq(user_id),
            password_resets::token_hash.eq(token_hash),
            password_resets::created_at.eq(now),
            password_resets::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(drop)
}

/// The user of an unused, unexpired token.
pub fn valid_reset(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<i32>> {
    password_resets::table
        .filter(password_resets::token_hash.eq(token_hash))
        .filter(password_resets::used_at.is_null())
        .filter(password_resets::expires_at.gt(now))
        .select(password_resets::user_id)
        .first(conn)
        .optional()
}

/// Uses up every open token of the user (the one used and any other).
pub fn use_resets(conn: &mut AnyConnection, user_id: i32, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        password_resets::table
            .filter(password_resets::user_id.eq(user_id))
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(now))
    .execute(conn)
    .map(drop)
}

/// Submitted requests waiting for review, oldest first: id, staff name, unit.
pub fn waiting_requests(
    conn: &mut AnyConnection,
    limit: i64,
) -> QueryResult<Vec<(i32, String, String)>> {
    use super::schema::{requests, staff, units};
    let rows: Vec<(i32, String, String, String)> = requests::table
        .inner_join(staff::table)
        .inner_join(units::table)
        .filter(requests::state.eq(State::Submitted))
        .order(requests::id)
        .limit(limit)
        .select((
            requests::id,
            staff::first_name,
            staff::last_name,
            units::name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, first, last, unit)| (id, format!("{first} {last}"), unit))
        .collect())
}

pub fn count_waiting(conn: &mut AnyConnection) -> QueryResult<i64> {
    use super::schema::requests;
    requests::table
        .filter(requests::state.eq(State::Submitted))
        .count()
        .get_result(conn)
}
