//! The dashboard, each role's area page, `/healthz` and the embedded stylesheet.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::errors::AppError;
use super::identity::CurrentUser;
use super::page::{Page, render};
use crate::app::AppState;
use crate::db;
use crate::domain::role::Role;

#[derive(Template)]
#[template(path = "home/dashboard.html")]
struct Dashboard {
    page: Page,
    cards: Vec<(&'static str, &'static str, &'static str)>,
}

pub async fn dashboard(page: Page, user: CurrentUser) -> Result<HttpResponse, AppError> {
    let cards = user
        .roles
        .iter()
        .map(|r| match r {
            Role::Officer => (
                "/talepler",
                "Proje Sorumlusu",
                "Biriminizin personeli ve mobil imza talepleri.",
            ),
            Role::Reviewer => (
                "/inceleme",
                "e-İmza Şefliği",
                "Gelen talepleri inceleyin, onaylayın ve Kamu SM'ye iletin.",
            ),
            Role::Finance => (
                "/mali",
                "Mali İşler",
                "Sertifika ve aylık kullanım ücretleri, raporlar.",
            ),
            Role::Staff => (
                "/bilgilerim",
                "Personel",
                "İletişim bilgileriniz ve mobil imza başvurunuz.",
            ),
            Role::Admin => (
                "/yonetim/kullanicilar",
                "Yönetici",
                "Kullanıcılar, roller, birimler ve denetim kaydı.",
            ),
        })
        .collect();
    render(&Dashboard { page, cards })
}

#[derive(Template)]
#[template(path = "home/area.html")]
struct Area {
    page: Page,
    title: &'static str,
    intro: &'static str,
    units: Vec<String>,
}

pub async fn officer_area(
    state: web::Data<AppState>,
    page: Page,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let ids = user.unit_ids.clone();
    let units = state
        .db(move |conn| {
            Ok(db::units::list(conn)?
                .into_iter()
                .filter(|r| ids.contains(&r.unit.id))
                .map(|r| format!("{} — {}", r.unit.name, r.province))
                .collect::<Vec<_>>())
        })
        .await?;
    render(&Area {
        page,
        title: "Taleplerim",
        intro: "Sorumlu olduğunuz birimlerin personeli için mobil imza talebi açar, \
                düzeltme isteklerini yanıtlar ve operatör evrakının gönderimini kaydedersiniz.",
        units,
    })
}

pub async fn reviewer_area(page: Page) -> Result<HttpResponse, AppError> {
    render(&Area {
        page,
        title: "İnceleme kuyruğu",
        intro: "Proje sorumlularının gönderdiği talepleri inceler, onaylar ya da düzeltmeye gönderir \
                ve onaylananları Kamu SM'ye iletirsiniz.",
        units: Vec::new(),
    })
}

pub async fn finance_area(page: Page) -> Result<HttpResponse, AppError> {
    render(&Area {
        page,
        title: "Ücretler ve raporlar",
        intro: "Sertifika ücretleri (65,00 TL + KDV) ve aylık kullanım ücretleri burada izlenir ve dışa aktarılır.",
        units: Vec::new(),
    })
}

pub async fn staff_area(page: Page) -> Result<HttpResponse, AppError> {
    render(&Area {
        page,
        title: "Bilgilerim",
        intro: "Cep telefonu, operatör ve mobil imza bilgilerinizi güncel tutarsınız; \
                hat, SIM, numara ya da operatör değişikliği mobil imzanızı geçersiz kılar.",
        units: Vec::new(),
    })
}

/// Liveness and database reachability, for load balancers and monitoring.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    match state.db(|conn| Ok(db::ping(conn)?)).await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({"status": "ok", "database": "ok"})),
        Err(e) => {
            tracing::warn!(error = ?e, "health check: database unreachable");
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({"status": "error", "database": "unreachable"}))
        }
    }
}

pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(include_str!("../../static/app.css"))
}
