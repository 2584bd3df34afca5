//! The dashboard, each role's area page, `/healthz` and the embedded stylesheet.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::errors::AppError;
use super::identity::CurrentUser;
use super::page::{Page, render};
use crate::app::AppState;
use crate::db;
use crate::domain::role::Role;
use crate::domain::workflow::State;

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
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let cards = user
        .roles
        .iter()
        .map(|r| match r {
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
        })
        .collect();
    let now = state.clock.now_naive();
    let uid = user.id;
    let (waiting, notices) = state
        .db(move |conn| {
            Ok((
                waiting_for(conn, &user, now)?,
                db::contact::recent_notices(conn, uid, 10)?,
            ))
        })
        .await?;
    let notices = notices
        .into_iter()
        .map(|(at, text, link)| (crate::domain::time::format_local(at), text, link))
        .collect();
    render(&Dashboard {
        page,
        cards,
        waiting,
        notices,
    })
}

fn waiting_for(
    conn: &mut crate::db::AnyConnection,
    user: &CurrentUser,
    now: chrono::NaiveDateTime,
) -> Result<Vec<(String, String)>, AppError> {
    let mut out = Vec::new();
    let count = |counts: &[(State, i64)], s: State| {
        counts.iter().find(|(c, _)| *c == s).map_or(0, |(_, n)| *n)
    };
    if user.has(Role::Officer) {
        let counts = db::requests::counts_by_state(conn, Some(&user.unit_ids), Some(true))?;
        let returned = count(&counts, State::Returned);
        if returned > 0 {
            out.push((
                format!("{returned} talep düzeltme için size geri gönderildi."),
                crate::paths::requests_tab("returned"),
            ));
        }
        let docs = db::requests::count_docs_to_send(conn, &user.unit_ids)?;
        if docs > 0 {
            out.push((
                format!("{docs} talep için operatör evrakını göndermeniz bekleniyor."),
                crate::paths::requests_tab("forwarded"),
            ));
        }
    }
    if user.has(Role::Reviewer) {
        let counts = db::requests::counts_by_state(conn, None, Some(true))?;
        let submitted = count(&counts, State::Submitted);
        if submitted > 0 {
            out.push((
                format!("{submitted} talep incelemenizi bekliyor."),
                crate::paths::review_tab(State::Submitted.code()),
            ));
        }
        let hold = db::settings::hold_rule(conn)?;
        let ending =
            db::requests::holds_ending(conn, now - chrono::Duration::hours(hold.hours - 1))?;
        if ending > 0 {
            out.push((
                format!("{ending} talebin SMS beklemesi bir saat içinde bitiyor ya da bitti."),
                crate::paths::review_tab(State::SmsHold.code()),
            ));
        }
        let flagged = db::requests::count_flagged(conn)?;
        if flagged > 0 {
            out.push((
                format!(
                    "{flagged} talep personel tarafından \"bilgim dışında\" olarak bildirildi."
                ),
                crate::paths::review_tab("flagged"),
            ));
        }
    }
    if user.has(Role::Staff)
        && let Some(s) = db::staff::find_by_email(conn, &user.email)?
    {
        let filter = db::requests::Filter {
            staff_id: Some(s.id),
            ..Default::default()
        };
        if let Some(l) =
            db::requests::page(conn, &filter, db::requests::Order::NewestFirst, None, 1)?
                .into_iter()
                .next()
        {
            out.push((
                format!("Mobil imza başvurunuzun durumu: {}.", l.state),
                crate::paths::request(l.id),
            ));
        }
    }
    Ok(out)
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
