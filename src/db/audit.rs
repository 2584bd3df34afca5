//! The audit log: who did what to what, when and from where.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer};

use super::AnyConnection;
use super::schema::{audit_log, users};
use crate::domain::audit_chain::{Content, Link};
use crate::domain::time::day_start_utc;

/// One row as stored, seal included. Rows are only ever inserted: triggers
/// refuse UPDATE and DELETE on both backends.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct ChainRow {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<i32>,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
    pub prev_hash: String,
    pub hash: String,
}

impl ChainRow {
    pub fn content(&self) -> Content<'_> {
        Content {
            id: self.id,
            at: self.at,
            actor_id: self.actor_id,
            action: &self.action,
            target: &self.target,
            detail: &self.detail,
            ip: &self.ip,
        }
    }

    pub fn link(&self) -> Link<'_> {
        Link {
            content: self.content(),
            prev_hash: &self.prev_hash,
            hash: &self.hash,
        }
    }
}

/// The advisory lock that serialises appends on PostgreSQL ("mobilimz").
const CHAIN_LOCK: i64 = 0x6D6F_6269_6C69_6D7A;

/// Makes this transaction the only one appending until it ends, so the
/// chain stays linear. SQLite write transactions already hold the database
/// write lock (`BEGIN IMMEDIATE`, see [`super::transaction`]); PostgreSQL
/// takes a transaction-scoped advisory lock.
pub fn lock_chain(conn: &mut AnyConnection) -> QueryResult<()> {
    match conn {
        AnyConnection::Sqlite(_) => Ok(()),
        AnyConnection::Postgresql(c) => diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(CHAIN_LOCK)
            .execute(c)
            .map(drop),
    }
}

/// The highest id, sealed or not.
pub fn max_id(conn: &mut AnyConnection) -> QueryResult<Option<i64>> {
    audit_log::table
        .select(diesel::dsl::max(audit_log::id))
        .first(conn)
}

/// The lowest id.
pub fn min_id(conn: &mut AnyConnection) -> QueryResult<Option<i64>> {
    audit_log::table
        .select(diesel::dsl::min(audit_log::id))
        .first(conn)
}

/// The last sealed row: the one the next row follows.
pub fn last_sealed(conn: &mut AnyConnection) -> QueryResult<Option<ChainRow>> {
    audit_log::table
        .filter(audit_log::hash.ne(""))
        .order(audit_log::id.desc())
        .select(ChainRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut AnyConnection, row: &ChainRow) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Up to `limit` rows after id `after`, in id order: the chain in chunks.
pub fn chain_after(conn: &mut AnyConnection, after: i64, limit: i64) -> QueryResult<Vec<ChainRow>> {
    audit_log::table
        .filter(audit_log::id.gt(after))
        .order(audit_log::id)
        .limit(limit)
        .select(ChainRow::as_select())
        .load(conn)
}

/// Up to `limit` unsealed rows after id `after`, in id order.
pub fn unsealed_after(
    conn: &mut AnyConnection,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<ChainRow>> {
    audit_log::table
        .filter(audit_log::id.gt(after))
        .filter(audit_log::hash.eq(""))
        .order(audit_log::id)
        .limit(limit)
        .select(ChainRow::as_select())
        .load(conn)
}

/// The id of the row whose seal is `hash`, if one exists.
pub fn id_of_hash(conn: &mut AnyConnection, hash: &str) -> QueryResult<Option<i64>> {
    audit_log::table
        .filter(audit_log::hash.eq(hash))
        .select(audit_log::id)
        .first(conn)
        .optional()
}

/// Who the viewer's "Kim" filter asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorFilter {
    User(i32),
    /// Rows without a user: the system (jobs, CLI) and failed logins.
    Nobody,
}

/// The viewer's filters; `None` means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: Option<ActorFilter>,
    pub action: Option<String>,
    /// From this day (Istanbul), inclusive.
    pub from: Option<NaiveDate>,
    /// Until this day (Istanbul), inclusive.
    pub to: Option<NaiveDate>,
    /// Rows about this request.
    pub request_id: Option<i32>,
    /// Rows about this unit, its requests, its staff and its officers.
    pub unit_id: Option<i32>,
}

#[derive(Debug, Clone, Queryable)]
pub struct AuditRow {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor: Option<String>,
    pub actor_email: Option<String>,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
}

macro_rules! filtered {
    ($f:expr) => {{
        let f: &AuditFilter = $f;
        let mut q = audit_log::table.left_join(users::table).into_boxed();
        match f.actor {
            Some(ActorFilter::User(id)) => q = q.filter(audit_log::actor_id.eq(id)),
            Some(ActorFilter::Nobody) => q = q.filter(audit_log::actor_id.is_null()),
            None => {}
        }
        if let Some(action) = &f.action {
            q = q.filter(audit_log::action.eq(action.clone()));
        }
        if let Some(from) = f.from {
            q = q.filter(audit_log::at.ge(day_start_utc(from)));
        }
        if let Some(next) = f.to.and_then(|d| d.succ_opt()) {
            q = q.filter(audit_log::at.lt(day_start_utc(next)));
        }
        if let Some(id) = f.request_id {
            q = q.filter(audit_log::target.eq(format!("request:{id}")));
        }
        if let Some(unit) = f.unit_id {
            // The unit, its requests, its staff records and the users
            // responsible for it. Plain SQL (the same on both backends), as
            // diesel builds no `'request:' || id`.
            q = q.filter(
                sql::<Bool>("(audit_log.target = 'unit:' || CAST(")
                    .bind::<Integer, _>(unit)
                    .sql(" AS TEXT) OR audit_log.target IN (SELECT 'request:' || CAST(id AS TEXT) FROM requests WHERE unit_id = ")
                    .bind::<Integer, _>(unit)
                    .sql(") OR audit_log.target IN (SELECT 'staff:' || CAST(id AS TEXT) FROM staff WHERE unit_id = ")
                    .bind::<Integer, _>(unit)
                    .sql(") OR audit_log.target IN (SELECT 'user:' || CAST(user_id AS TEXT) FROM user_units WHERE unit_id = ")
                    .bind::<Integer, _>(unit)
                    .sql("))"),
            );
        }
        q
    }};
}

/// The columns of an [`AuditRow`].
macro_rules! row {
    () => {
        (
            audit_log::id,
            audit_log::at,
            users::name.nullable(),
            users::email.nullable(),
            audit_log::action,
            audit_log::target,
            audit_log::detail,
            audit_log::ip,
        )
    };
}

pub fn count(conn: &mut AnyConnection, f: &AuditFilter) -> QueryResult<i64> {
    filtered!(f).count().get_result(conn)
}

/// One page of the filtered rows, newest first.
pub fn page(
    conn: &mut AnyConnection,
    f: &AuditFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    filtered!(f)
        .order(audit_log::id.desc())
        .offset(offset)
        .limit(limit)
        .select(row!())
        .load(conn)
}

/// Up to `limit` filtered rows older than id `before`, newest first: the
/// export in keyset chunks.
pub fn before(
    conn: &mut AnyConnection,
    f: &AuditFilter,
    before: i64,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    filtered!(f)
        .filter(audit_log::id.lt(before))
        .order(audit_log::id.desc())
        .limit(limit)
        .select(row!())
        .load(conn)
}
