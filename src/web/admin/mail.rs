//! The mail queue for admins: counts and lists of pending and failed
//! messages (no bodies), and "Yeniden gönder" for a failed one.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::app::AppState;
use crate::db::outbox::MailRow;
use crate::domain::time::format_local;
use crate::service::{Actor, mail};
use crate::web::errors::AppError;
use crate::web::forms::Form;
use crate::web::page::{Page, render, see_other};
use crate::web::session::{FlashKind, TypedSession};

struct Row {
    id: i32,
    created: String,
    recipient: String,
    subject: String,
    kind: String,
    attempts: i32,
    next: String,
    error: String,
}

impl From<MailRow> for Row {
    fn from(r: MailRow) -> Self {
        Row {
            id: r.id,
            created: format_local(r.created_at),
            recipient: r.recipient,
            subject: r.subject,
            kind: r.kind,
            attempts: r.attempts,
            next: r
                .failed_at
                .map_or_else(|| format_local(r.next_attempt_at), format_local),
            error: r.last_error.unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/mail.html")]
struct MailPage {
    page: Page,
    pending: i64,
    failed: i64,
    pending_rows: Vec<Row>,
    failed_rows: Vec<Row>,
}

pub async fn list(state: web::Data<AppState>, page: Page) -> Result<HttpResponse, AppError> {
    let o = state.call(mail::overview).await?;
    render(&MailPage {
        page,
        pending: o.pending,
        failed: o.failed,
        pending_rows: o.pending_rows.into_iter().map(Row::from).collect(),
        failed_rows: o.failed_rows.into_iter().map(Row::from).collect(),
    })
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ResendForm {
    id: String,
}

pub async fn resend(
    state: web::Data<AppState>,
    session: TypedSession,
    actor: Actor,
    Form(f): Form<ResendForm>,
) -> Result<HttpResponse, AppError> {
    let Ok(id) = f.id.trim().parse::<i32>() else {
        session.flash(FlashKind::Error, "Yeniden gönderilecek iletiyi seçin.");
        return Ok(see_other(crate::paths::MAIL_QUEUE));
    };
    let now = state.clock.now_naive();
    let done = state
        .call(move |conn| mail::resend(conn, &actor, id, now))
        .await?;
    if done {
        session.flash(
            FlashKind::Success,
            format!("#{id} numaralı ileti yeniden kuyruğa alındı."),
        );
    } else {
        session.flash(
            FlashKind::Error,
            "Bu ileti gönderilemeyenler arasında değil.",
        );
    }
    Ok(see_other(crate::paths::MAIL_QUEUE))
}
