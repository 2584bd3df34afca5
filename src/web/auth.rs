//! Login, logout and password change.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::errors::AppError;
use super::forms::FormErrors;
use super::identity::{CurrentUser, client_ip, sha256_hex};
use super::page::{Page, render, render_status, see_other};
use super::session::{FlashKind, TypedSession, random_token};
use crate::app::AppState;
use crate::db::{self, audit::AuditEntry};
use crate::domain::auth::{check_new_password, is_throttled, safe_next, throttle_window};

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

#[derive(Clone, Copy)]
enum Outcome {
    Throttled,
    Failed,
    LoggedIn,
}

pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    page: Page,
    session: TypedSession,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let LoginForm {
        email,
        password,
        next,
    } = form.into_inner();
    // Throttling is keyed on the address as typed, known or not, so the
    // lock-out message tells nothing about which accounts exist.
    let key = email.trim().to_lowercase();
    let ip = client_ip(&req);
    let now = state.clock.now_naive();
    let since = now - throttle_window();

    let (throttled, stored_hash, user_id) = {
        let (key, ip) = (key.clone(), ip.clone());
        state
            .db(move |conn| {
                let failures = db::auth::recent_failures(conn, &key, &ip, since)?;
                let user = db::users::find_by_email(conn, &key)?.filter(|u| u.active);
                Ok((
                    is_throttled(failures),
                    user.as_ref().map(|u| u.password_hash.clone()),
                    user.map(|u| u.id),
                ))
            })
            .await?
    };

    let verified = if throttled {
        false
    } else {
        let hasher = state.hasher.clone();
        web::block(move || hasher.verify(&password, stored_hash.as_deref())).await?
    };
    let outcome = match (throttled, verified, user_id) {
        (true, _, _) => Outcome::Throttled,
        (false, true, Some(_)) => Outcome::LoggedIn,
        _ => Outcome::Failed,
    };

    let token = random_token();
    let session_id = sha256_hex(&token);
    let user_agent: String = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    let success = matches!(outcome, Outcome::LoggedIn);
    {
        let (key, ip, session_id) = (key.clone(), ip.clone(), session_id.clone());
        state
            .db(move |conn| {
                db::transaction(conn, |conn| {
                    db::auth::record_attempt(conn, &key, &ip, now, success)?;
                    if let (true, Some(uid)) = (success, user_id) {
                        db::auth::create_session(
                            conn,
                            &db::auth::Session {
                                id: session_id,
                                user_id: uid,
                                created_at: now,
                                last_seen_at: now,
                                ip: ip.clone(),
                                user_agent,
                            },
                        )?;
                    }
                    let action = match outcome {
                        Outcome::Throttled => "login.throttled",
                        Outcome::Failed => "login.failed",
                        Outcome::LoggedIn => "login.success",
                    };
                    db::audit::record(
                        conn,
                        &AuditEntry {
                            at: now,
                            actor_id: user_id.filter(|_| success),
                            action,
                            target: &key,
                            detail: "",
                            ip: &ip,
                        },
                    )?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
    }

    match outcome {
        Outcome::LoggedIn => {
            session.start(&token).map_err(AppError::internal)?;
            Ok(see_other(safe_next(next.as_deref())))
        }
        Outcome::Failed | Outcome::Throttled => {
            let (error, status) = match outcome {
                Outcome::Throttled => (THROTTLED, StatusCode::TOO_MANY_REQUESTS),
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
    }
}

pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: TypedSession,
    user: Option<CurrentUser>,
) -> Result<HttpResponse, AppError> {
    if let Some(user) = user {
        let now = state.clock.now_naive();
        let ip = client_ip(&req);
        state
            .db(move |conn| {
                db::transaction(conn, |conn| {
                    db::auth::delete_session(conn, &user.session_id)?;
                    db::audit::record(
                        conn,
                        &AuditEntry {
                            at: now,
                            actor_id: Some(user.id),
                            action: "logout",
                            target: &user.email,
                            detail: "",
                            ip: &ip,
                        },
                    )?;
                    Ok::<_, AppError>(())
                })
            })
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
}

pub async fn password_form(page: Page) -> Result<HttpResponse, AppError> {
    render(&PasswordPage {
        page,
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    page: Page,
    session: TypedSession,
    user: CurrentUser,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let PasswordForm {
        current,
        new,
        confirm,
    } = form.into_inner();
    let mut errors = FormErrors::default();
    let uid = user.id;
    let stored = state
        .db(move |conn| Ok(db::users::find(conn, uid)?.map(|u| u.password_hash)))
        .await?;
    let hasher = state.hasher.clone();
    let current_ok = if current.is_empty() {
        errors.add("current", "Mevcut parolanızı girin.");
        false
    } else {
        let cur = current.clone();
        let ok = web::block(move || hasher.verify(&cur, stored.as_deref())).await?;
        if !ok {
            errors.add("current", "Mevcut parola hatalı.");
        }
        ok
    };
    if let Err(msg) = check_new_password(&new) {
        errors.add("new", msg);
    } else if current_ok && new == current {
        errors.add("new", "Yeni parola mevcut paroladan farklı olmalı.");
    }
    if confirm != new {
        errors.add("confirm", "Parolalar eşleşmiyor.");
    }
    if !errors.is_empty() {
        return render_status(
            &PasswordPage { page, errors },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }

    let hasher = state.hasher.clone();
    let hash = web::block(move || hasher.hash(&new))
        .await?
        .map_err(AppError::internal)?;
    let now = state.clock.now_naive();
    let ip = client_ip(&req);
    let ended = state
        .db(move |conn| {
            db::transaction(conn, |conn| {
                db::users::set_password(conn, user.id, &hash, now)?;
                let ended = db::auth::delete_user_sessions(conn, user.id, Some(&user.session_id))?;
                let detail = format!("diğer {ended} oturum kapatıldı");
                db::audit::record(
                    conn,
                    &AuditEntry {
                        at: now,
                        actor_id: Some(user.id),
                        action: "password.changed",
                        target: &user.email,
                        detail: &detail,
                        ip: &ip,
                    },
                )?;
                Ok::<_, AppError>(ended)
            })
        })
        .await?;
    let text = if ended > 0 {
        format!("Parolanız değiştirildi. Diğer {ended} oturumunuz kapatıldı.")
    } else {
        "Parolanız değiştirildi.".to_owned()
    };
    session.flash(FlashKind::Success, text);
    Ok(see_other(crate::paths::HOME))
}
