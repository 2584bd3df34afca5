//! Bulk import of staff from CSV/XLSX: upload → preview (what each row will
//! do, every error in Turkish) → confirm, which writes all valid rows in one
//! transaction. Nothing is written before the confirm. An import belongs to
//! the officer who uploaded it; for anyone else it does not exist.

use std::collections::{HashMap, HashSet};

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use futures_util::StreamExt;

use super::admin::{Actor as AuditActor, parse_id};
use super::errors::AppError;
use super::export::download;
use super::identity::CurrentUser;
use super::page::{Page, render, render_status, see_other};
use super::session::{FlashKind, TypedSession};
use crate::app::AppState;
use crate::db::{self, AnyConnection, audit::AuditEntry, staff::Staff};
use crate::domain::staff::{ValidStaff, search_key};
use crate::domain::staff_import::{self, ImportRow};

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
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
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
    let json = serde_json::to_string(&rows).map_err(AppError::internal)?;
    let actor = AuditActor::of(&user, &req);
    let now = state.clock.now_naive();
    let file_name: String = name.chars().take(200).collect();
    let id = state
        .db(move |conn| {
            db::transaction(conn, |conn| {
                let id = db::imports::create(conn, user.id, &file_name, &json, now)?;
                db::audit::record(
                    conn,
                    &AuditEntry {
                        at: now,
                        actor_id: Some(actor.id),
                        action: "import.uploaded",
                        target: &format!("import:{id}"),
                        detail: &format!("{file_name}, {} satır", rows.len()),
                        ip: &actor.ip,
                    },
                )?;
                Ok::<_, AppError>(id)
            })
        })
        .await?;
    Ok(see_other(&super::paths::staff_import_preview(id)))
}

/// What confirming will do with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Create,
    Update(i32),
    Invalid(Vec<String>),
}

pub struct PlannedRow {
    pub row: ImportRow,
    pub plan: Plan,
    pub valid: Option<(ValidStaff, i32)>,
}

impl PlannedRow {
    pub fn name(&self) -> String {
        format!("{} {}", self.row.input.first_name, self.row.input.last_name)
    }

    pub fn tckn_masked(&self) -> String {
        crate::domain::tckn::mask(self.row.input.tckn.trim())
    }
}

/// Decides every row against the database as it is now: units by name among
/// the officer's, existing staff by T.C., duplicates within the file.
fn plan(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    rows: Vec<ImportRow>,
) -> Result<Vec<PlannedRow>, AppError> {
    let all_units = db::units::list(conn)?;
    let unit_by_name: HashMap<String, (i32, bool)> = all_units
        .iter()
        .map(|u| {
            (
                search_key(&u.unit.name),
                (u.unit.id, user.unit_ids.contains(&u.unit.id)),
            )
        })
        .collect();
    let tcs: Vec<String> = rows
        .iter()
        .map(|r| r.input.tckn.trim().to_owned())
        .collect();
    let emails: Vec<String> = rows
        .iter()
        .map(|r| r.input.email.trim().to_lowercase())
        .collect();
    let existing: Vec<Staff> = load_existing(conn, &tcs, &emails)?;
    let by_tckn: HashMap<&str, &Staff> = existing.iter().map(|s| (s.tckn.as_str(), s)).collect();
    let by_email: HashMap<&str, &Staff> = existing.iter().map(|s| (s.email.as_str(), s)).collect();
    let mut seen_tc = HashSet::new();
    let mut seen_email = HashSet::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut errors: Vec<String> = Vec::new();
        let valid = row
            .input
            .validate()
            .map_err(|list| errors.extend(list.into_iter().map(|(_, m)| m)))
            .ok();
        let unit = match unit_by_name.get(&search_key(&row.unit)) {
            None if row.unit.trim().is_empty() => {
                errors.push("Birim boş bırakılamaz.".into());
                None
            }
            None => {
                errors.push(format!("“{}” adlı bir birim bulunamadı.", row.unit.trim()));
                None
            }
            Some((_, false)) => {
                errors.push(format!(
                    "“{}” birimi sizin sorumluluğunuzda değil.",
                    row.unit.trim()
                ));
                None
            }
            Some((id, true)) => Some(*id),
        };
        let mut plan = Plan::Create;
        if let Some(v) = &valid {
            if !seen_tc.insert(v.tckn.as_str().to_owned()) {
                errors.push("Bu T.C. kimlik numarası dosyada birden fazla kez geçiyor.".into());
            }
            if !seen_email.insert(v.email.as_str().to_owned()) {
                errors.push("Bu e-posta adresi dosyada birden fazla kez geçiyor.".into());
            }
            if let Some(s) = by_tckn.get(v.tckn.as_str()) {
                let line_changes = s.phone != v.phone.as_str() || s.operator != v.operator.code();
                if line_changes && !db::contact::live_requests(conn, s.id)?.is_empty() {
                    // The consequences of a line change are applied (and
                    // confirmed) on the contact-change page, not by a list.
                    errors.push(
                        "Bu personelin aktif imzası ya da açık talebi var; numara/operatör değişikliği “İletişim değişikliği” sayfasından yapılmalı."
                            .into(),
                    );
                } else if user.unit_ids.contains(&s.unit_id) {
                    plan = Plan::Update(s.id);
                } else {
                    errors.push(
                        "Bu personel sizin sorumluluğunuzda olmayan bir birime kayıtlı.".into(),
                    );
                }
            }
            if let Some(s) = by_email.get(v.email.as_str())
                && s.tckn != v.tckn.as_str()
            {
                errors.push("Bu e-posta adresi başka bir personele ait.".into());
            }
        }
        let (plan, valid) = match (errors.is_empty(), valid, unit) {
            (true, Some(v), Some(u)) => (plan, Some((v, u))),
            _ => (Plan::Invalid(errors), None),
        };
        out.push(PlannedRow { row, plan, valid });
    }
    Ok(out)
}

