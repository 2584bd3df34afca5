//! "Parolamı unuttum": the request form (the same answer whether or not the
//! address has an account) and the new-password form a mailed link opens.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::errors::AppError;
use super::forms::{Form, FormErrors};
use super::identity::client_ip;
use super::page::{Page, render, render_status, see_other};
use super::session::{FlashKind, TypedSession, random_token};
use crate::app::AppState;
use crate::domain::auth::check_new_password;
use crate::service::accounts;

#[derive(Template)]
#[template(path = "auth/reset_request.html")]
struct RequestPage {
    page: Page,
    sent: bool,
}

pub async fn request_form(page: Page) -> Result<HttpResponse, AppError> {
    render(&RequestPage { page, sent: false })
}

#[derive(Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    email: String,
}

/// Always the same page: nothing tells whether the address has an account
/// or whether the request was throttled.
pub async fn request(
    state: web::Data<AppState>,
    req: HttpRequest,
    page: Page,
    form: Form<RequestForm>,
) -> Result<HttpResponse, AppError> {
    let email = form.0.email.trim().to_lowercase();
    if !email.is_empty() && email.chars().count() <= 254 {
        let ip = client_ip(&req);
        let token = random_token();
        let now = state.clock.now_naive();
        state
            .call(move |conn| accounts::request_reset(conn, &email, &ip, &token, now))
            .await?;
    }
    render(&RequestPage { page, sent: true })
}

#[derive(Template)]
#[template(path = "auth/reset_form.html")]
struct ResetPage {
    page: Page,
    token: String,
    valid: bool,
    errors: FormErrors,
}

fn invalid(page: Page, token: String) -> Result<HttpResponse, AppError> {
    render_status(
        &ResetPage {
            page,
            token,
            valid: false,
            errors: FormErrors::default(),
        },
        StatusCode::GONE,
    )
}

pub async fn reset_form(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let (t, now) = (token.clone(), state.clock.now_naive());
    let account = state
        .call(move |conn| accounts::reset_account(conn, &t, now))
        .await?;
    if account.is_none() {
        return invalid(page, token);
    }
    render(&ResetPage {
        page,
        token,
        valid: true,
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    page: Page,
    session: TypedSession,
    path: web::Path<String>,
    form: Form<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let (t, now) = (token.clone(), state.clock.now_naive());
    let Some((_, name, email)) = state
        .call(move |conn| accounts::reset_account(conn, &t, now))
        .await?
    else {
        return invalid(page, token);
    };
    let ResetForm { new, confirm } = form.0;
    let mut errors = FormErrors::default();
    if let Err(msg) = check_new_password(&new, &[&name, &email]) {
        errors.add("new", msg);
    }
    if confirm != new {
        errors.add("confirm", "Parolalar eşleşmiyor.");
    }
    if !errors.is_empty() {
        let page = ResetPage {
            page,
            token,
            valid: true,
            errors,
        };
        return render_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let hash = state
        .passwords
        .hash(new)
        .await?
        .map_err(AppError::internal)?;
    let ip = client_ip(&req);
    let t = token.clone();
    let done = state
        .call(move |conn| accounts::reset_password(conn, &t, &hash, &ip, now))
        .await?;
    if !done {
        return invalid(page, token);
    }
    session.flash(
        FlashKind::Success,
        "Parolanız değiştirildi ve bütün oturumlarınız kapatıldı. Yeni parolanızla giriş yapın.",
    );
    Ok(see_other(crate::paths::LOGIN))
}
