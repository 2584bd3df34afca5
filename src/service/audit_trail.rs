//! The audit trail as evidence: appending sealed rows (one chain, in id
//! order), sealing the rows written before the chain existed, and checking
//! the whole chain (`mobilimza audit-verify`). The rules are in
//! [`crate::domain::audit_chain`].

use std::sync::OnceLock;

use chrono::NaiveDateTime;

use super::{ServiceError, ServiceResult};
use crate::db::{self, AnyConnection, audit::ChainRow};
use crate::domain::audit::AuditAction;
use crate::domain::audit_chain::{
    AuditKey, Broken, Content, GENESIS, Suspect, Walker, Why, seal, seal_time, written_as,
};

/// The key every audit row of this process is sealed with.
///
/// Set once at start-up, from the configuration, by whoever opens the
/// database for work: `app::AppState::new` (the server, its jobs, the
/// tests) and `cli::run` (every subcommand that writes or checks audit
/// rows), both through `app::install_audit_key`. A process-wide value
/// because audit rows are written deep inside use cases that the web layer,
/// the jobs and the CLI all call with nothing but a connection. Writing an
/// audit row before the key is installed fails (nothing unsealed is written).
static KEY: OnceLock<AuditKey> = OnceLock::new();

/// Installs the process' audit key. Installing the same key again is fine;
/// another key is refused, since one process writes one chain.
pub fn install_key(key: AuditKey) -> ServiceResult<()> {
    if *KEY.get_or_init(|| key.clone()) == key {
        Ok(())
    } else {
        Err(ServiceError::internal(anyhow::anyhow!(
            "bu süreçte başka bir denetim anahtarı zaten kullanılıyor"
        )))
    }
}

fn key() -> ServiceResult<&'static AuditKey> {
    KEY.get().ok_or_else(|| {
        ServiceError::internal(anyhow::anyhow!(
            "denetim anahtarı yüklenmedi (app::install_audit_key çağrılmadı)"
        ))
    })
}

/// One row to append, before it has an id and a seal.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub at: NaiveDateTime,
    pub actor_id: Option<i32>,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    pub ip: &'a str,
}

/// Rows read per query when walking the chain.
const CHUNK: i64 = 1_000;

/// Appends one sealed row in the caller's transaction (a savepoint when
/// nested): takes the chain lock, seals any rows from before the chain,
/// then writes the row as id = last id + 1 following the last sealed row.
pub fn append(conn: &mut AnyConnection, entry: &Entry<'_>) -> ServiceResult<()> {
    let key = key()?;
    db::transaction(conn, |conn| {
        db::audit::lock_chain(conn)?;
        let max = db::audit::max_id(conn)?;
        let last = match db::audit::last_sealed(conn)? {
            None if max.is_some() => Some(seal_legacy(conn, key, entry.at)?),
            last => last,
        };
        // After a row inserted outside the portal (unsealed), the chain goes
        // on from the last sealed row; audit-verify names the intruder.
        // (The legacy seal row, just inserted, is newer than `max`.)
        let next = max
            .into_iter()
            .chain(last.as_ref().map(|r| r.id))
            .max()
            .map_or(1, |id| id + 1);
        let prev = last.map_or_else(|| GENESIS.to_owned(), |r| r.hash);
        insert_sealed(conn, key, next, prev, entry)?;
        Ok(())
    })
}

fn insert_sealed(
    conn: &mut AnyConnection,
    key: &AuditKey,
    id: i64,
    prev_hash: String,
    e: &Entry<'_>,
) -> ServiceResult<ChainRow> {
    let at = seal_time(e.at);
    let hash = seal(
        key,
        &prev_hash,
        &Content {
            id,
            at,
            actor_id: e.actor_id,
            action: e.action,
            target: e.target,
            detail: e.detail,
            ip: e.ip,
        },
    );
    let row = ChainRow {
        id,
        at,
        actor_id: e.actor_id,
        action: e.action.to_owned(),
        target: e.target.to_owned(),
        detail: e.detail.to_owned(),
        ip: e.ip.to_owned(),
        prev_hash,
        hash,
    };
    db::audit::insert(conn, &row)?;
    Ok(row)
}

/// Seals the rows written before the chain existed (all rows, none sealed
/// yet: the caller holds the chain lock and checked) with an `audit.sealed`
/// row that follows their virtual chain.
fn seal_legacy(
    conn: &mut AnyConnection,
    key: &AuditKey,
    now: NaiveDateTime,
) -> ServiceResult<ChainRow> {
    let mut walker = Walker::new(key);
    let (mut after, mut first) = (0, None);
    loop {
        let rows = db::audit::unsealed_after(conn, after, CHUNK)?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        first = first.or(rows.first().map(|r| r.id));
        for r in &rows {
            walker.push(&r.link()).map_err(|s| {
                ServiceError::internal(anyhow::anyhow!("unsealed audit rows: {s:?}"))
            })?;
        }
    }
    let detail = format!(
        "Zincir öncesi {} kayıt (#{}–#{}) mühürlendi",
        walker.legacy,
        first.unwrap_or_default(),
        after
    );
    let prev = walker.tail().to_owned();
    let next = after + 1;
    let code = AuditAction::ChainSealed.code();
    let entry = Entry {
        at: now,
        actor_id: None,
        action: &code,
        target: "audit_log",
        detail: &detail,
        ip: "portal",
    };
    insert_sealed(conn, key, next, prev, &entry)
}

