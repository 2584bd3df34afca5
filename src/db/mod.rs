//! Database access: the backend choice (SQLite by default, PostgreSQL by URL),
//! the connection pool, embedded migrations, the write-transaction helper and
//! the queries, one module per aggregate.

/// Runs `$body` with `$c` bound to the backend's own connection. Diesel's
/// `MultiConnection` writes a statement's whole SQL text on every execution
/// (to learn whether it may be cached), even for a static statement the
/// backend's own connection finds by its type alone; the statements that
/// run on every page view (identity, data version) go through here.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::AnyConnection::Sqlite($c) => $body,
            $crate::db::AnyConnection::Postgresql($c) => $body,
        }
    };
}

pub mod audit;
pub mod auth;
pub mod batches;
pub mod bill_reconciliations;
pub mod billing;
pub mod contact;
pub mod cover_letters;
pub mod demo_scale;
pub mod fee_report;
pub mod fees;
#[cfg(feature = "bench")]
pub mod fortunes;
pub mod imports;
pub mod outbox;
pub mod requests;
pub mod schema;
pub mod settings;
pub mod sql;
pub mod staff;
pub mod threads;
pub mod types;
pub mod units;
pub mod users;

use std::time::{Duration, Instant};

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
        DatabaseUrl::Postgres(u) => {
            let mut conn = diesel::PgConnection::establish(u)?;
            // The portal's pages read a few rows through indexes from a
            // database held in memory or on SSD: random reads cost about
            // what sequential ones do (the default 4.0 models spinning
            // disks and made a name search scan every request instead of
            // using the trigram and staff indexes), and compiling a query
            // (JIT) costs more than these queries take.
            conn.batch_execute("SET random_page_cost = 1.1; SET jit = off;")
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
            conn.set_instrumentation(Health::default());
            Ok(AnyConnection::Postgresql(conn))
        }
        DatabaseUrl::Sqlite(path) => {
            let path = path.to_str().ok_or_else(|| {
                ConnectionError::BadConnection("SQLite dosya yolu UTF-8 değil".into())
            })?;
            let mut conn = diesel::SqliteConnection::establish(path)?;
            // Set on every connection: foreign keys are off by default in SQLite,
            // and WAL + busy timeout let pooled workers read while one writes.
            // Reads go through a memory map of the file (the operating
            // system's page cache, shared by the pool's connections) instead
            // of a read call and a copy per page.
            conn.batch_execute(
                "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                 PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                 PRAGMA mmap_size = 1073741824;",
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

    /// Checked on every checkout. An open SQLite file cannot break. A
    /// PostgreSQL connection can (server restart, network), so it is pinged
    /// unless one of its statements succeeded within [`Health::TRUSTED_FOR`]:
    /// a ping per checkout was a second round trip on every page view.
    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), ConnectionError> {
        match conn {
            AnyConnection::Sqlite(_) => Ok(()),
            AnyConnection::Postgresql(c) => {
                if Health::of(c).is_some_and(|h| h.trusted()) {
                    return Ok(());
                }
                c.batch_execute("SELECT 1")
                    .map_err(ConnectionError::CouldntSetupConfiguration)
            }
        }
    }

    /// On return to the pool: a connection left inside a transaction, or one
    /// a statement found closed, is dropped rather than handed out again.
    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        std::thread::panicking()
            || match conn {
                AnyConnection::Sqlite(c) => c.is_broken(),
                AnyConnection::Postgresql(c) => {
                    c.is_broken() || Health::of(c).is_some_and(|h| h.closed)
                }
            }
    }
}

/// What a pooled PostgreSQL connection learns from its own statements (as
/// its diesel instrumentation): when one last succeeded, and whether one
/// found the connection closed.
#[derive(Debug, Default)]
struct Health {
    last_ok: Option<Instant>,
    closed: bool,
}

