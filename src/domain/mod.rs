//! Pure rules, no I/O. Values here are parsed once at the edge and cannot hold
//! an invalid value afterwards.

pub mod auth;
pub mod email;
pub mod role;
pub mod text;
pub mod time;
pub mod unit;
