//! The audit log: who did what to what, when and from where.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{audit_log, users};

#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub at: NaiveDateTime,
    pub actor_id: Option<i32>,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    pub ip: &'a str,
}

pub fn record(conn: &mut AnyConnection, e: &AuditEntry<'_>) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(e.at),
            audit_log::actor_id.eq(e.actor_id),
            audit_log::action.eq(e.action),
            audit_log::target.eq(e.target),
            audit_log::detail.eq(e.detail),
            audit_log::ip.eq(e.ip),
        ))
        .execute(conn)
        .map(drop)
}

#[derive(Debug, Clone, Queryable)]
pub struct AuditRow {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor: Option<String>,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
}

pub fn recent(conn: &mut AnyConnection, limit: i64) -> QueryResult<Vec<AuditRow>> {
    audit_log::table
        .left_join(users::table)
        .order(audit_log::id.desc())
        .limit(limit)
        .select((
            audit_log::id,
            audit_log::at,
            users::name.nullable(),
            audit_log::action,
            audit_log::target,
            audit_log::detail,
            audit_log::ip,
        ))
        .load(conn)
}

pub fn count_action(conn: &mut AnyConnection, action: &str) -> QueryResult<i64> {
    audit_log::table
        .filter(audit_log::action.eq(action))
        .count()
        .get_result(conn)
}
