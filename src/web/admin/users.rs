//! User accounts: list, create, edit, deactivate; roles and officer units.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::parse_id;
use crate::app::AppState;
use crate::db::{self, units::UnitRow, users::UserAccess};
use crate::domain::auth::check_new_password;
use crate::domain::email::Email;
use crate::domain::role::Role;
use crate::domain::text::Line;
use crate::service::Actor;
use crate::service::accounts::{self, UserInput, UserSaved};
use crate::web::errors::AppError;
use crate::web::forms::{Form, FormErrors, checked};
use crate::web::page::{Page, render, render_status, see_other};
use crate::web::session::{FlashKind, TypedSession};

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    page: Page,
    users: Vec<UserAccess>,
    units: Vec<UnitRow>,
}

impl UsersPage {
    fn roles_of(&self, u: &UserAccess) -> String {
        u.roles
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn units_of(&self, u: &UserAccess) -> String {
        self.units
            .iter()
            .filter(|r| u.unit_ids.contains(&r.unit.id))
            .map(|r| r.unit.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub async fn list(state: web::Data<AppState>, page: Page) -> Result<HttpResponse, AppError> {
    let (users, units) = state.call(accounts::users_with_units).await?;
    render(&UsersPage { page, users, units })
}

#[derive(Default)]
struct UserValues {
    name: String,
    email: String,
    roles: Vec<String>,
    units: Vec<i32>,
    active: bool,
}

#[derive(Template)]
#[template(path = "admin/user_form.html")]
struct UserForm {
    page: Page,
    editing: Option<i32>,
    values: UserValues,
    errors: FormErrors,
    units: Vec<UnitRow>,
    roles: [Role; 5],
}

impl UserForm {
    fn role_checked(&self, role: &Role) -> bool {
        self.values.roles.iter().any(|c| c == role.code())
    }

    fn unit_checked(&self, id: &i32) -> bool {
        self.values.units.contains(id)
    }
}

async fn form_page(
    state: &AppState,
    page: Page,
    editing: Option<i32>,
    values: UserValues,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let units = state.call(crate::service::units::list).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(
        &UserForm {
            page,
            editing,
            values,
            errors,
            units,
            roles: Role::ALL,
        },
        status,
    )
}

pub async fn new_form(state: web::Data<AppState>, page: Page) -> Result<HttpResponse, AppError> {
    let values = UserValues {
        active: true,
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
    let access = state
        .call(move |conn| accounts::user_access(conn, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let values = UserValues {
        name: access.user.name,
        email: access.user.email,
        roles: access.roles.iter().map(|r| r.code().to_owned()).collect(),
        units: access.unit_ids,
        active: access.user.active,
    };
    form_page(&state, page, Some(id), values, FormErrors::default()).await
}

/// The form, validated: the user to save and the new password, if any.
struct ValidUser {
    input: UserInput,
    password: Option<String>,
}

impl ValidUser {
    /// Admins may not lock themselves out: an admin editing their own
    /// account keeps it active and keeps the admin role.
    fn check_self(&self, editing: Option<i32>, actor: &Actor) -> Result<(), FormErrors> {
        let own = editing.is_some() && editing == actor.id;
        if own && (!self.input.active || !self.input.roles.contains(&Role::Admin)) {
            let mut errors = FormErrors::default();
            errors.add(
                "roles",
                "Kendi yönetici rolünüzü kaldıramaz, kendi hesabınızı pasifleştiremezsiniz.",
            );
            return Err(errors);
        }
        Ok(())
    }
}

fn parse_person_name(raw: &str) -> Result<String, String> {
    let name = Line::parse(raw, "Ad soyad", 200)?.into_string();
    if name.chars().count() < 2 {
        return Err("Ad soyad en az 2 karakter olmalı.".to_owned());
    }
    Ok(name)
}

fn validate(form: &UserFields, values: &UserValues, is_new: bool) -> Result<ValidUser, FormErrors> {
    let mut errors = FormErrors::default();
    let name = parse_person_name(&values.name)
        .map_err(|m| errors.add("name", m))
        .ok();
    let email = Email::parse(&values.email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let password = form.password.as_str();
    let password = if password.is_empty() && !is_new {
        None
    } else {
        match check_new_password(password, &[&values.name, &values.email]) {
            Ok(()) => Some(password.to_owned()),
            Err(m) => {
                errors.add("password", m);
                None
            }
        }
    };
    let roles: Vec<Role> = values
        .roles
        .iter()
        .filter_map(|c| Role::from_code(c))
        .collect();
    if roles.len() != values.roles.len() {
        errors.add("roles", "Bilinmeyen bir rol seçildi.");
    } else if roles.is_empty() {
        errors.add("roles", "En az bir rol seçin.");
    }
    let officer = roles.contains(&Role::Officer);
    if form.units.len() != values.units.len() {
        errors.add("units", "Birim seçimi okunamadı.");
    } else if officer && values.units.is_empty() {
        errors.add("units", "Proje Sorumlusu için en az bir birim seçin.");
    } else if !officer && !values.units.is_empty() {
        errors.add("units", "Birim yalnızca Proje Sorumlusu rolüyle atanır.");
    }
    match (name, email, errors.is_empty()) {
        (Some(name), Some(email), true) => Ok(ValidUser {
            input: UserInput {
                name,
                email,
                roles,
                units: values.units.clone(),
                active: values.active,
            },
            password,
        }),
        _ => Err(errors),
    }
}

/// The user form.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct UserFields {
    name: String,
    email: String,
    /// Empty when editing: the password stays as it is.
    password: String,
    roles: Vec<String>,
    units: Vec<String>,
    active: Option<String>,
}

fn values_of(form: &UserFields) -> UserValues {
    let mut units: Vec<i32> = form.units.iter().filter_map(|u| u.parse().ok()).collect();
    units.sort_unstable();
    units.dedup();
    UserValues {
        name: form.name.clone(),
        email: form.email.clone(),
        roles: form.roles.clone(),
        units,
        active: checked(&form.active),
    }
}

pub async fn create(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    Form(form): Form<UserFields>,
) -> Result<HttpResponse, AppError> {
    save(state, page, session, actor, None, form).await
}

pub async fn update(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    path: web::Path<String>,
    Form(form): Form<UserFields>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    save(state, page, session, actor, Some(id), form).await
}

/// Hashes a new password off the request threads, within the hashing bound.
async fn hash_password(state: &AppState, pw: Option<String>) -> Result<Option<String>, AppError> {
    let Some(pw) = pw else { return Ok(None) };
    let hash = state
        .passwords
        .hash(pw)
        .await?
        .map_err(AppError::internal)?;
    Ok(Some(hash))
}

/// Creates (with the password hash) or updates the user through the service.
async fn store(
    state: &AppState,
    actor: Actor,
    editing: Option<i32>,
    input: UserInput,
    hash: Option<String>,
) -> Result<UserSaved, AppError> {
    let now = state.clock.now_naive();
    let demo = state.demo.load(std::sync::atomic::Ordering::Relaxed);
    match (editing, hash) {
        (Some(id), hash) => {
            let update = move |conn: &mut db::AnyConnection| {
                accounts::update_user(conn, &actor, id, &input, hash.as_deref(), now)
            };
            state.call(update).await
        }
        (None, Some(hash)) => {
            let create = move |conn: &mut db::AnyConnection| {
                accounts::create_user(conn, &actor, &input, &hash, demo, now)
            };
            state.call(create).await
        }
        (None, None) => Err(AppError::BadRequest),
    }
}

async fn save(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    editing: Option<i32>,
    form: UserFields,
) -> Result<HttpResponse, AppError> {
    let mut values = values_of(&form);
    if editing.is_none() {
        values.active = true;
    }
    let valid = match validate(&form, &values, editing.is_none()) {
        Ok(v) => v,
        Err(errors) => return form_page(&state, page, editing, values, errors).await,
    };
    if let Err(errors) = valid.check_self(editing, &actor) {
        return form_page(&state, page, editing, values, errors).await;
    }
    let hash = hash_password(&state, valid.password).await?;
    let saved = store(&state, actor, editing, valid.input, hash).await?;
    let mut errors = FormErrors::default();
    match saved {
        UserSaved::Done(_) => {
            let done = if editing.is_some() {
                "Kullanıcı güncellendi."
            } else {
                "Kullanıcı oluşturuldu."
            };
            session.flash(FlashKind::Success, done);
            return Ok(see_other(crate::paths::USERS));
        }
        UserSaved::NotFound => return Err(AppError::NotFound),
        UserSaved::EmailTaken => errors.add(
            "email",
            "Bu e-posta adresiyle kayıtlı bir kullanıcı zaten var.",
        ),
        UserSaved::UnknownUnit => {
            errors.add("units", "Seçilen birimlerden biri bulunamadı ya da pasif.")
        }
    }
    form_page(&state, page, editing, values, errors).await
}
