//! Units admins manage, each in one of the 81 provinces.

use chrono::NaiveDateTime;

use super::{Actor, ServiceResult, audit};
use crate::db::{self, AnyConnection, units::NewUnit, units::UnitChanges};
use crate::domain::unit::UnitKind;

/// A unit as an admin saves it, validated.
#[derive(Debug, Clone)]
pub struct UnitInput {
    pub province_id: i32,
    pub name: String,
    pub kind: UnitKind,
    pub active: bool,
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
        if let Some(id) = editing
            && db::units::find(conn, id)?.is_none()
        {
            return Ok(UnitSaved::NotFound);
        }
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
                (id, "unit.updated")
            }
            None => {
                let new = NewUnit {
                    province_id: input.province_id,
                    name: &input.name,
                    kind: input.kind.code(),
                    active: input.active,
                    created_at: now,
                };
                (db::units::create(conn, &new)?, "unit.created")
            }
        };
        let detail = format!(
            "il={} ad={} tür={} aktif={}",
            input.province_id,
            input.name,
            input.kind.code(),
            input.active
        );
        audit(conn, actor, action, &format!("unit:{id}"), &detail, now)?;
        Ok(UnitSaved::Done(id))
    })
}
