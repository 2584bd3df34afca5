//! The information pages ("Bilgilendirme"), open to everyone: how a mobile
//! signature is obtained and kept, one page per reader, with the figures of
//! the day and the e-İmza Şefliği's contact details.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::errors::AppError;
use super::page::{Page, render};
use crate::app::AppState;
use crate::domain::guide::{Audience, OfficeContact};
use crate::domain::role::Role;
use crate::domain::time::local_day;
use crate::service::guide::{self, Facts};

/// A link to one reader's page.
pub struct GuideLink {
    pub href: String,
    pub title: &'static str,
    pub yours: bool,
}

#[derive(Template)]
#[template(path = "guide/index.html")]
struct IndexPage {
    page: Page,
    links: Vec<GuideLink>,
    contact: OfficeContact,
    is_admin: bool,
}

#[derive(Template)]
#[template(path = "guide/page.html")]
struct GuidePage {
    page: Page,
    audience: Audience,
    hold_hours: i64,
    /// "Turkcell: 65,00 TL + %20 KDV = 78,00 TL", one per operator.
    certificate: Vec<String>,
    /// "8,00 TL liste fiyatı; kuruma faturalanan 4,00 TL".
    monthly: Option<String>,
    contact: OfficeContact,
    others: Vec<GuideLink>,
    is_admin: bool,
}

fn links(page: &Page, except: Option<Audience>) -> Vec<GuideLink> {
    let mine: Vec<Audience> = page.user.as_ref().map_or_else(Vec::new, |u| {
        u.roles
            .iter()
            .filter_map(|r| Audience::of_role(*r))
            .collect()
    });
    let mut out: Vec<GuideLink> = Audience::ALL
        .into_iter()
        .filter(|a| Some(*a) != except)
        .map(|a| GuideLink {
            href: crate::paths::guide(a.slug()),
            title: a.title(),
            yours: mine.contains(&a),
        })
        .collect();
    out.sort_by_key(|l| !l.yours);
    out
}

fn is_admin(page: &Page) -> bool {
    page.user
        .as_ref()
        .is_some_and(|u| u.roles.contains(&Role::Admin))
}

pub async fn index(state: web::Data<AppState>, page: Page) -> Result<HttpResponse, AppError> {
    let contact = state.call(guide::contact).await?;
    render(&IndexPage {
        links: links(&page, None),
        is_admin: is_admin(&page),
        contact,
        page,
    })
}

/// One reader's page; which one comes from the last segment of the path.
pub async fn show(
    state: web::Data<AppState>,
    page: Page,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let slug = req.path().rsplit('/').next().unwrap_or_default();
    let audience = Audience::from_slug(slug).ok_or(AppError::NotFound)?;
    let today = local_day(state.clock.now_naive());
    let Facts {
        hold_hours,
        certificate,
        turkcell_monthly,
        contact,
    } = state.call(move |conn| guide::facts(conn, today)).await?;
    let certificate = certificate
        .iter()
        .map(|(op, v)| {
            format!(
                "{}: {} + {} KDV = {}",
                op.label(),
                v.net,
                v.rate.label(),
                v.gross
            )
        })
        .collect();
    let monthly = turkcell_monthly
        .map(|(list, billed)| format!("liste fiyatı {list}; kuruma faturalanan {billed}"));
    render(&GuidePage {
        audience,
        hold_hours,
        certificate,
        monthly,
        contact,
        others: links(&page, Some(audience)),
        is_admin: is_admin(&page),
        page,
    })
}
