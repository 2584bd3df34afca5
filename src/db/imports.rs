//! Uploaded staff lists waiting for the officer's confirmation. The parsed
//! rows are kept as JSON; nothing reaches `staff` until the confirm.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::imports;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = imports)]
pub struct Import {
    pub id: i32,
    pub user_id: i32,
    pub file_name: String,
    pub rows_json: String,
    pub created_at: NaiveDateTime,
    pub committed_at: Option<NaiveDateTime>,
}

pub fn create(
    conn: &mut AnyConnection,
    user_id: i32,
    file_name: &str,
    rows_json: &str,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(imports::table)
        .values((
            imports::user_id.eq(user_id),
            imports::file_name.eq(file_name),
            imports::rows_json.eq(rows_json),
            imports::created_at.eq(now),
        ))
        .returning(imports::id)
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: i32) -> QueryResult<Option<Import>> {
    imports::table
        .find(id)
        .select(Import::as_select())
        .first(conn)
        .optional()
}

/// Marks the import committed; false if it already was (a second confirm).
pub fn mark_committed(conn: &mut AnyConnection, id: i32, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        imports::table
            .filter(imports::id.eq(id))
            .filter(imports::committed_at.is_null()),
    )
    .set(imports::committed_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}

/// Empties the stored rows (names, T.C. numbers) of imports uploaded
/// before `cutoff`; the row stays for the audit log's references. Returns
/// how many were emptied.
pub fn empty_before(conn: &mut AnyConnection, cutoff: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        imports::table
            .filter(imports::created_at.lt(cutoff))
            .filter(imports::rows_json.ne("[]")),
    )
    .set(imports::rows_json.eq("[]"))
    .execute(conn)
}
