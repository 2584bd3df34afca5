//! What the e-İmza Şefliği and officers follow up: signatures that expire
//! soon, and staff whose "mobil imza" field or line on file disagrees with
//! their signatures.

use chrono::{Duration, NaiveDateTime};

use super::{Actor, ServiceResult, audit};
use crate::db::{self, AnyConnection, requests::Expiring};
use crate::domain::audit::AuditAction;
use crate::domain::phone::display as phone_display;
use crate::domain::text::sort_key;

pub const EXPIRY_WINDOW_DAYS: i64 = 90;

/// Active signatures that end within [`EXPIRY_WINDOW_DAYS`].
pub fn expiring(conn: &mut AnyConnection, now: NaiveDateTime) -> ServiceResult<Vec<Expiring>> {
    Ok(db::requests::expiring(
        conn,
        now + Duration::days(EXPIRY_WINDOW_DAYS),
    )?)
}

/// The same list for an export, which is audited.
pub fn export_expiring(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: NaiveDateTime,
) -> ServiceResult<Vec<Expiring>> {
    db::transaction(conn, |conn| {
        let rows = expiring(conn, now)?;
        let detail = format!("{} satır", rows.len());
        audit(
            conn,
            actor,
            AuditAction::ExpiringExport,
            "90 gün",
            &detail,
            now,
        )?;
        Ok(rows)
    })
}

pub struct Mismatch {
    pub staff_id: i32,
    pub name: String,
    pub unit: String,
    pub problem: String,
}

/// Staff whose "mobil imza" field or line on file disagrees with their
/// signatures, in Turkish name order; `unit_ids` limits it to some units.
pub fn mismatches(
    conn: &mut AnyConnection,
    unit_ids: Option<&[i32]>,
) -> ServiceResult<Vec<Mismatch>> {
    let people = db::staff::with_unit_names(conn, unit_ids)?;
    let active = db::requests::active_lines(conn, unit_ids)?;
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
                    "Aktif imza {} {operator} hattında; kayıtta {} {}.",
                    phone_display(phone),
                    phone_display(&s.phone),
                    s.operator
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
    out.sort_by_cached_key(|m| sort_key(&m.name));
    Ok(out)
}