/// Existing staff matching the file's T.C. numbers or e-mails, in chunks
/// (SQLite limits the number of bound parameters).
fn load_existing(
    conn: &mut AnyConnection,
    tcs: &[String],
    emails: &[String],
) -> Result<Vec<Staff>, AppError> {
    use crate::db::schema::staff;
    use diesel::prelude::*;
    let mut out: Vec<Staff> = Vec::new();
    for chunk in tcs.chunks(5000) {
        out.extend(
            staff::table
                .filter(staff::tckn.eq_any(chunk))
                .select(Staff::as_select())
                .load(conn)?,
        );
    }
    for chunk in emails.chunks(5000) {
        out.extend(
            staff::table
                .filter(staff::email.eq_any(chunk))
                .select(Staff::as_select())
                .load(conn)?,
        );
    }
    out.sort_by_key(|s| s.id);
    out.dedup_by_key(|s| s.id);
    Ok(out)
}

async fn load_import(
    state: &AppState,
    user: &CurrentUser,
    id: i32,
) -> Result<(db::imports::Import, Vec<ImportRow>), AppError> {
    let imp = state
        .db(move |conn| Ok(db::imports::find(conn, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    if imp.user_id != user.id {
        return Err(AppError::NotFound);
    }
    let rows: Vec<ImportRow> = serde_json::from_str(&imp.rows_json).map_err(AppError::internal)?;
    Ok((imp, rows))
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
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let (imp, rows) = load_import(&state, &user, id).await?;
    let rows = state.db(move |conn| plan(conn, &user, rows)).await?;
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
    req: HttpRequest,
    session: TypedSession,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let (_, rows) = load_import(&state, &user, id).await?;
    let actor = AuditActor::of(&user, &req);
    let now = state.clock.now_naive();
    let written = state
        .db(move |conn| {
            db::transaction(conn, |conn| {
                if !db::imports::mark_committed(conn, id, now)? {
                    return Ok(None);
                }
                let planned = plan(conn, &user, rows)?;
                let (mut created, mut updated) = (0, 0);
                for p in &planned {
                    let Some((v, unit)) = &p.valid else { continue };
                    let search = v.search_name();
                    let values = db::staff::values(v, *unit, &search, now);
                    match p.plan {
                        Plan::Create => {
                            db::staff::insert(conn, &values, now)?;
                            created += 1;
                        }
                        Plan::Update(staff_id) => {
                            db::staff::update(conn, staff_id, &values)?;
                            updated += 1;
                        }
                        Plan::Invalid(_) => {}
                    }
                }
                db::audit::record(
                    conn,
                    &AuditEntry {
                        at: now,
                        actor_id: Some(actor.id),
                        action: "import.committed",
                        target: &format!("import:{id}"),
                        detail: &format!(
                            "{created} eklendi, {updated} güncellendi, {} hatalı satır atlandı",
                            planned.len() - created - updated
                        ),
                        ip: &actor.ip,
                    },
                )?;
                Ok::<_, AppError>(Some((created, updated)))
            })
        })
        .await?;
    match written {
        Some((0, 0)) => session.flash(
            FlashKind::Error,
            "Dosyada yazılabilecek geçerli satır yoktu; hiçbir kayıt değişmedi.",
        ),
        Some((c, u)) => session.flash(
            FlashKind::Success,
            format!("İçe aktarma tamamlandı: {c} personel eklendi, {u} personel güncellendi."),
        ),
        None => session.flash(FlashKind::Info, "Bu içe aktarma daha önce onaylanmıştı."),
    }
    Ok(see_other(super::paths::STAFF_LIST))
}
