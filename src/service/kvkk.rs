//! KVKK retention: anonymising the staff members whose requests are all
//! closed and past the retention period (`mobilimza anonymise`). The rule
//! and the placeholders are `domain::kvkk`; the audited view of a full T.C.
//! number is `service::staff::reveal_tckn`.

use chrono::NaiveDateTime;

use super::{Actor, AuditAction, ServiceError, ServiceResult, audit};
use crate::db::{self, AnyConnection, staff::Anonymous};
use crate::domain::kvkk::{self, Retention};
use crate::domain::staff::search_key;
use crate::domain::time::format_local;
use crate::domain::workflow::State;

/// A staff member past retention: their requests and when the last ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub staff_id: i32,
    pub requests: Vec<i32>,
    pub last_end: NaiveDateTime,
}

/// What a run changed (a dry run: would change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub retention: Retention,
    pub cutoff: NaiveDateTime,
    pub dry_run: bool,
    pub staff: Vec<Due>,
    pub requests: usize,
    pub history_notes: usize,
    pub contact_changes: usize,
    pub notices: usize,
    pub imports: usize,
}

impl Report {
    /// One sentence: what the audit row says and the command prints last.
    pub fn summary(&self) -> String {
        let (done, cleared, emptied) = if self.dry_run {
            ("anonimleştirilecekti", "temizlenecekti", "boşaltılacaktı")
        } else {
            ("anonimleştirildi", "temizlendi", "boşaltıldı")
        };
        let text = format!(
            "{} personel, {} talep {done}; {} talep notu, {} iletişim değişikliği, \
             {} bildirim {cleared}; {} içe aktarma dosyası {emptied}; \
             kesim tarihi {} (saklama süresi {}).",
            self.staff.len(),
            self.requests,
            self.history_notes,
            self.contact_changes,
            self.notices,
            self.imports,
            format_local(self.cutoff),
            self.retention.label(),
        );
        if self.dry_run {
            format!("Deneme (--dry-run), hiçbir kayıt değişmedi: {text}")
        } else {
            text
        }
    }

    /// What the command prints: one line per staff member (ids only, no
    /// names), then the summary.
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .staff
            .iter()
            .map(|d| {
                let ids: Vec<String> = d.requests.iter().map(|r| format!("#{r}")).collect();
                format!(
                    "personel #{}: {} talep ({}), son bitiş {}",
                    d.staff_id,
                    d.requests.len(),
                    ids.join(", "),
                    format_local(d.last_end)
                )
            })
            .collect();
        out.push(self.summary());
        out
    }
}

/// Anonymises, in one transaction with one audit row, every staff member
/// whose requests all closed before `now` minus `retention`, their
/// requests' numbers, notes, references and serials, the notes of those
/// requests' timelines, the numbers of their contact changes and the
/// notices about those requests; and empties the rows of staff imports
/// uploaded before the cut-off. Records already anonymised are not touched
/// again. A dry run does the same work and rolls it back (so it reports
/// exactly what a run would change), without an audit row.
pub fn anonymise(
    conn: &mut AnyConnection,
    actor: &Actor,
    retention: Retention,
    dry_run: bool,
    now: NaiveDateTime,
) -> ServiceResult<Report> {
    let cutoff = retention.cutoff(now).ok_or_else(|| {
        ServiceError::internal(anyhow::anyhow!("retention {retention:?} out of range"))
    })?;
    let result = db::transaction(conn, |conn| {
        let mut report = Report {
            retention,
            cutoff,
            dry_run,
            staff: due(conn, cutoff)?,
            requests: 0,
            history_notes: 0,
            contact_changes: 0,
            notices: 0,
            imports: 0,
        };
        apply(conn, &mut report, now)?;
        if dry_run {
            return Err(Abort::DryRun(report));
        }
        let target = "kvkk:anonymise";
        audit(
            conn,
            actor,
            AuditAction::KvkkAnonymised,
            target,
            &report.summary(),
            now,
        )?;
        Ok(report)
    });
    match result {
        Ok(report) | Err(Abort::DryRun(report)) => Ok(report),
        Err(Abort::Fault(e)) => Err(e),
    }
}

/// Why the transaction rolled back: a dry run's report, or a fault.
enum Abort {
    DryRun(Report),
    Fault(ServiceError),
}

impl<E: Into<ServiceError>> From<E> for Abort {
    fn from(e: E) -> Self {
        Abort::Fault(e.into())
    }
}

/// Staff members (not yet anonymised) past retention at `cutoff`.
fn due(conn: &mut AnyConnection, cutoff: NaiveDateTime) -> ServiceResult<Vec<Due>> {
    let rows = db::requests::ends_by_staff(conn, kvkk::TCKN_PREFIX)?;
    let mut out = Vec::new();
    for group in rows.chunk_by(|a, b| a.0 == b.0) {
        let ends: Vec<(State, NaiveDateTime)> = group
            .iter()
            .map(|&(_, _, state, ended_at, updated_at)| (state, kvkk::ended(ended_at, updated_at)))
            .collect();
        if kvkk::due(&ends, cutoff) {
            out.push(Due {
                staff_id: group[0].0,
                requests: group.iter().map(|r| r.1).collect(),
                last_end: ends.iter().map(|e| e.1).max().unwrap_or(cutoff),
            });
        }
    }
    Ok(out)
}

/// Writes the anonymisation of `report.staff` and counts what it changed.
fn apply(conn: &mut AnyConnection, report: &mut Report, now: NaiveDateTime) -> ServiceResult<()> {
    let staff_ids: Vec<i32> = report.staff.iter().map(|d| d.staff_id).collect();
    let request_ids: Vec<i32> = report
        .staff
        .iter()
        .flat_map(|d| d.requests.iter().copied())
        .collect();
    for &id in &staff_ids {
        let (tckn, last_name) = (kvkk::placeholder_tckn(id), kvkk::last_name(id));
        let email = kvkk::placeholder_email(id);
        let search = search_key(&format!("{} {last_name}", kvkk::FIRST_NAME));
        let values = Anonymous {
            tckn: &tckn,
            first_name: kvkk::FIRST_NAME,
            last_name: &last_name,
            sicil_no: "",
            title: "",
            email: &email,
            phone: "",
            has_signature: false,
            search_name: &search,
            sort_name: db::staff::sort_name(kvkk::FIRST_NAME, &last_name),
            updated_at: now,
        };
        db::staff::anonymise(conn, id, &values)?;
    }
    report.requests = db::requests::anonymise(conn, &request_ids)?;
    report.history_notes = db::requests::clear_history_notes(conn, &request_ids)?;
    report.contact_changes = db::contact::anonymise_changes(conn, &staff_ids)?;
    let links: Vec<String> = request_ids
        .iter()
        .map(|&id| crate::paths::request(id))
        .collect();
    report.notices = db::contact::replace_notice_texts(conn, &links, kvkk::NOTICE_TEXT)?;
    report.imports = db::imports::empty_before(conn, report.cutoff)?;
    Ok(())
}
