//! The staff registry: records an officer keeps for their units. A record's
//! line (number, operator, line type, "mobil imza") changes only through a
//! contact change, which applies its consequences (`service::contact`).

use chrono::NaiveDateTime;

use super::{Actor, ServiceResult, audit};
use crate::db::{self, AnyConnection};
use crate::domain::staff::ValidStaff;

/// What saving a record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Done(i32),
    /// Another record has this T.C. number and/or e-mail; nothing written.
    Taken {
        tckn: bool,
        email: bool,
    },
}

/// Creates a record (`editing: None`) or updates one in `unit`, in one
/// transaction with its audit row. The caller has checked that `unit` and
/// the record being edited are the actor's.
pub fn save(
    conn: &mut AnyConnection,
    actor: &Actor,
    editing: Option<i32>,
    valid: &ValidStaff,
    unit: i32,
    now: NaiveDateTime,
) -> ServiceResult<Saved> {
    db::transaction(conn, |conn| {
        let (tckn, email) =
            db::staff::conflicts(conn, valid.tckn.as_str(), valid.email.as_str(), editing)?;
        if tckn || email {
            return Ok(Saved::Taken { tckn, email });
        }
        let search = valid.search_name();
        let values = db::staff::values(valid, unit, &search, now);
        let (id, action) = match editing {
            Some(id) => {
                db::staff::update(conn, id, &values)?;
                (id, "staff.updated")
            }
            None => (db::staff::insert(conn, &values, now)?, "staff.created"),
        };
        audit(
            conn,
            actor,
            action,
            &format!("staff:{id}"),
            &format!("birim={unit}"),
            now,
        )?;
        Ok(Saved::Done(id))
    })
}