impl Health {
    /// How long a success vouches for the connection. The cost: after the
    /// server drops connections, a statement on one used within this window
    /// fails once (the request gets the error page, nothing is saved) and
    /// the connection is then replaced.
    const TRUSTED_FOR: Duration = Duration::from_secs(1);

    fn of(conn: &mut diesel::PgConnection) -> Option<&mut Health> {
        conn.instrumentation().downcast_mut::<Health>()
    }

    fn trusted(&self) -> bool {
        !self.closed
            && self
                .last_ok
                .is_some_and(|t| t.elapsed() < Self::TRUSTED_FOR)
    }
}

impl diesel::connection::Instrumentation for Health {
    fn on_connection_event(&mut self, event: diesel::connection::InstrumentationEvent<'_>) {
        use diesel::result::{DatabaseErrorKind, Error};
        if let diesel::connection::InstrumentationEvent::FinishQuery { error, .. } = event {
            match error {
                None => self.last_ok = Some(Instant::now()),
                Some(Error::DatabaseError(
                    DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                    _,
                )) => self.closed = true,
                Some(_) => {}
            }
        }
    }
}

/// Connects once (so a bad URL or a down server fails with its real message),
/// runs pending migrations, then builds the pool.
pub fn open(url: &DatabaseUrl) -> anyhow::Result<DbPool> {
    let mut conn = connect(url).map_err(|e| anyhow::anyhow!("veritabanına bağlanılamadı: {e}"))?;
    let applied = run_migrations(&mut conn)?;
    staff::fill_sort_names(&mut conn)?;
    refresh_statistics(&mut conn, applied > 0)?;
    drop(conn);
    let max = if url.is_sqlite() { 4 } else { 10 };
    let pool = Pool::builder()
        .max_size(max)
        .connection_timeout(Duration::from_secs(10))
        .build(Manager { url: url.clone() })?;
    Ok(pool)
}

/// SQLite: fresh planner statistics, with bounded work per index
/// (`analysis_limit`). After migrations, all of them: an index a migration
/// added has none, and beside indexes that have some the planner can take it
/// for the most selective one and sort the whole queue. Otherwise only where
/// stale (`PRAGMA optimize`, as SQLite advises for long-lived connections).
/// PostgreSQL's autovacuum does this itself.
fn refresh_statistics(conn: &mut AnyConnection, migrated: bool) -> QueryResult<()> {
    match conn {
        AnyConnection::Sqlite(c) if migrated => {
            c.batch_execute("PRAGMA analysis_limit = 1000; ANALYZE;")
        }
        AnyConnection::Sqlite(c) => {
            c.batch_execute("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")
        }
        AnyConnection::Postgresql(_) => Ok(()),
    }
}

/// Where the database stands against the migrations built into this binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrationState {
    Current,
    /// Migrations this binary would apply.
    Behind(Vec<String>),
    /// Migrations the database has that this binary does not know: it was
    /// upgraded by a newer version, and this one must not serve it.
    Ahead(Vec<String>),
}

fn known_versions<DB: diesel::backend::Backend>(
    source: &EmbeddedMigrations,
) -> anyhow::Result<Vec<String>> {
    use diesel::migration::MigrationSource;
    Ok(MigrationSource::<DB>::migrations(source)
        .map_err(|e| anyhow::anyhow!("göçler okunamadı: {e}"))?
        .iter()
        .map(|m| m.name().version().to_string())
        .collect())
}