/// Seals the rows from before the chain, if any are still unsealed: run at
/// start-up, so the first start after the upgrade seals them.
pub fn seal_pending(conn: &mut AnyConnection, now: NaiveDateTime) -> ServiceResult<bool> {
    let key = key()?;
    db::transaction(conn, |conn| {
        db::audit::lock_chain(conn)?;
        if db::audit::last_sealed(conn)?.is_some() || db::audit::max_id(conn)?.is_none() {
            return Ok(false);
        }
        seal_legacy(conn, key, now)?;
        Ok(true)
    })
}

/// What checking the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Rows checked (sealed ones and those from before the chain).
    pub rows: u64,
    /// The last row and its hash, to keep elsewhere: a chain cannot show
    /// that rows were cut off its end.
    pub last: Option<(i64, String)>,
    pub broken: Option<Broken>,
}

/// How many other numbers to try for a row whose seal fails, to tell a
/// moved row from an edited one.
const RENUMBER_TRIES: i64 = 2_000_000;

/// Walks the whole chain in id order (after sealing rows from before the
/// chain) and names the first broken row. Reads in chunks outside a write
/// transaction: rows appended meanwhile only extend the chain.
pub fn verify(conn: &mut AnyConnection, now: NaiveDateTime) -> ServiceResult<ChainReport> {
    seal_pending(conn, now)?;
    let key = key()?;
    let mut walker = Walker::new(key);
    let mut after = i64::MIN;
    let mut last = None;
    loop {
        let rows = db::audit::chain_after(conn, after, CHUNK)?;
        let Some(tail) = rows.last() else { break };
        after = tail.id;
        for r in &rows {
            if let Err(suspect) = walker.push(&r.link()) {
                let broken = explain(conn, key, r, suspect)?;
                return Ok(ChainReport {
                    rows: walker.sealed + walker.legacy,
                    last,
                    broken: Some(broken),
                });
            }
            last = Some((r.id, r.hash.clone()));
        }
    }
    Ok(ChainReport {
        rows: walker.sealed + walker.legacy,
        last,
        broken: None,
    })
}

/// Settles a suspect row with what only the database can tell: whether the
/// row verifies under another number, whether its predecessor moved.
fn explain(
    conn: &mut AnyConnection,
    key: &AuditKey,
    row: &ChainRow,
    suspect: Suspect,
) -> ServiceResult<Broken> {
    let id = row.id;
    Ok(match suspect {
        Suspect::Broken(b) => b,
        Suspect::Content { .. } => {
            let lo = db::audit::min_id(conn)?.unwrap_or(id).min(id);
            let hi = db::audit::max_id(conn)?.unwrap_or(id).max(id);
            let hi = hi.min(lo.saturating_add(RENUMBER_TRIES));
            let why = match written_as(key, &row.link(), lo..=hi) {
                Some(written_as) => Why::Renumbered { written_as },
                None => Why::ContentChanged,
            };
            Broken { id, why }
        }
        Suspect::Link { prev_hash, gap, .. } => {
            let why = match db::audit::id_of_hash(conn, &prev_hash)? {
                Some(p) if p > id => Why::OrderChanged { predecessor: p },
                _ => Why::Missing { gap },
            };
            Broken { id, why }
        }
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::domain::audit::AuditAction;

    fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Quoted words like `user.updated` or `'login.success'` whose first part
    /// is an action family.
    fn quoted_codes(text: &str, families: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for quote in ['"', '\''] {
            for piece in text.split(quote).skip(1).step_by(2) {
                let is_code = piece.split_once('.').is_some_and(|(family, rest)| {
                    families.iter().any(|f| f == family)
                        && !rest.is_empty()
                        && rest.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                });
                if is_code {
                    out.push(piece.to_owned());
                }
            }
        }
        out
    }

    /// Audit rows get their action through `AuditAction` (a label for each
    /// by construction); this also checks every code the code base spells
    /// out (tests' SQL, queries) names a known action.
    #[test]
    fn every_action_code_used_in_the_code_base_has_a_label() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let families: Vec<String> = AuditAction::all()
            .into_iter()
            .filter_map(|a| a.code().split_once('.').map(|(f, _)| f.to_owned()))
            .collect();
        let mut files = Vec::new();
        for dir in ["src", "tests", "benches"] {
            rust_files(&root.join(dir), &mut files);
        }
        let mut unknown = Vec::new();
        let mut seen = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).expect("read");
            for code in quoted_codes(&text, &families) {
                seen += 1;
                if AuditAction::from_code(&code).is_none() {
                    unknown.push(format!("{}: {code}", file.display()));
                }
            }
        }
        assert!(seen > 20, "the search finds the codes ({seen})");
        assert!(
            unknown.is_empty(),
            "codes without a label:\n{}",
            unknown.join("\n")
        );
    }
}
