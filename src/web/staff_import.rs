//! Bulk import of staff from CSV/XLSX: upload → preview (what each row will
//! do, every error in Turkish) → confirm, which writes all valid rows in one
//! transaction. Nothing is written before the confirm. An import belongs to
//! the officer who uploaded it; for anyone else it does not exist.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use futures_util::StreamExt;

use super::admin::parse_id;
use super::errors::AppError;
use super::export::download;
use super::page::{Page, render, render_status, see_other};
use super::session::{FlashKind, TypedSession};
use crate::app::AppState;
use crate::domain::staff_import;
use crate::service::Actor;
use crate::service::staff_import::{self as imports, Confirmed, Plan, PlannedRow};

pub const MAX_UPLOAD_BYTES: usize = 8 * 1024 * 1024;

#[derive(Template)]
#[template(path = "staff/import.html")]
struct UploadPage {
    page: Page,
    error: Option<String>,
}

pub async fn upload_form(page: Page) -> Result<HttpResponse, AppError> {
    render(&UploadPage { page, error: None })
}

pub async fn template(path: web::Path<String>) -> Result<HttpResponse, AppError> {
    match path.as_str() {
        "csv" => Ok(download(
            staff_import::template_csv(),
            "personel-sablonu.csv",
        )),
        "xlsx" => Ok(download(
            staff_import::template_xlsx().map_err(AppError::internal)?,
            "personel-sablonu.xlsx",
        )),
        _ => Err(AppError::NotFound),
    }
}

/// Reads the `dosya` field of a multipart upload, at most `MAX_UPLOAD_BYTES`.
async fn read_file(mut payload: Multipart) -> Result<Option<(String, Vec<u8>)>, String> {
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|e| format!("Yükleme okunamadı: {e}"))?;
        if field.name() != Some("dosya") {
            continue;
        }
        let name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .unwrap_or("dosya")
            .to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| format!("Yükleme okunamadı: {e}"))?;
            if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                return Err("Dosya en fazla 8 MB olabilir.".into());
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(Some((name, bytes)));
    }
    Ok(None)
}

pub async fn upload(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let refuse = |page, msg: String| {
        render_status(
            &UploadPage {
                page,
                error: Some(msg),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let (name, bytes) = match read_file(payload).await {
        Ok(Some((n, b))) if !b.is_empty() => (n, b),
        Ok(_) => return refuse(page, "Bir dosya seçin.".into()),
        Err(msg) => return refuse(page, msg),
    };
    let Some(kind) = staff_import::detect(&name, &bytes) else {
        return refuse(
            page,
            "Dosya CSV ya da XLSX (Excel) biçiminde olmalı.".into(),
        );
    };
    let rows = match web::block(move || staff_import::parse(kind, &bytes)).await? {
        Ok(rows) => rows,
        Err(e) => return refuse(page, e.to_string()),
    };
    let now = state.clock.now_naive();
    let file_name: String = name.chars().take(200).collect();
    let id = state
        .call(move |conn| imports::store(conn, &actor, &file_name, &rows, now))
        .await?;
    Ok(see_other(&crate::paths::staff_import_preview(id)))
}

#[derive(Template)]
#[template(path = "staff/import_preview.html")]
struct PreviewPage {
    page: Page,
    id: i32,
    file_name: String,
    committed: bool,
    rows: Vec<PlannedRow>,
    creates: usize,
    updates: usize,
    invalid: usize,
}

pub async fn preview(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let (imp, rows) = state
        .call(move |conn| imports::preview(conn, &actor, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let creates = rows.iter().filter(|r| r.plan == Plan::Create).count();
    let updates = rows
        .iter()
        .filter(|r| matches!(r.plan, Plan::Update(_)))
        .count();
    let invalid = rows.len() - creates - updates;
    render(&PreviewPage {
        page,
        id,
        file_name: imp.file_name,
        committed: imp.committed_at.is_some(),
        rows,
        creates,
        updates,
        invalid,
    })
}

pub async fn confirm(
    state: web::Data<AppState>,
    session: TypedSession,
    actor: Actor,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let now = state.clock.now_naive();
    let confirmed = state
        .call(move |conn| imports::confirm(conn, &actor, id, now))
        .await?
        .ok_or(AppError::NotFound)?;
    match confirmed {
        Confirmed::Written { created: 0, updated: 0 } => session.flash(
            FlashKind::Error,
            "Dosyada yazılabilecek geçerli satır yoktu; hiçbir kayıt değişmedi.",
        ),
        Confirmed::Written { created, updated } => session.flash(
            FlashKind::Success,
            format!("İçe aktarma tamamlandı: {created} personel eklendi, {updated} personel güncellendi."),
        ),
        Confirmed::Already => session.flash(FlashKind::Info, "Bu içe aktarma daha önce onaylanmıştı."),
    }
    Ok(see_other(crate::paths::STAFF_LIST))
}
