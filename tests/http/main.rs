//! Integration tests through HTTP against the real app and a fresh database
//! per test. SQLite by default; PostgreSQL when `TEST_DATABASE_URL` is set
//! (`scripts/test` runs both).

mod admin;
mod audit;
mod auth;
mod billing;
mod config;
mod contact;
mod crash;
mod csrf;
mod demo;
mod expiry;
mod fees;
mod guide;
mod helpers;
mod import_limits;
mod kvkk;
mod letters;
mod lifecycle;
mod mail;
mod matrix;
mod operations;
mod operator_bill;
mod queue;
mod registry;
mod roles;
mod scale;
mod site;
mod threads;
