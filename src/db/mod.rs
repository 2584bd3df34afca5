//! Database access: the backend choice (SQLite by default, PostgreSQL by URL),
//! the connection pool, embedded migrations, the write-transaction helper and
//! the queries, one module per aggregate.

pub mod audit;
pub mod auth;
pub mod batches;
pub mod billing;
pub mod contact;
pub mod demo_scale;
pub mod fee_report;
pub mod fees;
#[cfg(feature = "bench")]
pub mod fortunes;
pub mod imports;
pub mod requests;
pub mod schema;
pub mod settings;
pub mod staff;
pub mod types;
pub mod units;
pub mod users;

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::DatabaseUrl;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type DbPool = Pool<Manager>;
pub type DbConn = PooledConnection<Manager>;

/// Opens one connection, choosing the backend by the URL's scheme (diesel's
/// own `AnyConnection::establish` tries each backend and loses the real error).
pub fn connect(url: &DatabaseUrl) -> ConnectionResult<AnyConnection> {
    match url {
        DatabaseUrl::Postgres(u) => Ok(AnyConnection::Postgresql(diesel::PgConnection::establish(
            u,
        )?)),
        DatabaseUrl::Sqlite(path) => {
            let path = path.to_str().ok_or_else(|| {
                ConnectionError::BadConnection("SQLite dosya yolu UTF-8 değil".into())
            })?;
            let mut conn = diesel::SqliteConnection::establish(path)?;
            // Set on every connection: foreign keys are off by default in SQLite,
            // and WAL + busy timeout let pooled workers read while one writes.
            conn.batch_execute(
                "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                 PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
            )
            .map_err(ConnectionError::CouldntSetupConfiguration)?;
            Ok(AnyConnection::Sqlite(conn))
        }
    }
}

/// r2d2 manager that goes through [`connect`], so pool errors say what failed.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = ConnectionError;

    fn connect(&self) -> Result<AnyConnection, ConnectionError> {
        connect(&self.url)
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), ConnectionError> {
        conn.batch_execute("SELECT 1")
            .map_err(ConnectionError::CouldntSetupConfiguration)
    }

    fn has_broken(&self, _conn: &mut AnyConnection) -> bool {
        false
    }
}

/// Connects once (so a bad URL or a down server fails with its real message),
/// runs pending migrations, then builds the pool.
pub fn open(url: &DatabaseUrl) -> anyhow::Result<DbPool> {
    let mut conn = connect(url).map_err(|e| anyhow::anyhow!("veritabanına bağlanılamadı: {e}"))?;
    run_migrations(&mut conn)?;
    drop(conn);
    let max = if url.is_sqlite() { 4 } else { 10 };
    let pool = Pool::builder()
        .max_size(max)
        .connection_timeout(Duration::from_secs(10))
        .build(Manager { url: url.clone() })?;
    Ok(pool)
}

pub fn run_migrations(conn: &mut AnyConnection) -> anyhow::Result<usize> {
    let applied = match conn {
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        AnyConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(applied.len())
}

/// Runs `f` in one write transaction. On SQLite it starts with `BEGIN
/// IMMEDIATE`, so the write lock is taken up front and a concurrent writer
/// waits (busy timeout) instead of failing on a lock upgrade.
pub fn transaction<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let nested = AnyConnection::transaction_manager_status_mut(conn)
        .transaction_depth()
        .map_err(E::from)?
        .is_some();
    if nested {
        return conn.transaction(f);
    }
    match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        AnyConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            AnyConnection::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            AnyConnection::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

/// `SELECT 1` for `/healthz`.
pub fn ping(conn: &mut AnyConnection) -> QueryResult<()> {
    conn.batch_execute("SELECT 1")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    fn names(dir: &str) -> BTreeSet<String> {
        std::fs::read_dir(dir)
            .expect("migration folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect()
    }

    #[test]
    fn both_backends_have_the_same_migration_names() {
        let root = env!("CARGO_MANIFEST_DIR");
        let sqlite = names(&format!("{root}/migrations/sqlite"));
        let postgres = names(&format!("{root}/migrations/postgres"));
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, postgres);
    }
}
