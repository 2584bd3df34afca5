//! Running the database: an online backup of the SQLite file, a restore that
//! checks the copy before it replaces anything, and where the schema stands.

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;

use super::audit_trail;
use crate::config::DatabaseUrl;
use crate::db::{self, AnyConnection, MigrationState};

/// Runs a scheduled job's step only if no other instance is running it now
/// (several `serve` on one PostgreSQL database): `None` when another holds
/// the job.
pub fn exclusively<T>(
    conn: &mut AnyConnection,
    job: &str,
    step: impl FnOnce(&mut AnyConnection) -> super::ServiceResult<T>,
) -> super::ServiceResult<Option<T>> {
    if !db::try_job_lock(conn, job)? {
        return Ok(None);
    }
    let out = step(conn);
    db::job_unlock(conn, job)?;
    out.map(Some)
}

/// What a backup or a restore holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    pub path: PathBuf,
    pub bytes: u64,
    pub requests: i64,
    pub audit_rows: i64,
}

/// A consistent copy of the live SQLite database at `dest` (`VACUUM INTO`:
/// one read transaction, so writers go on and the copy is of one moment).
/// PostgreSQL is backed up with `pg_dump` (see the README).
pub fn backup(conn: &mut AnyConnection, dest: &Path) -> anyhow::Result<Copy> {
    anyhow::ensure!(
        matches!(conn, AnyConnection::Sqlite(_)),
        "yedekleme komutu SQLite içindir; PostgreSQL için pg_dump kullanın (README: Yedekleme)"
    );
    anyhow::ensure!(
        !dest.exists(),
        "{} zaten var; yedek var olan bir dosyanın üzerine yazılmaz",
        dest.display()
    );
    let dest_text = dest
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("yedek yolu UTF-8 olmalı"))?;
    db::backup_into(conn, dest_text)?;
    describe(dest)
}

/// Replaces the SQLite database at `target` with the backup at `source`,
/// after checking the backup: SQLite's integrity check, a schema this binary
/// knows, and an intact audit chain. The old file is kept beside it as
/// `<name>.onceki-<time>`. The portal must be stopped: without `force` an
/// existing target is refused.
pub fn restore(
    source: &Path,
    target: &Path,
    force: bool,
    now: NaiveDateTime,
) -> anyhow::Result<(Copy, Option<PathBuf>)> {
    anyhow::ensure!(source.is_file(), "{} bulunamadı", source.display());
    anyhow::ensure!(
        force || !target.exists(),
        "{} zaten var: portalı durdurun ve --force ile yeniden deneyin (eski dosya yanında saklanır)",
        target.display()
    );
    let staged = with_suffix(target, ".geri-yukleniyor");
    std::fs::copy(source, &staged)?;
    if let Err(e) = check(&staged, now) {
        let _ = std::fs::remove_file(&staged);
        return Err(e);
    }
    let kept = if target.exists() {
        let old = with_suffix(target, &format!(".onceki-{}", now.format("%Y%m%d%H%M%S")));
        std::fs::rename(target, &old)?;
        for side in ["-wal", "-shm"] {
            let from = with_suffix(target, side);
            if from.exists() {
                std::fs::rename(&from, with_suffix(&old, side))?;
            }
        }
        Some(old)
    } else {
        None
    };
    std::fs::rename(&staged, target)?;
    Ok((describe(target)?, kept))
}

/// The checks a backup must pass before it replaces the live database.
fn check(path: &Path, now: NaiveDateTime) -> anyhow::Result<()> {
    let mut conn = db::connect(&DatabaseUrl::Sqlite(path.to_owned()))
        .map_err(|e| anyhow::anyhow!("yedek açılamadı: {e}"))?;
    let integrity = db::integrity_check(&mut conn)?;
    anyhow::ensure!(integrity == "ok", "yedek bozuk (SQLite: {integrity})");
    if let MigrationState::Ahead(newer) = db::migration_state(&mut conn)? {
        anyhow::bail!(
            "yedek bu sürümden yeni bir veritabanından alınmış ({})",
            newer.join(", ")
        );
    }
    let report = audit_trail::verify(&mut conn, now)?;
    if let Some(broken) = report.broken {
        anyhow::bail!("yedeğin denetim kaydı bozuk: {broken}");
    }
    Ok(())
}

fn describe(path: &Path) -> anyhow::Result<Copy> {
    let mut conn = db::connect(&DatabaseUrl::Sqlite(path.to_owned()))
        .map_err(|e| anyhow::anyhow!("{} açılamadı: {e}", path.display()))?;
    Ok(Copy {
        path: path.to_owned(),
        bytes: std::fs::metadata(path)?.len(),
        requests: db::count_rows(&mut conn, "requests")?,
        audit_rows: db::count_rows(&mut conn, "audit_log")?,
    })
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}
