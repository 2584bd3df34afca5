//! The staff member's own area: their record and requests, and during the
//! NES SMS hold the "Bu başvuru bilgim dışında yapıldı" report.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::errors::AppError;
use super::page::{Page, render};
use crate::app::AppState;
use crate::domain::hold::format_remaining;
use crate::domain::phone::display as phone_display;
use crate::domain::tckn::mask;
use crate::domain::time::format_local;
use crate::domain::workflow::State;
use crate::service::Actor;
use crate::service::home::{self, Hold, MyPage};

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
    actor: Actor,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now_naive();
    let mine = state
        .call(move |conn| home::my_page(conn, &actor, now))
        .await?;
    let (record, requests) = match mine {
        Some(MyPage {
            staff: s,
            unit,
            requests,
        }) => {
            let record = MyRecord {
                name: s.full_name(),
                tckn: mask(&s.tckn),
                unit,
                phone: phone_display(&s.phone),
                operator: s.operator.label().to_owned(),
                line_type: s.line_type.label().to_owned(),
                has_signature: s.has_signature,
            };
            (Some(record), requests.into_iter().map(my_request).collect())
        }
        None => (None, Vec::new()),
    };
    render(&MePage {
        page,
        record,
        requests,
    })
}

fn my_request(r: home::MyRequest) -> MyRequest {
    let l = r.line;
    MyRequest {
        id: l.id,
        version: l.version,
        state: l.state.label().to_owned(),
        reason: l.reason.label().to_owned(),
        date: format_local(l.submitted_at.unwrap_or(l.created_at)),
        hold: r.hold.map(hold_text),
        in_hold: l.state == State::SmsHold,
    }
}

fn hold_text(hold: Hold) -> String {
    match hold {
        Hold::Waiting {
            earliest,
            remaining,
        } => format!(
            "SMS beklemesinde — üretim en erken {} ({} kaldı)",
            format_local(earliest),
            format_remaining(remaining)
        ),
        Hold::Over => "SMS beklemesi bitti; sertifika üretilebilir.".to_owned(),
    }
}
