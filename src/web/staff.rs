//! The staff registry for officers: list and search their units' staff,
//! create and edit records. Every record is read through the unit scope.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::admin::parse_id;
use super::errors::AppError;
use super::forms::{Form, FormErrors, checked};
use super::page::{Page, keyset_links, render, render_status, see_other};
use super::session::{FlashKind, TypedSession};
use crate::app::AppState;
use crate::db::{staff::Staff, units::UnitRow};
use crate::domain::kvkk;
use crate::domain::phone::display as phone_display;
use crate::domain::staff::{LineType, Operator, StaffInput, ValidStaff};
use crate::domain::tckn::mask;
use crate::service::Actor;
use crate::service::page_cache::DataVersion;
use crate::service::staff::{self, Saved, StaffPage, StaffQuery, Start};
use crate::service::{ServiceError, ServiceResult};

/// Staff per page of the list.
pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    birim: Option<String>,
    /// After this record (the next page).
    sonra: Option<String>,
    /// Before this record (the previous page).
    once: Option<String>,
}

impl ListQuery {
    fn start(&self) -> Start {
        let id = |v: &Option<String>| v.as_deref().and_then(|v| v.trim().parse().ok());
        match (id(&self.sonra), id(&self.once)) {
            (Some(a), _) => Start::After(a),
            (None, Some(b)) => Start::Before(b),
            (None, None) => Start::First,
        }
    }

    /// The search and unit, URL-encoded, for the pager links.
    fn without_cursor(&self) -> String {
        let pairs: Vec<(&str, &str)> = [("q", &self.q), ("birim", &self.birim)]
            .into_iter()
            .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| (k, v)))
            .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

pub struct StaffRow {
    pub id: i32,
    pub name: String,
    pub tckn: String,
    pub sicil_no: String,
    pub title: String,
    pub unit: String,
    pub phone: String,
    pub operator: String,
    pub line_type: String,
    pub has_signature: bool,
    /// Anonymised (KVKK retention): no request can be filed for it.
    pub anonymised: bool,
}

#[derive(Template)]
#[template(path = "staff/list.html")]
struct ListPage<'a> {
    page: Page,
    /// No record on this page.
    empty: bool,
    /// The rows, rendered with the kept page.
    rows: &'a str,
    q: String,
    /// The unit chosen in the filter.
    chosen: Option<i32>,
    units: &'a [(i32, String)],
    prev: Option<String>,
    next: Option<String>,
}

/// A staff page as it is kept: the service's page and its rows rendered
/// once (they depend only on the page).
pub struct StaffView {
    page: StaffPage,
    rows: String,
}

#[derive(Template)]
#[template(path = "staff/rows.html")]
struct Rows {
    rows: Vec<StaffRow>,
}

fn staff_view(page: StaffPage) -> ServiceResult<StaffView> {
    let rows = Rows {
        rows: page.rows.iter().map(StaffRow::from).collect(),
    }
    .render()
    .map_err(ServiceError::internal)?;
    Ok(StaffView { page, rows })
}

pub async fn list(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
    version: DataVersion,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let text = q.q.clone().unwrap_or_default();
    let unit = q.birim.clone().unwrap_or_default();
    let query = StaffQuery {
        unit: unit.parse::<i32>().ok(),
        text: text.clone(),
        from: q.start(),
        limit: PAGE_SIZE,
    };
    let view = match staff::kept_page(&state.pages.staff, &actor, &query, version) {
        Some(kept) => kept,
        None => {
            let pages = state.pages.clone();
            state
                .call(move |conn| {
                    staff::page(conn, &pages.staff, &actor, query, version, staff_view)
                })
                .await?
        }
    };
    let found = &view.page;
    let shown = found.rows.first().zip(found.rows.last());
    let (prev, next) = keyset_links(
        crate::paths::STAFF_LIST,
        &q.without_cursor(),
        shown.map(|((first, _), (last, _))| (first.id, last.id)),
        found.has_prev,
        found.has_next,
    );
    render(&ListPage {
        page,
        empty: found.rows.is_empty(),
        rows: &view.rows,
        q: text,
        chosen: unit.trim().parse().ok(),
        units: &found.units,
        prev,
        next,
    })
}

impl From<&(Staff, String)> for StaffRow {
    fn from((s, unit): &(Staff, String)) -> Self {
        StaffRow {
            id: s.id,
            name: s.full_name(),
            tckn: mask(&s.tckn),
            anonymised: kvkk::is_anonymised(&s.tckn),
            sicil_no: s.sicil_no.clone(),
            title: s.title.clone(),
            unit: unit.clone(),
            phone: phone_display(&s.phone),
            operator: s.operator.label().to_owned(),
            line_type: s.line_type.label().to_owned(),
            has_signature: s.has_signature,
        }
    }
}

