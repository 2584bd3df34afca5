//! Admin pages: users with roles and units, units, the audit log.

pub mod audit;
pub mod rates;
pub mod settings;
pub mod units;
pub mod users;

use actix_web::HttpRequest;

use super::identity::{CurrentUser, client_ip};

/// Who is acting, captured before work moves to a blocking thread.
pub struct Actor {
    pub id: i32,
    pub ip: String,
}

impl Actor {
    pub fn of(user: &CurrentUser, req: &HttpRequest) -> Self {
        Self {
            id: user.id,
            ip: client_ip(req),
        }
    }
}

/// Parses a path id; anything that is not a positive number is "not found".
pub fn parse_id(raw: &str) -> Result<i32, super::errors::AppError> {
    raw.parse::<i32>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(super::errors::AppError::NotFound)
}
