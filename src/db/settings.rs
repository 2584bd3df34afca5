//! Key/value settings kept in the database (e.g. whether this is a demo database).

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::settings;

pub const DEMO: &str = "demo";

pub fn get(conn: &mut AnyConnection, key: &str) -> QueryResult<Option<String>> {
    settings::table
        .find(key)
        .select(settings::value)
        .first(conn)
        .optional()
}

/// Select-then-write: MultiConnection has no portable upsert.
pub fn set(conn: &mut AnyConnection, key: &str, value: &str) -> QueryResult<()> {
    let updated = diesel::update(settings::table.find(key))
        .set(settings::value.eq(value))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((settings::key.eq(key), settings::value.eq(value)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn is_demo(conn: &mut AnyConnection) -> QueryResult<bool> {
    Ok(get(conn, DEMO)?.as_deref() == Some("true"))
}
