//! The layout context every page template gets (`page`): who is logged in,
//! the navigation for their roles, the CSRF token, flash messages and the demo
//! banner flag. Also the two ways a handler answers: render or redirect.

use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;
use std::future::{Ready, ready};
use std::sync::atomic::Ordering;

use super::errors::AppError;
use super::identity::CurrentUser;
use super::session::{Flash, TypedSession};
use crate::app::AppState;
use crate::domain::role::Role;

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
}

pub struct Page {
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub flashes: Vec<Flash>,
    pub demo: bool,
    pub path: String,
    /// Local date and time of the request, for the printed page's header.
    pub printed_at: String,
}

impl Page {
    /// The menu: one group of links per role the user holds.
    pub fn nav(&self) -> Vec<NavItem> {
        let Some(user) = &self.user else {
            return Vec::new();
        };
        let mut items = vec![NavItem {
            href: crate::paths::HOME,
            label: "Ana sayfa",
        }];
        for role in &user.roles {
            items.extend(
                menu_of(*role)
                    .iter()
                    .map(|&(href, label)| NavItem { href, label }),
            );
        }
        items.push(NavItem {
            href: crate::paths::GUIDE,
            label: "Bilgilendirme",
        });
        // An account with several roles may reach a page from two of them.
        let mut seen = std::collections::HashSet::new();
        items.retain(|i| seen.insert(i.href));
        items
    }

    /// The longest menu entry that the path starts with is the current one
    /// (so /inceleme/partiler does not also mark /inceleme).
    pub fn is_current(&self, href: &str) -> bool {
        let matches = |h: &str| {
            if h == "/" {
                self.path == "/"
            } else {
                self.path.starts_with(h)
            }
        };
        let longest = self
            .nav()
            .into_iter()
            .map(|i| i.href)
            .filter(|h| matches(h))
            .max_by_key(|h| h.len());
        longest == Some(href)
    }
}

impl FromRequest for Page {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = TypedSession::of(req);
        let state = req.app_data::<web::Data<AppState>>();
        let demo = state.is_some_and(|s| s.demo.load(Ordering::Relaxed));
        let printed_at = state
            .map(|s| crate::domain::time::format_local(s.clock.now_naive()))
            .unwrap_or_default();
        ready(Ok(Page {
            user: req.extensions().get::<CurrentUser>().cloned(),
            csrf: session.csrf_token(),
            flashes: session.take_flashes(),
            demo,
            path: req.path().to_owned(),
            printed_at,
        }))
    }
}

pub fn render(tpl: &impl Template) -> Result<HttpResponse, AppError> {
    render_status(tpl, StatusCode::OK)
}

/// Renders with a status, e.g. 422 for a form sent back with its errors.
pub fn render_status(tpl: &impl Template, status: StatusCode) -> Result<HttpResponse, AppError> {
    let html = tpl.render().map_err(AppError::internal)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html))
}

/// The "previous" and "next" links of a list paged by keyset: `base` with
/// the list's other parameters (`rest`, URL-encoded) and `once=` the first
/// shown id or `sonra=` the last one, where there is such a page.
pub fn keyset_links(
    base: &str,
    rest: &str,
    shown: Option<(i32, i32)>,
    has_prev: bool,
    has_next: bool,
) -> (Option<String>, Option<String>) {
    let sep = if rest.is_empty() { "" } else { "&" };
    let link = |key: &str, id: i32| format!("{base}?{rest}{sep}{key}={id}");
    let prev = shown
        .filter(|_| has_prev)
        .map(|(first, _)| link("once", first));
    let next = shown
        .filter(|_| has_next)
        .map(|(_, last)| link("sonra", last));
    (prev, next)
}

/// POST → redirect → GET.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Each role's menu entries: (path, label).
fn menu_of(role: Role) -> &'static [(&'static str, &'static str)] {
    use crate::paths::*;
    match role {
        Role::Officer => &[
            (STAFF_LIST, "Personel"),
            (REQUESTS, "Taleplerim"),
            (RECONCILIATION, "Mutabakat"),
            (THREADS, "İstek bildir"),
        ],
        Role::Reviewer => &[
            (REVIEW_QUEUE, "İnceleme kuyruğu"),
            (BATCHES, "Kamu SM partileri"),
            (EXPIRING, "Süresi dolacaklar"),
            (RECONCILIATION, "Mutabakat"),
            (INBOX, "Gelen kutusu"),
        ],
        Role::Finance => &[
            (FEES, "Ücretler ve raporlar"),
            (BILLING, "Aylık ücretler"),
            (CHARTS, "Grafikler"),
        ],
        Role::Staff => &[(ME, "Bilgilerim"), (THREADS, "İstek bildir")],
        Role::Admin => &[
            (USERS, "Kullanıcılar"),
            (UNITS, "Birimler"),
            (AUDIT, "Denetim kaydı"),
            (MAIL_QUEUE, "E-posta kuyruğu"),
            (SETTINGS, "Ayarlar"),
            (RATES, "Ücret tabloları"),
        ],
    }
}