#[derive(Template)]
#[template(path = "staff/form.html")]
struct FormPage {
    page: Page,
    editing: Option<i32>,
    /// When editing: the stored number, masked (the T.C. field starts
    /// empty and keeps it unless another is typed).
    tckn_masked: String,
    /// When editing an anonymised record: shown, not editable.
    anonymised: bool,
    v: StaffInput,
    unit_id: String,
    units: Vec<UnitRow>,
    errors: FormErrors,
    operators: [Operator; 3],
    line_types: [LineType; 2],
    history_link: Option<i32>,
    contact_history: Vec<super::contact::HistoryView>,
}

impl FormPage {
    /// The hint of an edit's T.C. field.
    fn tckn_hint(&self) -> String {
        format!(
            "Boş bırakırsanız kayıtlı numara ({}) kalır; yalnızca değiştirmek için yazın.",
            self.tckn_masked
        )
    }
}

async fn officer_units(state: &AppState, actor: &Actor) -> Result<Vec<UnitRow>, AppError> {
    let actor = actor.clone();
    state.call(move |conn| staff::units_of(conn, &actor)).await
}

pub async fn new_form(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
) -> Result<HttpResponse, AppError> {
    let units = officer_units(&state, &actor).await?;
    let v = StaffInput {
        operator: Operator::Turkcell.code().into(),
        line_type: LineType::Faturali.code().into(),
        has_signature: "yok".into(),
        ..Default::default()
    };
    let unit_id = units
        .first()
        .map(|u| u.unit.id.to_string())
        .unwrap_or_default();
    render(&FormPage {
        page,
        editing: None,
        tckn_masked: String::new(),
        anonymised: false,
        v,
        unit_id,
        units,
        errors: FormErrors::default(),
        operators: Operator::ALL,
        line_types: LineType::ALL,
        history_link: None,
        contact_history: Vec::new(),
    })
}

