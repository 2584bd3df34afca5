//! Scheduled work that runs inside `serve`.

pub mod billing;
pub mod expiry;
