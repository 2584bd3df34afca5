//! Pure rules, no I/O. Values here are parsed once at the edge and cannot hold
//! an invalid value afterwards.

pub mod audit;
pub mod audit_chain;
pub mod auth;
pub mod bill;
pub mod billing;
pub mod contact;
pub mod cover_letter;
pub mod email;
pub mod fees;
pub mod guide;
pub mod hold;
pub mod kvkk;
pub mod mail;
pub mod money;
pub mod payer;
pub mod phone;
pub mod rates;
pub mod request;
pub mod role;
pub mod staff;
pub mod staff_import;
pub mod tckn;
pub mod text;
pub mod thread;
pub mod time;
pub mod unit;
pub mod workflow;
pub mod xlsx;
