//! Bulk inserts for the national-scale demo data (`seed-demo --scale N`):
//! multi-row `INSERT … VALUES` statements of literals, 500 rows each (no
//! bind parameters, so SQLite's parameter limit does not apply), portable
//! between SQLite and PostgreSQL. Units, staff and requests carry explicit
//! ids (the generator links rows by them); [`fix_sequences`] moves
//! PostgreSQL's sequences past them afterwards.

use std::fmt::Write as _;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::QueryResult;
use diesel::connection::SimpleConnection;

use super::AnyConnection;

/// Rows per statement.
const CHUNK: usize = 500;

/// One SQL literal.
pub enum Lit<'a> {
    Int(i64),
    Text(&'a str),
    Owned(String),
    Bool(bool),
    Time(NaiveDateTime),
    Day(NaiveDate),
    Null,
}

impl Lit<'_> {
    fn write(&self, out: &mut String) {
        // Writing to a String cannot fail.
        let _ = match self {
            Lit::Int(n) => write!(out, "{n}"),
            Lit::Text(s) => write!(out, "'{}'", s.replace('\'', "''")),
            Lit::Owned(s) => write!(out, "'{}'", s.replace('\'', "''")),
            Lit::Bool(b) => write!(out, "{}", if *b { "TRUE" } else { "FALSE" }),
            Lit::Time(t) => write!(out, "'{}'", t.format("%Y-%m-%d %H:%M:%S")),
            Lit::Day(d) => write!(out, "'{}'", d.format("%Y-%m-%d")),
            Lit::Null => write!(out, "NULL"),
        };
    }
}

impl<'a> From<Option<NaiveDateTime>> for Lit<'a> {
    fn from(t: Option<NaiveDateTime>) -> Self {
        t.map_or(Lit::Null, Lit::Time)
    }
}

/// The tables the generator fills, with their columns in row order.
#[derive(Debug, Clone, Copy)]
pub enum Table {
    Units,
    UserUnits,
    Staff,
    Batches,
    Requests,
    History,
    Fees,
    Changes,
}

impl Table {
    fn head(self) -> &'static str {
        match self {
            Table::Units => "units (id, province_id, name, kind, active, created_at)",
            Table::UserUnits => "user_units (user_id, unit_id)",
            Table::Staff => {
                "staff (id, tckn, first_name, last_name, sicil_no, title, unit_id, email, phone, \
                 operator, line_type, has_signature, search_name, created_at, updated_at, \
                 sort_name)"
            }
            Table::Batches => "batches (id, created_at, created_by)",
            Table::Requests => {
                "requests (id, staff_id, unit_id, state, reason, note, kvkk_ack, phone, operator, \
                 line_type, created_by, created_at, updated_at, submitted_at, version, batch_id, \
                 form_emailed_at, form_signed_at, docs_way, docs_ref, docs_sent_at, \
                 docs_received_at, sms_at, produced_at, certificate_serial, activated_at, \
                 valid_until, not_mine_at, flagged, ended_at)"
            }
            Table::History => {
                "request_history (request_id, at, actor_id, action, from_state, to_state, note)"
            }
            Table::Fees => {
                "fee_accruals (request_id, staff_id, unit_id, operator, accrued_on, net_kurus, \
                 kdv_bp, kdv_kurus, gross_kurus, payer, invoice_no, invoice_date, paid_on, \
                 created_at)"
            }
            Table::Changes => {
                "contact_changes (staff_id, at, actor_id, old_phone, new_phone, old_operator, \
                 new_operator, old_line_type, new_line_type, old_has_signature, \
                 new_has_signature, kinds, invalidated_request_id)"
            }
        }
    }
}

/// Collects rows of one table and writes them 500 at a time.
pub struct Bulk {
    table: Table,
    sql: String,
    rows: usize,
    pub written: usize,
}

impl Bulk {
    pub fn new(table: Table) -> Bulk {
        Bulk {
            table,
            sql: String::with_capacity(256 * CHUNK),
            rows: 0,
            written: 0,
        }
    }

    /// Adds one row; flushes a full chunk.
    pub fn row(&mut self, conn: &mut AnyConnection, values: &[Lit<'_>]) -> QueryResult<()> {
        if self.rows == 0 {
            self.sql.clear();
            let _ = write!(self.sql, "INSERT INTO {} VALUES ", self.table.head());
        } else {
            self.sql.push(',');
        }
        self.sql.push('(');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.sql.push(',');
            }
            v.write(&mut self.sql);
        }
        self.sql.push(')');
        self.rows += 1;
        if self.rows == CHUNK {
            self.flush(conn)?;
        }
        Ok(())
    }

    pub fn flush(&mut self, conn: &mut AnyConnection) -> QueryResult<()> {
        if self.rows > 0 {
            conn.batch_execute(&self.sql)?;
            self.written += self.rows;
            self.rows = 0;
        }
        Ok(())
    }
}

/// The next free id of a table with an integer `id` (1 when empty).
pub fn next_id(conn: &mut AnyConnection, table: &str) -> QueryResult<i32> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::Integer;
    #[derive(diesel::QueryableByName)]
    struct Next {
        #[diesel(sql_type = Integer)]
        next: i32,
    }
    let table = match table {
        "units" | "staff" | "requests" | "batches" => table,
        _ => return Err(diesel::result::Error::NotFound),
    };
    let row: Next = diesel::sql_query(format!(
        "SELECT CAST(COALESCE(MAX(id), 0) + 1 AS INTEGER) AS next FROM {table}"
    ))
    .get_result(conn)?;
    Ok(row.next)
}

/// After explicit ids: PostgreSQL's sequences continue after the largest
/// id (SQLite's AUTOINCREMENT follows by itself). Then fresh statistics.
pub fn fix_sequences(conn: &mut AnyConnection) -> QueryResult<()> {
    if let AnyConnection::Postgresql(c) = conn {
        for table in ["units", "staff", "requests", "batches"] {
            c.batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))?;
        }
    }
    Ok(())
}

/// After a bulk load (outside any transaction): fresh planner statistics,
/// and on PostgreSQL a VACUUM as autovacuum would soon run, so the
/// visibility map lets index-only scans skip the table.
pub fn analyze(conn: &mut AnyConnection) -> QueryResult<()> {
    match conn {
        AnyConnection::Sqlite(c) => c.batch_execute("ANALYZE"),
        AnyConnection::Postgresql(c) => c.batch_execute("VACUUM (ANALYZE)"),
    }
}
