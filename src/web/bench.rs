//! The same-stack ceiling (`bench` feature only, never in the normal
//! binary): `GET /bench/fortunes` runs one query of a 12-row table, adds a
//! row in memory, sorts by message and renders an escaped askama template —
//! the least a page of this portal can cost on this stack (actix-web,
//! sessions and the other middleware, the pool, diesel, askama).
//!
//! Its routes are registered by [`routes`] from `web::routes` under
//! `#[cfg(feature = "bench")]`, not in the route table itself, so the route
//! inventory (`inventory.rs`, which reads `web/mod.rs`) and `docs/routes.md`
//! list only the portal's own routes.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::errors::AppError;
use crate::app::AppState;
use crate::service::fortunes::{self, Fortune};

#[derive(Template)]
#[template(path = "bench/fortunes.html")]
struct FortunesPage {
    rows: Vec<Fortune>,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/bench/fortunes", web::get().to(fortunes_page));
}

async fn fortunes_page(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let rows = state.call(fortunes::list).await?;
    let body = FortunesPage { rows }.render().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body))
}
