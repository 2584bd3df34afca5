//! Mobil İmza Talep Portalı: staff mobile-signature requests, their review and
//! forwarding to Kamu SM, and everything that follows. `main.rs` only parses
//! the command line; everything else lives here.

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod jobs;
pub mod mailer;
pub mod password;
pub mod paths;
pub mod service;
pub mod web;
