//! Login, logout and password change.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::errors::AppError;
use super::forms::{Form, FormErrors};
use super::identity::{CurrentUser, client_ip, sha256_hex};
use super::page::{Page, render, render_status, see_other};
use super::session::{FlashKind, TypedSession, random_token};
use crate::app::AppState;
use crate::domain::auth::{check_new_password, safe_next};
use crate::service::accounts::{self, LoginAttempt, LoginOutcome};
use crate::service::mail::{self, MyMail};

const BAD_LOGIN: &str = "E-posta adresi veya parola hatalı.";
const THROTTLED: &str =
    "Çok fazla başarısız giriş denemesi yapıldı. Lütfen 15 dakika sonra yeniden deneyin.";

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    page: Page,
    email: String,
    next: String,
    error: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(page: Page, q: web::Query<NextQuery>) -> Result<HttpResponse, AppError> {
    if page.user.is_some() {
        return Ok(see_other(safe_next(q.next.as_deref())));
    }
    let next = safe_next(q.next.as_deref()).to_owned();
    render(&LoginPage {
        page,
        email: String::new(),
        next,
        error: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// The user agent as sent, at most 200 characters, for the session row.
fn user_agent(req: &HttpRequest) -> String {
    req.headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(200)
        .collect()
}

/// Records the attempt (counted before any password is checked), then
/// checks the password unless throttled, within the hashing bound.
async fn check_login(
    state: &AppState,
    req: &HttpRequest,
    key: String,
    password: String,
    now: NaiveDateTime,
) -> Result<(LoginOutcome, Option<(LoginAttempt, String)>), AppError> {
    let ip = client_ip(req);
    let (k, i) = (key.clone(), ip.clone());
    let start = state
        .call_in_turn(move |conn| accounts::begin_login(conn, &k, &i, now))
        .await?;
    if start.throttled {
        return Ok((LoginOutcome::Throttled, None));
    }
    let (user_id, stored_hash) = start.account.unzip();
    let verified = state.passwords.verify(password, stored_hash).await?;
    let outcome = LoginOutcome::of(false, verified, user_id.is_some());
    let token = random_token();
    let attempt = LoginAttempt {
        attempt_id: start.attempt_id,
        email: key,
        ip,
        user_agent: user_agent(req),
        session_id: sha256_hex(&token),
        user_id,
        outcome,
    };
    Ok((outcome, Some((attempt, token))))
}

/// What an empty login form lacks (nothing is checked or counted then).
fn missing_login_field(email: &str, password: &str) -> Option<&'static str> {
    match (email.trim().is_empty(), password.is_empty()) {
        (true, true) => Some("E-posta adresinizi ve parolanızı girin."),
        (true, false) => Some("E-posta adresinizi girin."),
        (false, true) => Some("Parolanızı girin."),
        (false, false) => None,
    }
}

pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    page: Page,
    session: TypedSession,
    form: Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let LoginForm {
        email,
        password,
        next,
    } = form.0;
    if let Some(missing) = missing_login_field(&email, &password) {
        let page = LoginPage {
            page,
            email: email.trim().to_owned(),
            next: safe_next(next.as_deref()).to_owned(),
            error: Some(missing),
        };
        return render_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let key = email.trim().to_lowercase();
    let now = state.clock.now_naive();
    let (outcome, checked) = check_login(&state, &req, key, password, now).await?;
    let mut token = None;
    if let Some((attempt, t)) = checked {
        token = Some(t);
        state
            .call(move |conn| accounts::finish_login(conn, attempt, now))
            .await?;
    }
    let (error, status) = match (outcome, token) {
        (LoginOutcome::LoggedIn, Some(token)) => {
            session.start(&token).map_err(AppError::internal)?;
            return Ok(see_other(safe_next(next.as_deref())));
        }
        (LoginOutcome::Throttled, _) => (THROTTLED, StatusCode::TOO_MANY_REQUESTS),
        _ => (BAD_LOGIN, StatusCode::UNAUTHORIZED),
    };
    let next = safe_next(next.as_deref()).to_owned();
    render_status(
        &LoginPage {
            page,
            email: email.trim().to_owned(),
            next,
            error: Some(error),
        },
        status,
    )
}

pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: TypedSession,
    user: Option<CurrentUser>,
) -> Result<HttpResponse, AppError> {
    if let Some(user) = user {
        let now = state.clock.now_naive();
        let actor = user.actor(&client_ip(&req));
        state
            .call(move |conn| accounts::logout(conn, &actor, &user.session_id, now))
            .await?;
    }
    session.end();
    session.flash(FlashKind::Info, "Çıkış yaptınız.");
    Ok(see_other(crate::paths::LOGIN))
}

#[derive(Template)]
#[template(path = "auth/password.html")]
struct PasswordPage {
    page: Page,
    errors: FormErrors,
    mail: MyMail,
}

/// The messages the user receives, for the account page.
async fn my_mail(state: &AppState, user: &CurrentUser) -> Result<MyMail, AppError> {
    let actor = user.actor("");
    state.call(move |conn| mail::my_mail(conn, &actor)).await
}

pub async fn password_form(
    state: web::Data<AppState>,
    page: Page,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let mail = my_mail(&state, &user).await?;
    render(&PasswordPage {
        page,
        errors: FormErrors::default(),
        mail,
    })
}

#[derive(Deserialize)]
pub struct MailPreferences {
    /// "1": receive the reviewers' digest, anything else: not.
    #[serde(default)]
    ozet: String,
}

pub async fn mail_preferences(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: TypedSession,
    user: CurrentUser,
    form: Form<MailPreferences>,
) -> Result<HttpResponse, AppError> {
    let on = form.0.ozet == "1";
    let now = state.clock.now_naive();
    let actor = user.actor(&client_ip(&req));
    state
        .call(move |conn| mail::set_digest(conn, &actor, on, now))
        .await?;
    let text = if on {
        "Yeni talepler özeti açıldı."
    } else {
        "Yeni talepler özeti kapatıldı."
    };
    session.flash(FlashKind::Success, text);
    Ok(see_other(crate::paths::PASSWORD))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

/// Checks the form: the current password (verified off the request
/// threads), the new one's rules, and the confirmation.
async fn password_errors(
    state: &AppState,
    user: &CurrentUser,
    form: &PasswordForm,
) -> Result<FormErrors, AppError> {
    let user_id = user.id;
    let mut errors = FormErrors::default();
    let stored = state
        .call(move |conn| accounts::password_hash(conn, user_id))
        .await?;
    let current_ok = if form.current.is_empty() {
        errors.add("current", "Mevcut parolanızı girin.");
        false
    } else {
        let ok = state.passwords.verify(form.current.clone(), stored).await?;
        if !ok {
            errors.add("current", "Mevcut parola hatalı.");
        }
        ok
    };
    if let Err(msg) = check_new_password(&form.new, &[&user.name, &user.email]) {
        errors.add("new", msg);
    } else if current_ok && form.new == form.current {
        errors.add("new", "Yeni parola mevcut paroladan farklı olmalı.");
    }
    if form.confirm != form.new {
        errors.add("confirm", "Parolalar eşleşmiyor.");
    }
    Ok(errors)
}

pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    page: Page,
    session: TypedSession,
    user: CurrentUser,
    form: Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let errors = password_errors(&state, &user, &form).await?;
    if !errors.is_empty() {
        let mail = my_mail(&state, &user).await?;
        return render_status(
            &PasswordPage { page, errors, mail },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let hash = state
        .passwords
        .hash(form.new)
        .await?
        .map_err(AppError::internal)?;
    let now = state.clock.now_naive();
    let actor = user.actor(&client_ip(&req));
    let ended = state
        .call(move |conn| accounts::change_password(conn, &actor, &hash, &user.session_id, now))
        .await?;
    let text = if ended > 0 {
        format!("Parolanız değiştirildi. Diğer {ended} oturumunuz kapatıldı.")
    } else {
        "Parolanız değiştirildi.".to_owned()
    };
    session.flash(FlashKind::Success, text);
    Ok(see_other(crate::paths::HOME))
}
