//! Numbered batches of requests forwarded to Kamu SM, and the list Kamu SM
//! needs (full T.C. numbers: every export is audited).

use chrono::NaiveDateTime;

use super::{Actor, ServiceResult, audit};
use crate::db::{
    self, AnyConnection,
    batches::{Batch, ForwardLine},
};
use crate::domain::audit::{AuditAction, target};

/// The newest `limit` batches with who opened them and how many requests
/// each holds.
pub fn list(conn: &mut AnyConnection, limit: i64) -> ServiceResult<Vec<(Batch, String, i64)>> {
    Ok(db::batches::list(conn, limit)?)
}

/// A batch with who opened it and the lines `actor` may see: reviewers and
/// finance every line, officers their units' lines, admins (by that role
/// alone) and staff none. `None` if the batch does
/// not exist or has no line for the actor.
pub fn view(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i32,
) -> ServiceResult<Option<(Batch, String, Vec<ForwardLine>)>> {
    let Some((batch, by)) = db::batches::find(conn, id)? else {
        return Ok(None);
    };
    let lines: Vec<ForwardLine> = db::batches::lines(conn, id)?
        .into_iter()
        .filter(|l| actor.can_see_unit(l.unit_id))
        .collect();
    Ok((!lines.is_empty()).then_some((batch, by, lines)))
}

/// Every line of a batch for Kamu SM, audited as an export of full T.C.
/// numbers in `format`. `None` if there is no such batch.
pub fn export(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i32,
    format: &str,
    now: NaiveDateTime,
) -> ServiceResult<Option<Vec<ForwardLine>>> {
    db::transaction(conn, |conn| {
        if db::batches::find(conn, id)?.is_none() {
            return Ok(None);
        }
        let lines = db::batches::lines(conn, id)?;
        let detail = format!("{} satır, {format}, tam T.C. kimlik no", lines.len());
        audit(
            conn,
            actor,
            AuditAction::BatchExport,
            &target("batch", id),
            &detail,
            now,
        )?;
        Ok(Some(lines))
    })
}
