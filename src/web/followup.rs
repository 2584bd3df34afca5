//! Follow-up lists: signatures expiring in the next 90 days (reviewers, with
//! export) and the reconciliation of the "mobil imza" field and line on file
//! against the signatures themselves (officers for their units, reviewers).

use actix_web::{HttpResponse, web};
use askama::Template;

use super::errors::AppError;
use super::export::{Cell, Format, stream};
use super::identity::CurrentUser;
use super::page::{Page, render};
use crate::app::AppState;
use crate::domain::phone::display as phone_display;
use crate::domain::role::Role;
use crate::domain::time::format_local;
use crate::service::Actor;
use crate::service::followup::{self, Mismatch};

#[derive(Template)]
#[template(path = "requests/expiring.html")]
struct ExpiringPage {
    page: Page,
    rows: Vec<(i32, i32, String, String, String)>,
}

pub async fn expiring_page(
    state: web::Data<AppState>,
    page: Page,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now_naive();
    let rows = state
        .call(move |conn| followup::expiring(conn, now))
        .await?
        .into_iter()
        .map(|(id, staff, first, last, unit, until, _, _)| {
            (
                id,
                staff,
                format!("{first} {last}"),
                unit,
                format_local(until),
            )
        })
        .collect();
    render(&ExpiringPage { page, rows })
}

const EXPIRING_HEADERS: [&str; 7] = [
    "Talep No",
    "Ad",
    "Soyad",
    "Birim",
    "Geçerlilik Sonu",
    "Cep Telefonu",
    "Operatör",
];

pub async fn expiring_export(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let format = Format::from_ext(&path)?;
    let now = state.clock.now_naive();
    let rows = state
        .call(move |conn| followup::export_expiring(conn, &actor, now))
        .await?;
    Ok(stream(
        format,
        "suresi-dolacak-imzalar",
        "Süresi dolacak",
        &EXPIRING_HEADERS,
        move |sink| {
            for (id, _, first, last, unit, until, phone, operator) in rows {
                sink(vec![
                    Cell::Number(i64::from(id)),
                    Cell::text(first),
                    Cell::text(last),
                    Cell::text(unit),
                    Cell::text(format_local(until)),
                    Cell::text(phone_display(&phone)),
                    Cell::text(operator.label()),
                ])?;
            }
            Ok(())
        },
    ))
}

#[derive(Template)]
#[template(path = "requests/reconciliation.html")]
struct ReconciliationPage {
    page: Page,
    rows: Vec<Mismatch>,
}

pub async fn reconciliation(
    state: web::Data<AppState>,
    page: Page,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let scope = if user.has(Role::Reviewer) {
        None
    } else if user.has(Role::Officer) {
        Some(user.unit_ids.clone())
    } else {
        return Err(AppError::Forbidden);
    };
    let rows = state
        .call(move |conn| followup::mismatches(conn, scope.as_deref()))
        .await?;
    render(&ReconciliationPage { page, rows })
}
