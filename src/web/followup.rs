//! Follow-up lists: signatures expiring in the next 90 days (reviewers, with
//! export) and the reconciliation of the "mobil imza" field and line on file
//! against the signatures themselves (officers for their units, reviewers).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::admin::Actor as AuditActor;
use super::errors::AppError;
use super::export::{Cell, Format, stream};
use super::identity::CurrentUser;
use super::page::{Page, render};
use crate::app::AppState;
use crate::db::schema::{requests, staff, units};
use crate::db::{self, AnyConnection, audit::AuditEntry};
use crate::domain::phone::display as phone_display;
use crate::domain::role::Role;
use crate::domain::staff::operator_label;
use crate::domain::time::format_local;

pub const EXPIRY_WINDOW_DAYS: i64 = 90;

/// (request, staff, name, unit, valid until, phone, operator)
type Expiring = (
    i32,
    i32,
    String,
    String,
    String,
    NaiveDateTime,
    String,
    String,
);

fn expiring(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<Vec<Expiring>> {
    let until = now + chrono::Duration::days(EXPIRY_WINDOW_DAYS);
    requests::table
        .inner_join(staff::table)
        .inner_join(units::table)
        .filter(requests::state.eq("active"))
        .filter(requests::valid_until.le(until))
        .order(requests::valid_until)
        .select((
            requests::id,
            staff::id,
            staff::first_name,
            staff::last_name,
            units::name,
            requests::valid_until.assume_not_null(),
            requests::phone,
            requests::operator,
        ))
        .load(conn)
}

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
        .db(move |conn| Ok(expiring(conn, now)?))
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
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let format = Format::from_ext(&path)?;
    let now = state.clock.now_naive();
    let actor = AuditActor::of(&user, &req);
    let rows = state
        .db(move |conn| {
            let rows = expiring(conn, now)?;
            db::audit::record(
                conn,
                &AuditEntry {
                    at: now,
                    actor_id: Some(actor.id),
                    action: "export.expiring",
                    target: "90 gün",
                    detail: &format!("{} satır", rows.len()),
                    ip: &actor.ip,
                },
            )?;
            Ok(rows)
        })
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
                    Cell::Text(first),
                    Cell::Text(last),
                    Cell::Text(unit),
                    Cell::Text(format_local(until)),
                    Cell::Text(phone_display(&phone)),
                    Cell::Text(operator_label(&operator).to_owned()),
                ])?;
            }
            Ok(())
        },
    ))
}

pub struct Mismatch {
    pub staff_id: i32,
    pub name: String,
    pub unit: String,
    pub problem: String,
}

#[derive(Template)]
#[template(path = "requests/reconciliation.html")]
struct ReconciliationPage {
    page: Page,
    rows: Vec<Mismatch>,
}

/// Staff whose "mobil imza" field or line on file disagrees with their
/// signatures.
pub fn mismatches(
    conn: &mut AnyConnection,
    unit_ids: Option<&[i32]>,
) -> QueryResult<Vec<Mismatch>> {
    let mut q = staff::table
        .inner_join(units::table)
        .select((db::staff::Staff::as_select(), units::name))
        .into_boxed();
    if let Some(ids) = unit_ids {
        q = q.filter(staff::unit_id.eq_any(ids.to_vec()));
    }
    let people: Vec<(db::staff::Staff, String)> = q.load(conn)?;
    let mut active_q = requests::table
        .filter(requests::state.eq("active"))
        .select((requests::staff_id, requests::phone, requests::operator))
        .into_boxed();
    if let Some(ids) = unit_ids {
        active_q = active_q.filter(requests::unit_id.eq_any(ids.to_vec()));
    }
    let active: Vec<(i32, String, String)> = active_q.load(conn)?;
    let mut out = Vec::new();
    for (s, unit) in people {
        let sig = active.iter().find(|(id, _, _)| *id == s.id);
        let problem = match (s.has_signature, sig) {
            (true, None) => {
                Some("“Mobil imza: var” diyor ama aktif bir mobil imzası yok.".to_owned())
            }
            (false, Some(_)) => {
                Some("“Mobil imza: yok” diyor ama aktif bir mobil imzası var.".to_owned())
            }
            (_, Some((_, phone, operator))) if *phone != s.phone || *operator != s.operator => {
                Some(format!(
                    "Aktif imza {} {} hattında; kayıtta {} {}.",
                    phone_display(phone),
                    operator_label(operator),
                    phone_display(&s.phone),
                    operator_label(&s.operator)
                ))
            }
            _ => None,
        };
        if let Some(problem) = problem {
            out.push(Mismatch {
                staff_id: s.id,
                name: s.full_name(),
                unit,
                problem,
            });
        }
    }
    out.sort_by_cached_key(|m| crate::domain::text::sort_key(&m.name));
    Ok(out)
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
        .db(move |conn| Ok(mismatches(conn, scope.as_deref())?))
        .await?;
    render(&ReconciliationPage { page, rows })
}
