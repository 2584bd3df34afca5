//! Server-side sessions and the login-attempt log used for throttling.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{login_attempts, sessions, users};
use super::users::User;
use crate::domain::auth::{MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_IP, RecentFailures};
use crate::domain::role::Role;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct Session {
    /// SHA-256 (hex) of the token in the cookie.
    pub id: String,
    pub user_id: i32,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub ip: String,
    pub user_agent: String,
}

pub fn create_session(conn: &mut AnyConnection, s: &Session) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(s)
        .execute(conn)
        .map(drop)
}

diesel::define_sql_function! {
    /// `string_agg(expr, delimiter)`: PostgreSQL, and SQLite from 3.44.
    #[aggregate]
    fn string_agg(expr: diesel::sql_types::Nullable<diesel::sql_types::Text>, delimiter: diesel::sql_types::Text) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

diesel::define_sql_function! {
    /// `concat(x)`: the integer as text (NULL as ''), on both backends.
    #[sql_name = "concat"]
    fn int_text(x: diesel::sql_types::Nullable<diesel::sql_types::Integer>) -> diesel::sql_types::Text;
}

/// A session, its user, the roles and unit ids as comma-separated lists,
/// and the data version.
type AccessRow = (Session, User, Option<String>, Option<String>, Option<i64>);

/// The session `id` with its user's roles and units, in one query (it runs
/// on every request): the session and user row, the roles and the units
/// each gathered by a subquery into a comma-separated list (a join of roles
/// and units would give a row per pair — an officer of 74 units, 148 rows
/// grouped and sorted on every view), and the data version (read before
/// any page the request reads; see `service::page_cache`). A static query, run
/// on the backend's own connection, so the prepared statement is found by
/// its type: one round trip per request.
pub fn find_session_access(
    conn: &mut AnyConnection,
    id: &str,
) -> QueryResult<Option<(Session, super::users::UserAccess, i64)>> {
    use super::schema::{data_version, user_roles, user_units};
    use diesel::sql_types::Text;
    let found: Option<AccessRow> = on_backend!(conn, |c| sessions::table
        .filter(sessions::id.eq(id))
        .inner_join(users::table)
        .select((
            Session::as_select(),
            User::as_select(),
            user_roles::table
                .filter(user_roles::user_id.eq(sessions::user_id))
                .select(string_agg(
                    user_roles::role.nullable(),
                    ",".into_sql::<Text>()
                ))
                .single_value()
                .assume_not_null()
                .nullable(),
            user_units::table
                .filter(user_units::user_id.eq(sessions::user_id))
                .select(string_agg(
                    int_text(user_units::unit_id.nullable()).nullable(),
                    ",".into_sql::<Text>(),
                ))
                .single_value()
                .assume_not_null()
                .nullable(),
            data_version::table
                .filter(data_version::id.eq(1))
                .select(data_version::n)
                .single_value(),
        ))
        .first(c)
        .optional())?;
    let Some((session, user, roles, units, version)) = found else {
        return Ok(None);
    };
    let listed = |v: Option<String>| v.unwrap_or_default();
    let roles_text = listed(roles);
    let units_text = listed(units);
    let mut roles: Vec<Role> = roles_text.split(',').filter_map(Role::from_code).collect();
    roles.sort();
    let mut unit_ids: Vec<i32> = units_text
        .split(',')
        .filter_map(|u| u.parse().ok())
        .collect();
    unit_ids.sort_unstable();
    Ok(Some((
        session,
        super::users::UserAccess {
            user,
            roles,
            unit_ids,
        },
        version.unwrap_or_default(),
    )))
}

pub fn touch_session(conn: &mut AnyConnection, id: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(sessions::table.find(id))
        .set(sessions::last_seen_at.eq(now))
        .execute(conn)
        .map(drop)
}

pub fn delete_session(conn: &mut AnyConnection, id: &str) -> QueryResult<()> {
    diesel::delete(sessions::table.find(id))
        .execute(conn)
        .map(drop)
}

/// Ends every session of `user_id` except `keep` (the one making the change).
pub fn delete_user_sessions(
    conn: &mut AnyConnection,
    user_id: i32,
    keep: Option<&str>,
) -> QueryResult<usize> {
    let mut q = diesel::delete(sessions::table)
        .filter(sessions::user_id.eq(user_id))
        .into_boxed();
    if let Some(keep) = keep {
        q = q.filter(sessions::id.ne(keep));
    }
    q.execute(conn)
}

/// Serialises login bookkeeping: counting recent failures and recording the
/// new attempt happen as one step, so simultaneous attempts cannot all read
/// the same count. SQLite write transactions are `BEGIN IMMEDIATE` already;
/// PostgreSQL takes a transaction-scoped advisory lock.
pub fn lock_login_attempts(conn: &mut AnyConnection) -> QueryResult<()> {
    const LOGIN_LOCK: i64 = 0x6d6f_6269_6c01;
    match conn {
        AnyConnection::Sqlite(_) => Ok(()),
        AnyConnection::Postgresql(c) => diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(LOGIN_LOCK)
            .execute(c)
            .map(drop),
    }
}

/// Records an attempt and returns its id.
pub fn record_attempt(
    conn: &mut AnyConnection,
    email: &str,
    ip: &str,
    at: NaiveDateTime,
    success: bool,
) -> QueryResult<i64> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::email.eq(email),
            login_attempts::ip.eq(ip),
            login_attempts::at.eq(at),
            login_attempts::success.eq(success),
        ))
        .returning(login_attempts::id)
        .get_result(conn)
}

/// Turns a recorded (failed) attempt into a success.
pub fn mark_attempt_succeeded(conn: &mut AnyConnection, id: i64) -> QueryResult<()> {
    diesel::update(login_attempts::table.find(id))
        .set(login_attempts::success.eq(true))
        .execute(conn)
        .map(drop)
}

/// Failures since `since` for this e-mail (after its last success) and this IP.
pub fn recent_failures(
    conn: &mut AnyConnection,
    email: &str,
    ip: &str,
    since: NaiveDateTime,
) -> QueryResult<RecentFailures> {
    let ip = login_attempts::table
        .filter(login_attempts::ip.eq(ip))
        .filter(login_attempts::success.eq(false))
        .filter(login_attempts::at.ge(since))
        .select(login_attempts::id)
        .limit(MAX_FAILURES_PER_IP)
        .load::<i64>(conn)?
        .len() as i64;
    // An address over its limit is refused whatever the account: a storm
    // from one address costs one count per attempt, not three.
    if ip >= MAX_FAILURES_PER_IP {
        return Ok(RecentFailures { account: 0, ip });
    }
    let last_success: Option<NaiveDateTime> = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::success.eq(true))
        .filter(login_attempts::at.ge(since))
        .select(diesel::dsl::max(login_attempts::at))
        .first(conn)?;
    let mut account = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::success.eq(false))
        .filter(login_attempts::at.ge(since))
        .into_boxed();
    if let Some(success_at) = last_success {
        account = account.filter(login_attempts::at.gt(success_at));
    }
    // Counted up to the limit only: under a storm of attempts the window
    // holds thousands of failures, and counting them all made every further
    // attempt slower than the last.
    let account = account
        .select(login_attempts::id)
        .limit(MAX_FAILURES_PER_ACCOUNT)
        .load::<i64>(conn)?
        .len() as i64;
    Ok(RecentFailures { account, ip })
}
