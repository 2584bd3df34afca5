//! The dashboard, each role's area page, `/healthz` and the embedded stylesheet.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::errors::AppError;
use super::page::{Page, render};
use crate::app::AppState;
use crate::domain::role::Role;
use crate::domain::time::format_local;
use crate::service::{self, Actor};

#[derive(Template)]
#[template(path = "home/dashboard.html")]
struct Dashboard {
    page: Page,
    cards: Vec<(&'static str, &'static str, &'static str)>,
    /// "What is waiting for me": (text, link).
    waiting: Vec<(String, String)>,
    /// Latest notices addressed to this user: (when, text, link).
    notices: Vec<(String, String, String)>,
}

pub async fn dashboard(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
) -> Result<HttpResponse, AppError> {
    let cards = actor.roles.iter().map(|r| card(*r)).collect();
    let now = state.clock.now_naive();
    let service::home::Dashboard { waiting, notices } = state
        .call(move |conn| service::home::dashboard(conn, &actor, now))
        .await?;
    let notices = notices
        .into_iter()
        .map(|(at, text, link)| (format_local(at), text, link))
        .collect();
    render(&Dashboard {
        page,
        cards,
        waiting,
        notices,
    })
}

/// A role's card: its area's address, title and description.
fn card(role: Role) -> (&'static str, &'static str, &'static str) {
    match role {
        Role::Officer => (
            crate::paths::REQUESTS,
            "Proje Sorumlusu",
            "Biriminizin personeli ve mobil imza talepleri.",
        ),
        Role::Reviewer => (
            crate::paths::REVIEW_QUEUE,
            "e-İmza Şefliği",
            "Gelen talepleri inceleyin, onaylayın ve Kamu SM'ye iletin.",
        ),
        Role::Finance => (
            crate::paths::FEES,
            "Mali İşler",
            "Sertifika ve aylık kullanım ücretleri, raporlar.",
        ),
        Role::Staff => (
            crate::paths::ME,
            "Personel",
            "İletişim bilgileriniz ve mobil imza başvurunuz.",
        ),
        Role::Admin => (
            crate::paths::USERS,
            "Yönetici",
            "Kullanıcılar, roller, birimler ve denetim kaydı.",
        ),
    }
}

/// Liveness and database reachability, for load balancers and monitoring.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    match state.call(service::home::ping).await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({"status": "ok", "database": "ok"})),
        Err(e) => {
            tracing::warn!(error = ?e, "health check: database unreachable");
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({"status": "error", "database": "unreachable"}))
        }
    }
}

/// The one script: progressive enhancement only (the "Yazdır" buttons);
/// every page works without it.
pub async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(include_str!("../../static/app.js"))
}

pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(include_str!("../../static/app.css"))
}
