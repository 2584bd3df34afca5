//! Who is asking: the session lookup that runs on every request, the login
//! guard, the role guards for area scopes and the unit-scope check that
//! record handlers must use.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse, web};
use chrono::Duration;
use futures_util::future::LocalBoxFuture;
use std::future::{Ready, ready};

use super::errors::AppError;
use super::session::{FlashKind, TypedSession};
use crate::app::AppState;
use crate::domain::role::{Role, sees_unit};
use crate::service::page_cache::DataVersion;
use crate::service::{Actor, sessions};

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub roles: Vec<Role>,
    pub unit_ids: Vec<i32>,
    /// Hash of the session token: the key of this login's `sessions` row.
    pub session_id: String,
}

impl CurrentUser {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn role_labels(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether this user may see records of `unit_id`: reviewers and finance
    /// see every unit; officers only the units they are responsible for;
    /// admins (by that role alone) and staff none.
    pub fn can_see_unit(&self, unit_id: i32) -> bool {
        sees_unit(&self.roles, &self.unit_ids, unit_id)
    }

    /// This user as the service layer sees them, acting from `ip`.
    pub fn actor(&self, ip: &str) -> Actor {
        Actor::user(self.id, &self.email, &self.roles, &self.unit_ids, ip)
    }

    /// The check record handlers use: another unit's record is "not found",
    /// so an id in a URL reveals nothing.
    pub fn ensure_unit(&self, unit_id: i32) -> Result<(), AppError> {
        if self.can_see_unit(unit_id) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}

impl actix_web::FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        // Only reachable behind `require_login`; Forbidden is the safe answer otherwise.
        ready(
            req.extensions()
                .get::<CurrentUser>()
                .cloned()
                .ok_or(AppError::Forbidden),
        )
    }
}

/// The signed-in user as the service layer's actor, acting from the client's
/// address. Only reachable behind `require_login`.
impl actix_web::FromRequest for Actor {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let user = req.extensions().get::<CurrentUser>().cloned();
        ready(
            user.map(|u| u.actor(&client_ip(req)))
                .ok_or(AppError::Forbidden),
        )
    }
}

/// The data version read with the identity at the start of the request
/// (the kept list pages it validates). Only reachable behind
/// `require_login`.
impl actix_web::FromRequest for DataVersion {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<DataVersion>()
                .copied()
                .ok_or(AppError::Forbidden),
        )
    }
}

/// The client address for throttling and the audit log.
pub fn client_ip(req: &HttpRequest) -> String {
    let trust = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.config.trust_proxy_headers);
    if trust && let Some(ip) = req.connection_info().realip_remote_addr() {
        return ip.to_owned();
    }
    req.peer_addr()
        .map_or_else(|| "-".to_owned(), |a| a.ip().to_string())
}

pub fn sha256_hex(token: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

enum Lookup {
    Valid(DataVersion, CurrentUser),
    Expired,
    Gone,
}

/// Loads the user of the session cookie, if any, into the request. Expired or
/// revoked sessions are dropped from the cookie (and the table).
pub async fn load_identity(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if req.path().starts_with(crate::paths::STATIC_PREFIX) || req.path() == crate::paths::HEALTHZ {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let session = TypedSession::of(req.request());
    if let Some(token) = session.token() {
        let state = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("application state missing")))?;
        let id = sha256_hex(&token);
        match lookup(&state, id).await? {
            Lookup::Valid(version, user) => {
                req.extensions_mut().insert(user);
                req.extensions_mut().insert(version);
            }
            Lookup::Expired => {
                session.forget_token();
                session.flash(
                    FlashKind::Info,
                    "Oturumunuzun süresi doldu; lütfen yeniden giriş yapın.",
                );
            }
            Lookup::Gone => session.forget_token(),
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

async fn lookup(state: &web::Data<AppState>, id: String) -> Result<Lookup, AppError> {
    let now = state.clock.now_naive();
    let idle = Duration::from_std(state.config.session_idle).unwrap_or(Duration::minutes(30));
    let absolute = Duration::from_std(state.config.session_absolute).unwrap_or(Duration::hours(12));
    let key = id.clone();
    let found = state
        .call(move |conn| sessions::resolve(conn, &key, now, idle, absolute))
        .await?;
    Ok(match found {
        sessions::Lookup::Valid(access, version) => Lookup::Valid(
            version,
            CurrentUser {
                id: access.user.id,
                name: access.user.name,
                email: access.user.email,
                roles: access.roles,
                unit_ids: access.unit_ids,
                session_id: id,
            },
        ),
        sessions::Lookup::Expired => Lookup::Expired,
        sessions::Lookup::Gone => Lookup::Gone,
    })
}

/// Scope guard: anonymous visitors are sent to the login page and come back.
pub async fn require_login(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if req.extensions().get::<CurrentUser>().is_some() {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let target = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let location = if target == "/" {
        crate::paths::LOGIN.to_owned()
    } else {
        crate::paths::login_then(&target)
    };
    let resp = HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish();
    Ok(req.into_response(resp))
}

type GuardFuture = LocalBoxFuture<'static, Result<ServiceResponse<BoxBody>, Error>>;

/// Scope guard for one role (use inside `require_login`): others get 403.
pub fn role_guard(role: Role) -> impl Fn(ServiceRequest, Next<BoxBody>) -> GuardFuture + 'static {
    move |req, next| {
        Box::pin(async move {
            let allowed = req
                .extensions()
                .get::<CurrentUser>()
                .is_some_and(|u| u.has(role));
            if allowed {
                next.call(req).await
            } else {
                Ok(super::errors::refuse(req, AppError::Forbidden))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: &[Role], units: &[i32]) -> CurrentUser {
        CurrentUser {
            id: 1,
            name: "Ayşe".into(),
            email: "a@b.c".into(),
            roles: roles.to_vec(),
            unit_ids: units.to_vec(),
            session_id: String::new(),
        }
    }

    #[test]
    fn unit_scope() {
        assert!(user(&[Role::Officer], &[3]).can_see_unit(3));
        assert!(matches!(
            user(&[Role::Officer], &[3]).ensure_unit(4),
            Err(AppError::NotFound)
        ));
        assert!(user(&[Role::Reviewer], &[]).can_see_unit(4));
        assert!(user(&[Role::Finance], &[]).can_see_unit(4));
        assert!(!user(&[Role::Staff], &[3]).can_see_unit(3));
        assert!(!user(&[Role::Admin], &[]).can_see_unit(3));
    }
}
