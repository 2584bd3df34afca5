//! Bulk import of staff from the CSV/XLSX lists officers keep: the parsed
//! rows are stored at upload, every row is decided against the database
//! when previewed, and confirming writes all valid rows in one transaction.
//! An import belongs to the officer who uploaded it.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;

use super::{Actor, ServiceError, ServiceResult, audit};
use crate::db::{self, AnyConnection, imports::Import, staff::Staff};
use crate::domain::audit::{AuditAction, target};
use crate::domain::staff::{ValidStaff, search_key};
use crate::domain::staff_import::ImportRow;

/// Stores the parsed rows of an uploaded file; returns the import's id.
pub fn store(
    conn: &mut AnyConnection,
    actor: &Actor,
    file_name: &str,
    rows: &[ImportRow],
    now: NaiveDateTime,
) -> ServiceResult<i32> {
    let json = serde_json::to_string(rows).map_err(ServiceError::internal)?;
    let user_id = actor.id.unwrap_or_default();
    db::transaction(conn, |conn| {
        let id = db::imports::create(conn, user_id, file_name, &json, now)?;
        let detail = format!("{file_name}, {} satır", rows.len());
        audit(
            conn,
            actor,
            AuditAction::ImportUploaded,
            &target("import", id),
            &detail,
            now,
        )?;
        Ok(id)
    })
}

/// The import and its rows, if it is `actor`'s.
fn load(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i32,
) -> ServiceResult<Option<(Import, Vec<ImportRow>)>> {
    let Some(imp) = db::imports::find(conn, id)?.filter(|i| Some(i.user_id) == actor.id) else {
        return Ok(None);
    };
    let rows = serde_json::from_str(&imp.rows_json).map_err(ServiceError::internal)?;
    Ok(Some((imp, rows)))
}

/// The import with what confirming would do with each row now.
pub fn preview(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i32,
) -> ServiceResult<Option<(Import, Vec<PlannedRow>)>> {
    let Some((imp, rows)) = load(conn, actor, id)? else {
        return Ok(None);
    };
    let planned = plan(conn, actor, rows)?;
    Ok(Some((imp, planned)))
}

/// What confirming did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    Written {
        created: usize,
        updated: usize,
    },
    /// Confirmed before (a second click, another tab): nothing written.
    Already,
}

/// Writes every valid row in one transaction, once. `None` if the import is
/// not `actor`'s.
pub fn confirm(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i32,
    now: NaiveDateTime,
) -> ServiceResult<Option<Confirmed>> {
    let Some((_, rows)) = load(conn, actor, id)? else {
        return Ok(None);
    };
    db::transaction(conn, |conn| {
        if !db::imports::mark_committed(conn, id, now)? {
            return Ok(Some(Confirmed::Already));
        }
        let planned = plan(conn, actor, rows)?;
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
        let detail = format!(
            "{created} eklendi, {updated} güncellendi, {} hatalı satır atlandı",
            planned.len() - created - updated
        );
        audit(
            conn,
            actor,
            AuditAction::ImportCommitted,
            &target("import", id),
            &detail,
            now,
        )?;
        Ok(Some(Confirmed::Written { created, updated }))
    })
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
pub fn plan(
    conn: &mut AnyConnection,
    actor: &Actor,
    rows: Vec<ImportRow>,
) -> ServiceResult<Vec<PlannedRow>> {
    let all_units = db::units::list(conn)?;
    let unit_by_name: HashMap<String, (i32, bool)> = all_units
        .iter()
        .map(|u| {
            (
                search_key(&u.unit.name),
                (u.unit.id, actor.unit_ids.contains(&u.unit.id)),
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
    let existing: Vec<Staff> = db::staff::matching(conn, &tcs, &emails)?;
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
                let line_changes = s.phone != v.phone.as_str() || s.operator != v.operator;
                if line_changes && !db::contact::live_requests(conn, s.id)?.is_empty() {
                    // The consequences of a line change are applied (and
                    // confirmed) on the contact-change page, not by a list.
                    errors.push(
                        "Bu personelin aktif imzası ya da açık talebi var; numara/operatör değişikliği “İletişim değişikliği” sayfasından yapılmalı."
                            .into(),
                    );
                } else if actor.unit_ids.contains(&s.unit_id) {
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
