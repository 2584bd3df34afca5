//! `POST /test/saat`: moves the server's clock ahead for the browser tests
//! (`tests/browser`). Compiled only with the `test-clock` cargo feature (the
//! module is declared behind it in `web/mod.rs` and registered behind it in
//! `app::app`), so a default or release build has no such route; the route
//! inventory (`web/inventory.rs`) lists the routes of `web::routes` only, and
//! `tests/architecture.rs` checks that this stays behind the feature. It still
//! sits behind the login and CSRF checks like every other POST.

use actix_web::middleware::from_fn;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::identity::require_login;
use crate::clock::offset::OffsetClock;

/// Registered by `app::app` only when the feature is on.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/test/saat")
            .wrap(from_fn(require_login))
            .route(web::post().to(advance)),
    );
}

#[derive(Debug, Deserialize)]
pub struct Advance {
    /// Seconds to move ahead.
    saniye: i64,
}

async fn advance(form: web::Form<Advance>) -> HttpResponse {
    let now = OffsetClock::advance(form.saniye);
    tracing::warn!(%now, "TEST SAATİ ileri alındı");
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(now.to_rfc3339())
}
