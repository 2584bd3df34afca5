//! Units (il müdürlüğü, kaymakamlık, birim…), each in one of the 81 provinces.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::parse_id;
use crate::app::AppState;
use crate::db::units::{Province, UnitRow};
use crate::domain::cover_letter::LetterSettings;
use crate::domain::unit::{UnitKind, parse_unit_name};
use crate::service::Actor;
use crate::service::units::{self as units_service, UnitInput, UnitSaved};
use crate::web::errors::AppError;
use crate::web::forms::{Form, FormErrors, checked};
use crate::web::page::{Page, render, render_status, see_other};
use crate::web::session::{FlashKind, TypedSession};

#[derive(Template)]
#[template(path = "admin/units.html")]
struct UnitsPage {
    page: Page,
    units: Vec<UnitRow>,
}

impl UnitsPage {
    fn kind_label(&self, code: &str) -> &'static str {
        UnitKind::from_code(code).map_or("—", UnitKind::label)
    }
}

pub async fn list(state: web::Data<AppState>, page: Page) -> Result<HttpResponse, AppError> {
    let units = state.call(units_service::list).await?;
    render(&UnitsPage { page, units })
}

/// What the form shows: the values as typed.
#[derive(Default)]
struct UnitValues {
    province_id: String,
    name: String,
    kind: String,
    active: bool,
    letter_heading: String,
    signer_name: String,
    signer_title: String,
    number_prefix: String,
}

#[derive(Template)]
#[template(path = "admin/unit_form.html")]
struct UnitForm {
    page: Page,
    editing: Option<i32>,
    values: UnitValues,
    errors: FormErrors,
    provinces: &'static [Province],
    kinds: [UnitKind; 5],
}

impl UnitForm {
    fn province_selected(&self, id: &i32) -> bool {
        self.values.province_id == id.to_string()
    }

    /// The one-line letter settings: (field, label, value).
    fn letter_fields(&self) -> [(&'static str, &'static str, &str); 3] {
        [
            (
                "signer_name",
                "İmza sahibinin adı soyadı",
                &self.values.signer_name,
            ),
            (
                "signer_title",
                "İmza sahibinin unvanı",
                &self.values.signer_title,
            ),
            (
                "number_prefix",
                "Sayı öneki (ör. E-12345678-010.06)",
                &self.values.number_prefix,
            ),
        ]
    }
}

async fn form_page(
    state: &AppState,
    page: Page,
    editing: Option<i32>,
    values: UnitValues,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let provinces = state.call(units_service::provinces).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(
        &UnitForm {
            page,
            editing,
            values,
            errors,
            provinces,
            kinds: UnitKind::ALL,
        },
        status,
    )
}

pub async fn new_form(state: web::Data<AppState>, page: Page) -> Result<HttpResponse, AppError> {
    let values = UnitValues {
        active: true,
        kind: UnitKind::Birim.code().into(),
        ..Default::default()
    };
    form_page(&state, page, None, values, FormErrors::default()).await
}

pub async fn edit_form(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let (unit, letter) = state
        .call(move |conn| units_service::for_edit(conn, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let values = UnitValues {
        province_id: unit.province_id.to_string(),
        name: unit.name,
        kind: unit.kind,
        active: unit.active,
        letter_heading: letter.heading_text(),
        signer_name: letter.signer_name,
        signer_title: letter.signer_title,
        number_prefix: letter.number_prefix,
    };
    form_page(&state, page, Some(id), values, FormErrors::default()).await
}

fn validate(values: &UnitValues) -> Result<UnitInput, FormErrors> {
    let mut errors = FormErrors::default();
    let province_id = values
        .province_id
        .parse::<i32>()
        .ok()
        .filter(|p| (1..=81).contains(p));
    if province_id.is_none() {
        errors.add("province_id", "Bir il seçin.");
    }
    let name = parse_unit_name(&values.name)
        .map_err(|m| errors.add("name", m))
        .ok();
    let kind = UnitKind::from_code(&values.kind);
    if kind.is_none() {
        errors.add("kind", "Birim türünü seçin.");
    }
    let letter = LetterSettings::parse(
        &values.letter_heading,
        &values.signer_name,
        &values.signer_title,
        &values.number_prefix,
    )
    .map_err(|e| e.into_iter().for_each(|(f, m)| errors.add(f, m)))
    .ok();
    match (province_id, name, kind, letter) {
        (Some(province_id), Some(name), Some(kind), Some(letter)) => Ok(UnitInput {
            province_id,
            name,
            kind,
            active: values.active,
            letter,
        }),
        _ => Err(errors),
    }
}

/// The unit form.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct UnitFields {
    province_id: String,
    name: String,
    kind: String,
    active: Option<String>,
    letter_heading: String,
    signer_name: String,
    signer_title: String,
    number_prefix: String,
}

fn values_of(form: UnitFields) -> UnitValues {
    UnitValues {
        province_id: form.province_id,
        name: form.name,
        kind: form.kind,
        active: checked(&form.active),
        letter_heading: form.letter_heading,
        signer_name: form.signer_name,
        signer_title: form.signer_title,
        number_prefix: form.number_prefix,
    }
}

pub async fn create(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    Form(form): Form<UnitFields>,
) -> Result<HttpResponse, AppError> {
    save(state, page, session, actor, None, form).await
}

pub async fn update(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    path: web::Path<String>,
    Form(form): Form<UnitFields>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    save(state, page, session, actor, Some(id), form).await
}

async fn save(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    editing: Option<i32>,
    form: UnitFields,
) -> Result<HttpResponse, AppError> {
    let values = values_of(form);
    let input = match validate(&values) {
        Ok(v) => v,
        Err(errors) => return form_page(&state, page, editing, values, errors).await,
    };
    let now = state.clock.now_naive();
    let saved = state
        .call(move |conn| units_service::save(conn, &actor, editing, &input, now))
        .await?;
    match saved {
        UnitSaved::NotFound => Err(AppError::NotFound),
        UnitSaved::NameTaken => {
            let mut errors = FormErrors::default();
            errors.add("name", "Bu ilde aynı adla bir birim zaten var.");
            form_page(&state, page, editing, values, errors).await
        }
        UnitSaved::Done(_) => {
            session.flash(
                FlashKind::Success,
                if editing.is_some() {
                    "Birim güncellendi."
                } else {
                    "Birim eklendi."
                },
            );
            Ok(see_other(crate::paths::UNITS))
        }
    }
}