/// Loads a staff record the officer may see, or 404.
async fn visible(state: &AppState, actor: &Actor, id: i32) -> Result<Staff, AppError> {
    let actor = actor.clone();
    state
        .call(move |conn| staff::find(conn, &actor, id))
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn edit_form(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let units = officer_units(&state, &actor).await?;
    let (s, open, contact_history) = state
        .call(move |conn| staff::record(conn, &actor, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let contact_history = super::contact::history_view(contact_history);
    let (tckn_masked, anonymised) = (mask(&s.tckn), kvkk::is_anonymised(&s.tckn));
    let v = StaffInput {
        tckn: String::new(),
        first_name: s.first_name,
        last_name: s.last_name,
        sicil_no: s.sicil_no,
        title: s.title,
        email: s.email,
        phone: phone_display(&s.phone),
        operator: s.operator.code().to_owned(),
        line_type: s.line_type.code().to_owned(),
        has_signature: if s.has_signature { "var" } else { "yok" }.into(),
    };
    render(&FormPage {
        page,
        editing: Some(id),
        tckn_masked,
        anonymised,
        v,
        unit_id: s.unit_id.to_string(),
        units,
        errors: FormErrors::default(),
        operators: Operator::ALL,
        line_types: LineType::ALL,
        history_link: open,
        contact_history,
    })
}

/// The staff record form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StaffForm {
    tckn: String,
    first_name: String,
    last_name: String,
    sicil_no: String,
    title: String,
    email: String,
    phone: String,
    operator: String,
    line_type: String,
    has_signature: Option<String>,
    unit_id: String,
}

fn input_of(f: &StaffForm) -> StaffInput {
    StaffInput {
        tckn: f.tckn.clone(),
        first_name: f.first_name.clone(),
        last_name: f.last_name.clone(),
        sicil_no: f.sicil_no.clone(),
        title: f.title.clone(),
        email: f.email.clone(),
        phone: f.phone.clone(),
        operator: f.operator.clone(),
        line_type: f.line_type.clone(),
        has_signature: if checked(&f.has_signature) {
            "var"
        } else {
            "yok"
        }
        .into(),
    }
}

pub async fn create(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    Form(form): Form<StaffForm>,
) -> Result<HttpResponse, AppError> {
    save(state, page, session, actor, None, form).await
}

pub async fn update(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    path: web::Path<String>,
    Form(form): Form<StaffForm>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    if kvkk::is_anonymised(&visible(&state, &actor, id).await?.tckn) {
        return Ok(anonymised(&session, id));
    }
    save(state, page, session, actor, Some(id), form).await
}

/// The answer to a change of an anonymised record: refused, back to it.
fn anonymised(session: &TypedSession, id: i32) -> HttpResponse {
    session.flash(
        FlashKind::Error,
        "Bu kayıt KVKK saklama süresi dolduğu için anonimleştirildi; değiştirilemez.",
    );
    see_other(&crate::paths::staff(id))
}

/// The form as typed and, when editing, the stored T.C. number; when
/// editing, the line stays as stored (it changes only through the
/// contact-change page, which applies its consequences).
async fn typed_input(
    state: &AppState,
    actor: &Actor,
    editing: Option<i32>,
    f: &StaffForm,
) -> Result<(StaffInput, Option<String>), AppError> {
    let mut v = input_of(f);
    let Some(id) = editing else {
        return Ok((v, None));
    };
    let stored = visible(state, actor, id).await?;
    v.phone = phone_display(&stored.phone);
    v.operator = stored.operator.code().to_owned();
    v.line_type = stored.line_type.code().to_owned();
    v.has_signature = if stored.has_signature { "var" } else { "yok" }.into();
    Ok((v, Some(stored.tckn)))
}

/// The valid record and its unit, or the errors to show. An edit's empty
/// T.C. field keeps `stored_tckn`.
fn validate(
    actor: &Actor,
    v: &StaffInput,
    stored_tckn: Option<&str>,
    unit_id: &str,
) -> Result<(ValidStaff, i32), FormErrors> {
    let mut errors = FormErrors::default();
    let unit = unit_id
        .parse::<i32>()
        .ok()
        .filter(|u| actor.unit_ids.contains(u));
    if unit.is_none() {
        errors.add("unit_id", "Sorumlu olduğunuz birimlerden birini seçin.");
    }
    let valid = match stored_tckn {
        Some(stored) => v.validate_edit(stored),
        None => v.validate(),
    };
    let valid = valid.map_err(|list| {
        for (field, msg) in list {
            errors.add(field, msg);
        }
    });
    match (valid, unit) {
        (Ok(valid), Some(unit)) if errors.is_empty() => Ok((valid, unit)),
        _ => Err(errors),
    }
}

/// The errors for a T.C. number and/or e-mail another record has.
fn taken(tckn: bool, email: bool) -> FormErrors {
    let mut errors = FormErrors::default();
    if tckn {
        errors.add(
            "tckn",
            "Bu T.C. kimlik numarasıyla kayıtlı bir personel zaten var.",
        );
    }
    if email {
        errors.add(
            "email",
            "Bu e-posta adresiyle kayıtlı bir personel zaten var.",
        );
    }
    errors
}

/// Where a save leads: the record, or the errors to show on the form.
fn after_save(
    session: &TypedSession,
    editing: Option<i32>,
    saved: Saved,
) -> Result<HttpResponse, FormErrors> {
    match saved {
        Saved::Done(id) => {
            let done = if editing.is_some() {
                "Personel kaydı güncellendi."
            } else {
                "Personel eklendi."
            };
            session.flash(FlashKind::Success, done);
            Ok(see_other(&crate::paths::staff(id)))
        }
        Saved::Taken { tckn, email } => Err(taken(tckn, email)),
        Saved::Anonymised => Ok(anonymised(session, editing.unwrap_or_default())),
    }
}

async fn save(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    editing: Option<i32>,
    f: StaffForm,
) -> Result<HttpResponse, AppError> {
    let (v, stored_tckn) = typed_input(&state, &actor, editing, &f).await?;
    let unit_id = f.unit_id.clone();
    let errors = match validate(&actor, &v, stored_tckn.as_deref(), &unit_id) {
        Ok((valid, unit)) => {
            let now = state.clock.now_naive();
            let saved = state
                .call({
                    let actor = actor.clone();
                    move |conn| staff::save(conn, &actor, editing, &valid, unit, now)
                })
                .await?;
            match after_save(&session, editing, saved) {
                Ok(answer) => return Ok(answer),
                Err(errors) => errors,
            }
        }
        Err(errors) => errors,
    };
    let units = officer_units(&state, &actor).await?;
    let page = FormPage {
        page,
        editing,
        tckn_masked: stored_tckn.as_deref().map(mask).unwrap_or_default(),
        anonymised: false,
        v,
        unit_id,
        units,
        errors,
        operators: Operator::ALL,
        line_types: LineType::ALL,
        history_link: None,
        contact_history: Vec::new(),
    };
    render_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
}

#[derive(Template)]
#[template(path = "staff/tckn.html")]
struct TcknPage {
    page: Page,
    id: i32,
    name: String,
    tckn: String,
}

/// `POST /personel/{id}/tc`: the record's full T.C. number, on a page of
/// its own; the view is written to the audit log (another unit's record: 404).
pub async fn reveal_tckn(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let now = state.clock.now_naive();
    let s = state
        .call(move |conn| staff::reveal_tckn(conn, &actor, id, now))
        .await?
        .ok_or(AppError::NotFound)?;
    render(&TcknPage {
        page,
        id,
        name: s.full_name(),
        tckn: s.tckn,
    })
}
