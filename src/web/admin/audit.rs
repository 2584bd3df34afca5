//! The audit log page: the latest entries, newest first.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::app::AppState;
use crate::db;
use crate::domain::time::format_local;
use crate::web::errors::AppError;
use crate::web::page::{Page, render};

struct Row {
    at: String,
    actor: String,
    action: String,
    target: String,
    detail: String,
    ip: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: Page,
    rows: Vec<Row>,
}

pub async fn list(state: web::Data<AppState>, page: Page) -> Result<HttpResponse, AppError> {
    let rows = state
        .call(|conn| Ok(db::audit::recent(conn, 300)?))
        .await?
        .into_iter()
        .map(|r| Row {
            at: format_local(r.at),
            actor: r.actor.unwrap_or_else(|| "—".into()),
            action: r.action,
            target: r.target,
            detail: r.detail,
            ip: r.ip,
        })
        .collect();
    render(&AuditPage { page, rows })
}