/// Compares the applied migrations with the built-in ones.
pub fn migration_state(conn: &mut AnyConnection) -> anyhow::Result<MigrationState> {
    let (known, applied) = match conn {
        AnyConnection::Sqlite(c) => (
            known_versions::<diesel::sqlite::Sqlite>(&SQLITE_MIGRATIONS)?,
            c.applied_migrations(),
        ),
        AnyConnection::Postgresql(c) => (
            known_versions::<diesel::pg::Pg>(&POSTGRES_MIGRATIONS)?,
            c.applied_migrations(),
        ),
    };
    let applied: Vec<String> = applied
        .map_err(|e| anyhow::anyhow!("uygulanmış göçler okunamadı: {e}"))?
        .iter()
        .map(ToString::to_string)
        .collect();
    let ahead: Vec<String> = applied
        .iter()
        .filter(|v| !known.contains(v))
        .cloned()
        .collect();
    if !ahead.is_empty() {
        return Ok(MigrationState::Ahead(ahead));
    }
    let behind: Vec<String> = known.into_iter().filter(|v| !applied.contains(v)).collect();
    Ok(if behind.is_empty() {
        MigrationState::Current
    } else {
        MigrationState::Behind(behind)
    })
}

/// Applies pending migrations, once even when several instances start
/// together (PostgreSQL: a session advisory lock around the run; SQLite: one
/// instance per file). Refuses a database that is ahead of this binary.
pub fn run_migrations(conn: &mut AnyConnection) -> anyhow::Result<usize> {
    const MIGRATION_LOCK: i64 = 0x6d6f_6269_6c02;
    if let AnyConnection::Postgresql(c) = conn {
        diesel::sql_query("SELECT pg_advisory_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK)
            .execute(c)?;
    }
    let result = apply_pending(conn);
    if let AnyConnection::Postgresql(c) = conn {
        diesel::sql_query("SELECT pg_advisory_unlock($1)")
            .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK)
            .execute(c)?;
    }
    result
}

fn apply_pending(conn: &mut AnyConnection) -> anyhow::Result<usize> {
    if let MigrationState::Ahead(newer) = migration_state(conn)? {
        anyhow::bail!(
            "veritabanı bu sürümden yeni (bilinmeyen göçler: {}); bu sürüm onu kullanamaz, \
             portalın yeni sürümünü çalıştırın",
            newer.join(", ")
        );
    }
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

/// Takes the named job's lock for this session if no other instance holds
/// it (PostgreSQL `pg_try_advisory_lock` on the name's hash); SQLite serves
/// one instance per file, so there it is always taken.
pub fn try_job_lock(conn: &mut AnyConnection, name: &str) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Taken {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        taken: bool,
    }
    match conn {
        AnyConnection::Sqlite(_) => Ok(true),
        AnyConnection::Postgresql(c) => diesel::sql_query(
            "SELECT pg_try_advisory_lock(hashtext('mobilimza-job:' || $1)) AS taken",
        )
        .bind::<diesel::sql_types::Text, _>(name)
        .get_result::<Taken>(c)
        .map(|t| t.taken),
    }
}

/// Releases [`try_job_lock`].
pub fn job_unlock(conn: &mut AnyConnection, name: &str) -> QueryResult<()> {
    match conn {
        AnyConnection::Sqlite(_) => Ok(()),
        AnyConnection::Postgresql(c) => {
            diesel::sql_query("SELECT pg_advisory_unlock(hashtext('mobilimza-job:' || $1))")
                .bind::<diesel::sql_types::Text, _>(name)
                .execute(c)
                .map(drop)
        }
    }
}

/// `VACUUM INTO`: a consistent copy of a SQLite database at `dest`.
pub fn backup_into(conn: &mut AnyConnection, dest: &str) -> QueryResult<()> {
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(dest)
        .execute(conn)
        .map(drop)
}

/// SQLite's `PRAGMA integrity_check`: "ok" or what is wrong.
pub fn integrity_check(conn: &mut AnyConnection) -> QueryResult<String> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    let rows: Vec<Row> = diesel::sql_query("PRAGMA integrity_check").load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| r.integrity_check)
        .collect::<Vec<_>>()
        .join("; "))
}

/// Rows in one of the portal's tables (for backup summaries).
pub fn count_rows(conn: &mut AnyConnection, table: &'static str) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
        .get_result::<N>(conn)
        .map(|r| r.n)
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
