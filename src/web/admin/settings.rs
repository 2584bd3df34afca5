//! Settings admins may change: the NES SMS hold length and the date the BTK
//! rule took effect (the rule is young and may change), and the e-İmza
//! Şefliği's contact details shown on the information pages.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use crate::app::AppState;
use crate::db::settings::DATE_FORMAT;
use crate::domain::guide::OfficeContact;
use crate::service::{Actor, guide, settings};
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
    contact: OfficeContact,
    contact_errors: FormErrors,
}

impl SettingsPage {
    /// The page as stored, before either form was sent.
    async fn stored(state: &AppState, page: Page) -> Result<Self, AppError> {
        let (hours, start) = state.call(settings::hold).await?;
        let contact = state.call(guide::contact).await?;
        Ok(SettingsPage {
            page,
            hours: hours.to_string(),
            start: start.format(DATE_FORMAT).to_string(),
            errors: FormErrors::default(),
            contact,
            contact_errors: FormErrors::default(),
        })
    }
}

pub async fn form(state: web::Data<AppState>, page: Page) -> Result<HttpResponse, AppError> {
    render_status(&SettingsPage::stored(&state, page).await?, StatusCode::OK)
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
        let stored = SettingsPage::stored(&state, page).await?;
        return render_status(
            &SettingsPage {
                hours,
                start,
                errors,
                ..stored
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

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ContactForm {
    name: String,
    phone: String,
    email: String,
    kep: String,
    address: String,
    hours: String,
}

/// The e-İmza Şefliği's contact details; each wrong field is named next to
/// it and nothing is stored.
pub async fn save_contact(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    Form(f): Form<ContactForm>,
) -> Result<HttpResponse, AppError> {
    let typed = OfficeContact {
        name: f.name,
        phone: f.phone,
        email: f.email,
        kep: f.kep,
        address: f.address,
        hours: f.hours,
    };
    let contact = match OfficeContact::parse(&typed) {
        Ok(c) => c,
        Err(messages) => {
            let mut contact_errors = FormErrors::default();
            for (field, message) in messages {
                contact_errors.add(field, message);
            }
            let stored = SettingsPage::stored(&state, page).await?;
            return render_status(
                &SettingsPage {
                    contact: typed,
                    contact_errors,
                    ..stored
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let now = state.clock.now_naive();
    state
        .call(move |conn| guide::set_contact(conn, &actor, &contact, now))
        .await?;
    session.flash(FlashKind::Success, "İletişim bilgileri kaydedildi.");
    Ok(see_other(crate::paths::SETTINGS))
}
