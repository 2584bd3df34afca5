//! Units admins manage, each in one of the 81 provinces.

use chrono::NaiveDateTime;

use super::{Actor, ServiceResult, audit};
use crate::db::{self, AnyConnection, units::NewUnit, units::Unit, units::UnitChanges};
use crate::domain::audit::{AuditAction, active_label, change, target};
use crate::domain::cover_letter::LetterSettings;
use crate::domain::unit::UnitKind;

/// Every unit, by province and then Turkish name, with its officer count.
pub fn list(conn: &mut AnyConnection) -> ServiceResult<Vec<db::units::UnitRow>> {
    Ok(db::units::list(conn)?)
}

/// The 81 provinces by plate code.
pub fn provinces(conn: &mut AnyConnection) -> ServiceResult<&'static [db::units::Province]> {
    Ok(db::units::provinces(conn)?)
}

/// A unit with its cover-letter settings, for the edit form.
pub fn for_edit(
    conn: &mut AnyConnection,
    id: i32,
) -> ServiceResult<Option<(Unit, LetterSettings)>> {
    let letter = super::cover_letters::unit_settings(conn, id)?;
    Ok(db::units::find(conn, id)?.map(|u| (u, letter)))
}

/// A unit as an admin saves it, validated.
#[derive(Debug, Clone)]
pub struct UnitInput {
    pub province_id: i32,
    pub name: String,
    pub kind: UnitKind,
    pub active: bool,
    /// What the unit's cover letters print (heading, signer, sayı prefix).
    pub letter: LetterSettings,
}

/// What saving a unit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitSaved {
    Done(i32),
    NotFound,
    /// The province already has a unit of this name; nothing written.
    NameTaken,
}

/// Creates a unit (`editing: None`) or updates one, in one transaction with
/// its audit row.
pub fn save(
    conn: &mut AnyConnection,
    actor: &Actor,
    editing: Option<i32>,
    input: &UnitInput,
    now: NaiveDateTime,
) -> ServiceResult<UnitSaved> {
    db::transaction(conn, |conn| {
        let old = match editing {
            Some(id) => match db::units::find(conn, id)? {
                Some(unit) => Some(unit),
                None => return Ok(UnitSaved::NotFound),
            },
            None => None,
        };
        if db::units::name_taken(conn, input.province_id, &input.name, editing)? {
            return Ok(UnitSaved::NameTaken);
        }
        let (id, action) = match editing {
            Some(id) => {
                let changes = UnitChanges {
                    province_id: input.province_id,
                    name: &input.name,
                    kind: input.kind.code(),
                    active: input.active,
                };
                db::units::update(conn, id, &changes)?;
                (id, AuditAction::UnitUpdated)
            }
            None => {
                let new = NewUnit {
                    province_id: input.province_id,
                    name: &input.name,
                    kind: input.kind.code(),
                    active: input.active,
                    created_at: now,
                };
                (db::units::create(conn, &new)?, AuditAction::UnitCreated)
            }
        };
        let letter = super::cover_letters::save_unit_settings(conn, id, &input.letter, now)?;
        let detail = with_letter(detail(conn, old.as_ref(), input)?, &letter);
        audit(conn, actor, action, &target("unit", id), &detail, now)?;
        Ok(UnitSaved::Done(id))
    })
}

/// The unit's audit detail with what changed in its letter settings.
fn with_letter(detail: String, letter: &[String]) -> String {
    match (detail.as_str(), letter.is_empty()) {
        (_, true) => detail,
        ("Değişiklik yok", false) => letter.join("; "),
        (_, false) => format!("{detail}; {}", letter.join("; ")),
    }
}

/// The audit detail in Turkish: every field of a new unit, or old → new for
/// each field an update changed.
fn detail(
    conn: &mut AnyConnection,
    old: Option<&Unit>,
    input: &UnitInput,
) -> ServiceResult<String> {
    let province = db::units::province_label(conn, input.province_id)?;
    let kind = input.kind.label();
    let active = active_label(input.active);
    let Some(old) = old else {
        return Ok(format!(
            "Ad: {}; il: {province}; tür: {kind}; durum: {active}",
            input.name
        ));
    };
    let old_province = db::units::province_label(conn, old.province_id)?;
    let old_kind =
        UnitKind::from_code(&old.kind).map_or_else(|| old.kind.clone(), |k| k.label().to_owned());
    let parts: Vec<String> = [
        change("Ad", &old.name, &input.name),
        change("İl", &old_province, &province),
        change("Tür", &old_kind, kind),
        change("Durum", active_label(old.active), active),
    ]
    .into_iter()
    .flatten()
    .collect();
    Ok(if parts.is_empty() {
        "Değişiklik yok".to_owned()
    } else {
        parts.join("; ")
    })
}
