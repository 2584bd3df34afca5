//! The staff member's own area: their record and requests, and during the
//! NES SMS hold the "Bu başvuru bilgim dışında yapıldı" report.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::errors::AppError;
use super::identity::CurrentUser;
use super::page::{Page, render};
use crate::app::AppState;
use crate::db;
use crate::domain::hold::format_remaining;
use crate::domain::phone::display as phone_display;
use crate::domain::tckn::mask;
use crate::domain::time::format_local;
use crate::domain::workflow::State;

pub struct MyRequest {
    pub id: i32,
    pub version: i32,
    pub state: String,
    pub reason: String,
    pub date: String,
    pub hold: Option<String>,
    pub in_hold: bool,
}

pub struct MyRecord {
    pub name: String,
    pub tckn: String,
    pub unit: String,
    pub phone: String,
    pub operator: String,
    pub line_type: String,
    pub has_signature: bool,
}

#[derive(Template)]
#[template(path = "me/home.html")]
struct MePage {
    page: Page,
    record: Option<MyRecord>,
    requests: Vec<MyRequest>,
}

pub async fn home(
    state: web::Data<AppState>,
    page: Page,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now_naive();
    let email = user.email.clone();
    let (record, requests) = state
        .db(move |conn| {
            let Some(s) = db::staff::find_by_email(conn, &email)? else {
                return Ok((None, Vec::new()));
            };
            let unit = db::units::find(conn, s.unit_id)?
                .map(|u| u.name)
                .unwrap_or_default();
            let hold = db::settings::hold_rule(conn)?;
            let filter = db::requests::Filter {
                staff_id: Some(s.id),
                ..Default::default()
            };
            let lines =
                db::requests::page(conn, &filter, db::requests::Order::NewestFirst, None, 50)?;
            let ids: Vec<i32> = lines.iter().map(|l| l.id).collect();
            let full = db::requests::by_ids(conn, &ids)?;
            let requests = lines
                .into_iter()
                .map(|l| {
                    let in_hold = l.state == State::SmsHold;
                    let hold_text = match (
                        in_hold,
                        full.iter().find(|r| r.id == l.id).and_then(|r| r.sms_at),
                    ) {
                        (true, Some(sms)) => Some(match hold.remaining(sms, now) {
                            Some(rem) => format!(
                                "SMS beklemesinde — üretim en erken {} ({} kaldı)",
                                format_local(hold.earliest_production(sms)),
                                format_remaining(rem)
                            ),
                            None => "SMS beklemesi bitti; sertifika üretilebilir.".to_owned(),
                        }),
                        _ => None,
                    };
                    MyRequest {
                        id: l.id,
                        version: l.version,
                        state: l.state.label().to_owned(),
                        reason: l.reason.label().to_owned(),
                        date: format_local(l.submitted_at.unwrap_or(l.created_at)),
                        hold: hold_text,
                        in_hold,
                    }
                })
                .collect();
            let record = MyRecord {
                name: s.full_name(),
                tckn: mask(&s.tckn),
                unit,
                phone: phone_display(&s.phone),
                operator: s.operator.label().to_owned(),
                line_type: s.line_type.label().to_owned(),
                has_signature: s.has_signature,
            };
            Ok((Some(record), requests))
        })
        .await?;
    render(&MePage {
        page,
        record,
        requests,
    })
}
