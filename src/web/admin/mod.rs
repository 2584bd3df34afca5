//! Admin pages: users with roles and units, units, rate tables, settings, the
//! mail queue and the audit log.

pub mod audit;
pub mod mail;
pub mod rates;
pub mod settings;
pub mod units;
pub mod users;

/// Parses a path id; anything that is not a positive number is "not found".
pub fn parse_id(raw: &str) -> Result<i32, super::errors::AppError> {
    raw.parse::<i32>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(super::errors::AppError::NotFound)
}
