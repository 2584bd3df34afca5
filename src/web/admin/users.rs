//! User accounts: list, create, edit, deactivate; roles and officer units.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{Actor, parse_id};
use crate::app::AppState;
use crate::db::{
    self, audit::AuditEntry, units::UnitRow, users::NewUser, users::UserAccess, users::UserChanges,
};
use crate::domain::auth::check_new_password;
use crate::domain::email::Email;
use crate::domain::role::Role;
use crate::web::errors::AppError;
use crate::web::forms::{FormData, FormErrors};
use crate::web::identity::CurrentUser;
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
    let (users, units) = state
        .db(|conn| Ok((db::users::list_with_access(conn)?, db::units::list(conn)?)))
        .await?;
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
    let units = state.db(|conn| Ok(db::units::list(conn)?)).await?;
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
        .db(move |conn| match db::users::find(conn, id)? {
            Some(u) => Ok(Some(db::users::access(conn, u)?)),
            None => Ok(None),
        })
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

struct ValidUser {
    name: String,
    email: Email,
    password: Option<String>,
    roles: Vec<Role>,
    units: Vec<i32>,
    active: bool,
}

fn parse_person_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => Err("Ad soyad boş bırakılamaz."),
        1 => Err("Ad soyad en az 2 karakter olmalı."),
        n if n > 200 => Err("Ad soyad en fazla 200 karakter olabilir."),
        _ => Ok(name),
    }
}

