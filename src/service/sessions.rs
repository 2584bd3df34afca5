//! The session behind a cookie: valid (and who it is), expired (idle or
//! past its absolute lifetime), or gone (logged out, or the account was
//! deactivated). Expired and gone sessions are deleted.

use chrono::{Duration, NaiveDateTime};

use super::{ServiceResult, page_cache::DataVersion};
use crate::db::{self, AnyConnection, users::UserAccess};
use crate::domain::auth::{SessionState, session_state};

pub enum Lookup {
    /// Who it is, and the data version read with it (the kept list pages
    /// it validates).
    Valid(UserAccess, DataVersion),
    Expired,
    Gone,
}

/// Looks up the session `id` (the hash of the cookie's token) at `now`.
pub fn resolve(
    conn: &mut AnyConnection,
    id: &str,
    now: NaiveDateTime,
    idle: Duration,
    absolute: Duration,
) -> ServiceResult<Lookup> {
    let Some((sess, access, version)) = db::auth::find_session_access(conn, id)? else {
        return Ok(Lookup::Gone);
    };
    if !access.user.active {
        db::auth::delete_session(conn, id)?;
        return Ok(Lookup::Gone);
    }
    if session_state(sess.created_at, sess.last_seen_at, now, idle, absolute) != SessionState::Valid
    {
        db::auth::delete_session(conn, id)?;
        return Ok(Lookup::Expired);
    }
    // Write at most once a minute per session: reads stay reads.
    if now - sess.last_seen_at >= Duration::minutes(1) {
        db::auth::touch_session(conn, id, now)?;
    }
    Ok(Lookup::Valid(access, DataVersion(version)))
}
