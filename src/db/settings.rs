//! Key/value settings kept in the database: whether this is a demo database,
//! and the NES SMS hold (its length and the date the BTK rule took effect),
//! which admins may change because the rule is young.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::settings;
use crate::domain::hold::HoldRule;

pub const DEMO: &str = "demo";
pub const HOLD_HOURS: &str = "nes_hold_hours";
pub const HOLD_START: &str = "nes_hold_start";
/// How [`HOLD_START`] is written.
pub const DATE_FORMAT: &str = "%Y-%m-%d";

/// The hold rule in force: the settings (read in one query), or the
/// defaults where unset.
pub fn hold_rule(conn: &mut AnyConnection) -> QueryResult<HoldRule> {
    let set: Vec<(String, String)> = settings::table
        .filter(
            settings::key
                .eq(HOLD_HOURS)
                .or(settings::key.eq(HOLD_START)),
        )
        .select((settings::key, settings::value))
        .load(conn)?;
    let value = |key: &str| set.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let hours = value(HOLD_HOURS)
        .and_then(|v| v.parse().ok())
        .unwrap_or(HoldRule::DEFAULT_HOURS);
    let start = value(HOLD_START)
        .and_then(|v| NaiveDate::parse_from_str(v, DATE_FORMAT).ok())
        .unwrap_or_else(HoldRule::default_start);
    Ok(HoldRule::new(hours, start))
}

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

/// The e-İmza Şefliği's contact details on the information pages, one key
/// per field of [`crate::domain::guide::OfficeContact`].
pub const CONTACT_KEYS: [&str; 6] = [
    "office_name",
    "office_phone",
    "office_email",
    "office_kep",
    "office_address",
    "office_hours",
];

/// The stored contact fields in the order of [`CONTACT_KEYS`] (`None` where
/// never set).
pub fn contact_fields(conn: &mut AnyConnection) -> QueryResult<Vec<Option<String>>> {
    let stored: Vec<(String, String)> = settings::table
        .filter(settings::key.eq_any(CONTACT_KEYS))
        .select((settings::key, settings::value))
        .load(conn)?;
    Ok(CONTACT_KEYS
        .iter()
        .map(|k| {
            stored
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        })
        .collect())
}
