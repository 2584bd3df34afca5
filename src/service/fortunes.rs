//! The ceiling route's work (`bench` feature only): one query, one row added
//! in memory, sorted by message.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::db::{self, AnyConnection};

pub use crate::db::fortunes::Fortune;

static READY: AtomicBool = AtomicBool::new(false);

pub const ADDED: &str = "Ek bir fortune: ekleme istek sırasında yapıldı.";

pub fn list(conn: &mut AnyConnection) -> super::ServiceResult<Vec<Fortune>> {
    if !READY.load(Ordering::Relaxed) {
        db::fortunes::ensure(conn)?;
        READY.store(true, Ordering::Relaxed);
    }
    let mut rows = db::fortunes::all(conn)?;
    rows.push(Fortune {
        id: 0,
        message: ADDED.to_owned(),
    });
    rows.sort_by(|a, b| a.message.cmp(&b.message));
    Ok(rows)
}
