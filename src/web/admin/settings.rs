//! Settings admins may change: the NES SMS hold length and the date the BTK
//! rule took effect (the rule is young and may change).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use super::Actor;
use crate::app::AppState;
use crate::db::{self, audit::AuditEntry};
use crate::domain::hold::HoldRule;
use crate::web::errors::AppError;
use crate::web::forms::{FormData, FormErrors};
use crate::web::identity::CurrentUser;
use crate::web::page::{Page, render_status, see_other};
use crate::web::requests::hold_rule;
use crate::web::session::{FlashKind, TypedSession};

pub const HOLD_HOURS: &str = "nes_hold_hours";
pub const HOLD_START: &str = "nes_hold_start";

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    page: Page,
    hours: String,
    start: String,
    errors: FormErrors,
}

pub async fn form(state: web::Data<AppState>, page: Page) -> Result<HttpResponse, AppError> {
    let (hours, start) = state
        .db(|conn| {
            let rule = hold_rule(conn)?;
            let start = db::settings::get(conn, HOLD_START)?
                .unwrap_or_else(|| HoldRule::default_start().format("%Y-%m-%d").to_string());
            Ok((rule.hours.to_string(), start))
        })
        .await?;
    render_status(
        &SettingsPage {
            page,
            hours,
            start,
            errors: FormErrors::default(),
        },
        StatusCode::OK,
    )
}

pub async fn save(
    state: web::Data<AppState>,
    req: HttpRequest,
    page: Page,
    session: TypedSession,
    user: CurrentUser,
    f: FormData,
) -> Result<HttpResponse, AppError> {
    let (hours, start) = (
        f.get("hours").trim().to_owned(),
        f.get("start").trim().to_owned(),
    );
    let mut errors = FormErrors::default();
    let h = hours.parse::<i64>().ok().filter(|h| (0..=72).contains(h));
    if h.is_none() {
        errors.add(
            "hours",
            "Bekleme süresi 0 ile 72 saat arasında bir tam sayı olmalı.",
        );
    }
    let d = NaiveDate::parse_from_str(&start, "%Y-%m-%d").ok();
    if d.is_none() {
        errors.add("start", "Yürürlük tarihini gg.aa.yyyy olarak seçin.");
    }
    let (Some(h), Some(d)) = (h, d) else {
        return render_status(
            &SettingsPage {
                page,
                hours,
                start,
                errors,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let actor = Actor::of(&user, &req);
    let now = state.clock.now_naive();
    state
        .db(move |conn| {
            db::transaction(conn, |conn| {
                db::settings::set(conn, HOLD_HOURS, &h.to_string())?;
                db::settings::set(conn, HOLD_START, &d.format("%Y-%m-%d").to_string())?;
                db::audit::record(
                    conn,
                    &AuditEntry {
                        at: now,
                        actor_id: Some(actor.id),
                        action: "settings.updated",
                        target: "nes_hold",
                        detail: &format!("{h} saat, yürürlük {}", d.format("%d.%m.%Y")),
                        ip: &actor.ip,
                    },
                )?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    session.flash(FlashKind::Success, "Ayarlar kaydedildi.");
    Ok(see_other(crate::web::paths::SETTINGS))
}
