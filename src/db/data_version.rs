//! The number that moves with every committed change to the tables the list
//! pages read (kept by triggers; see the `data_version` migration).

use diesel::prelude::*;

use super::{AnyConnection, schema::data_version};

/// The current number: equal numbers mean the list pages' tables have not
/// changed in between.
pub fn current(conn: &mut AnyConnection) -> QueryResult<i64> {
    on_backend!(conn, |c| data_version::table
        .select(data_version::n)
        .filter(data_version::id.eq(1))
        .first(c))
}