fn validate(form: &FormData, values: &UserValues, is_new: bool) -> Result<ValidUser, FormErrors> {
    let mut errors = FormErrors::default();
    let name = parse_person_name(&values.name)
        .map_err(|m| errors.add("name", m))
        .ok();
    let email = Email::parse(&values.email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let password = form.get("password");
    let password = if password.is_empty() && !is_new {
        None
    } else {
        match check_new_password(password) {
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
    if form.all("units").len() != values.units.len() {
        errors.add("units", "Birim seçimi okunamadı.");
    } else if officer && values.units.is_empty() {
        errors.add("units", "Proje Sorumlusu için en az bir birim seçin.");
    } else if !officer && !values.units.is_empty() {
        errors.add("units", "Birim yalnızca Proje Sorumlusu rolüyle atanır.");
    }
    match (name, email, errors.is_empty()) {
        (Some(name), Some(email), true) => Ok(ValidUser {
            name,
            email,
            password,
            roles,
            units: values.units.clone(),
            active: values.active,
        }),
        _ => Err(errors),
    }
}

fn values_of(form: &FormData) -> UserValues {
    let mut units: Vec<i32> = form
        .all("units")
        .iter()
        .filter_map(|u| u.parse().ok())
        .collect();
    units.sort_unstable();
    units.dedup();
    UserValues {
        name: form.get("name").to_owned(),
        email: form.get("email").to_owned(),
        roles: form.all("roles").iter().map(|r| (*r).to_owned()).collect(),
        units,
        active: form.checked("active"),
    }
}

pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    page: Page,
    session: TypedSession,
    user: CurrentUser,
    form: FormData,
) -> Result<HttpResponse, AppError> {
    save(state, req, page, session, user, None, form).await
}

pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    page: Page,
    session: TypedSession,
    user: CurrentUser,
    path: web::Path<String>,
    form: FormData,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    save(state, req, page, session, user, Some(id), form).await
}

enum Refusal {
    EmailTaken,
    UnknownUnit,
}

async fn save(
    state: web::Data<AppState>,
    req: HttpRequest,
    page: Page,
    session: TypedSession,
    user: CurrentUser,
    editing: Option<i32>,
    form: FormData,
) -> Result<HttpResponse, AppError> {
    let mut values = values_of(&form);
    if editing.is_none() {
        values.active = true;
    }
    let valid = match validate(&form, &values, editing.is_none()) {
        Ok(v) => v,
        Err(errors) => return form_page(&state, page, editing, values, errors).await,
    };
    if editing == Some(user.id) && (!valid.active || !valid.roles.contains(&Role::Admin)) {
        let mut errors = FormErrors::default();
        errors.add(
            "roles",
            "Kendi yönetici rolünüzü kaldıramaz, kendi hesabınızı pasifleştiremezsiniz.",
        );
        return form_page(&state, page, editing, values, errors).await;
    }
    let hash = match &valid.password {
        Some(pw) => {
            let (hasher, pw) = (state.hasher.clone(), pw.clone());
            Some(
                web::block(move || hasher.hash(&pw))
                    .await?
                    .map_err(AppError::internal)?,
            )
        }
        None => None,
    };
    let actor = Actor::of(&user, &req);
    let now = state.clock.now_naive();
    let demo = state.demo.load(std::sync::atomic::Ordering::Relaxed);
    let result = state
        .db(move |conn| {
            db::transaction(conn, |conn| {
                if let Some(id) = editing {
                    db::users::find(conn, id)?.ok_or(AppError::NotFound)?;
                }
                if db::users::email_taken(conn, valid.email.as_str(), editing)? {
                    return Ok(Err(Refusal::EmailTaken));
                }
                if db::units::active_ids(conn, &valid.units)?.len() != valid.units.len() {
                    return Ok(Err(Refusal::UnknownUnit));
                }
                let id = match editing {
                    Some(id) => {
                        let changes = UserChanges {
                            email: valid.email.as_str(),
                            name: &valid.name,
                            active: valid.active,
                            updated_at: now,
                        };
                        db::users::update(conn, id, &changes, &valid.roles, &valid.units)?;
                        if let Some(hash) = &hash {
                            db::users::set_password(conn, id, hash, now)?;
                        }
                        // Deactivation or a password reset ends the user's sessions.
                        if !valid.active || hash.is_some() {
                            db::auth::delete_user_sessions(conn, id, None)?;
                        }
                        id
                    }
                    None => {
                        let hash = hash.as_deref().ok_or(AppError::BadRequest)?;
                        let new = NewUser {
                            email: valid.email.as_str(),
                            name: &valid.name,
                            password_hash: hash,
                            active: true,
                            is_demo: demo,
                            created_at: now,
                            updated_at: now,
                        };
                        db::users::create(conn, &new, &valid.roles, &valid.units)?
                    }
                };
                let roles: Vec<&str> = valid.roles.iter().map(|r| r.code()).collect();
                let detail = format!(
                    "e-posta={} roller={} birimler={:?} aktif={} parola={}",
                    valid.email,
                    roles.join(","),
                    valid.units,
                    valid.active,
                    if hash.is_some() {
                        "ayarlandı"
                    } else {
                        "değişmedi"
                    }
                );
                db::audit::record(
                    conn,
                    &AuditEntry {
                        at: now,
                        actor_id: Some(actor.id),
                        action: if editing.is_some() {
                            "user.updated"
                        } else {
                            "user.created"
                        },
                        target: &format!("user:{id}"),
                        detail: &detail,
                        ip: &actor.ip,
                    },
                )?;
                Ok::<_, AppError>(Ok(id))
            })
        })
        .await?;
    match result {
        Ok(_) => {
            session.flash(
                FlashKind::Success,
                if editing.is_some() {
                    "Kullanıcı güncellendi."
                } else {
                    "Kullanıcı oluşturuldu."
                },
            );
            Ok(see_other(crate::paths::USERS))
        }
        Err(refusal) => {
            let mut errors = FormErrors::default();
            match refusal {
                Refusal::EmailTaken => errors.add(
                    "email",
                    "Bu e-posta adresiyle kayıtlı bir kullanıcı zaten var.",
                ),
                Refusal::UnknownUnit => {
                    errors.add("units", "Seçilen birimlerden biri bulunamadı ya da pasif.")
                }
            }
            form_page(&state, page, editing, values, errors).await
        }
    }
}
