//! Settings admins may change: the NES SMS hold length and the date the BTK
//! rule took effect (the rule is young and may change).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use crate::app::AppState;
use crate::db::settings::DATE_FORMAT;
use crate::service::{Actor, settings};
use crate::web::errors::AppError;
use crate::web::forms::{Form, FormErrors};
use crate::web::page::{Page, render_status, see_other};
use crate::web::session::{FlashKind, TypedSession};

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    page: Page,
    hours: String,
    start: String,
    errors: FormErrors,
}

pub async fn form(state: web::Data<AppState>, page: Page) -> Result<HttpResponse, AppError> {
    let (hours, start) = state.call(settings::hold).await?;
    let (hours, start) = (hours.to_string(), start.format(DATE_FORMAT).to_string());
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

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    hours: String,
    /// The rule's start date, `yyyy-mm-dd`.
    start: String,
}

pub async fn save(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    Form(f): Form<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let (hours, start) = (f.hours.trim().to_owned(), f.start.trim().to_owned());
    let mut errors = FormErrors::default();
    let h = hours.parse::<i64>().ok().filter(|h| (0..=72).contains(h));
    if h.is_none() {
        errors.add(
            "hours",
            "Bekleme süresi 0 ile 72 saat arasında bir tam sayı olmalı.",
        );
    }
    let d = NaiveDate::parse_from_str(&start, DATE_FORMAT).ok();
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
    let now = state.clock.now_naive();
    state
        .call(move |conn| settings::set_hold(conn, &actor, h, d, now))
        .await?;
    session.flash(FlashKind::Success, "Ayarlar kaydedildi.");
    Ok(see_other(crate::paths::SETTINGS))
}
