//! The `fortunes` table of the ceiling route (`bench` feature only): twelve
//! rows, created on first use, never part of the portal's migrations.

use diesel::QueryResult;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use super::AnyConnection;

#[derive(Debug, Clone, QueryableByName)]
pub struct Fortune {
    #[diesel(sql_type = Integer)]
    pub id: i32,
    #[diesel(sql_type = Text)]
    pub message: String,
}

const ROWS: &[&str] = &[
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. — Donald Knuth",
    "Feature: A bug with seniority.",
    "Çağrı İşçi: ığdır, şöyle, ÖZGÜR",
    "<script>alert(\"x\")</script>",
    "フレームワークのベンチマーク",
];

/// Creates and fills the table when it is missing (idempotent).
pub fn ensure(conn: &mut AnyConnection) -> QueryResult<()> {
    conn.batch_execute(
        "CREATE TABLE IF NOT EXISTS fortunes (id INTEGER PRIMARY KEY NOT NULL, message TEXT NOT NULL)",
    )?;
    let mut sql = String::from("INSERT INTO fortunes (id, message) VALUES ");
    for (i, m) in ROWS.iter().enumerate() {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&format!("({}, '{}')", i + 1, m.replace('\'', "''")));
    }
    sql.push_str(" ON CONFLICT (id) DO NOTHING");
    conn.batch_execute(&sql)
}

/// Every row: the one query of the ceiling route.
pub fn all(conn: &mut AnyConnection) -> QueryResult<Vec<Fortune>> {
    diesel::sql_query("SELECT id, message FROM fortunes").load(conn)
}
