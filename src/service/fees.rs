//! Certificate fees for finance: the report (totals grouped by province,
//! unit or operator, and the first lines), recording invoices and payments,
//! and the audited exports that stream every filtered line.

use chrono::{NaiveDate, NaiveDateTime};

use super::{Actor, Outcome, ServiceResult, audit};
use crate::db::{
    self, AnyConnection,
    fee_report::{FeeFilter, FeeLine},
    units::Province,
};
use crate::domain::audit::{AuditAction, fees_target};
use crate::domain::money::Money;
use crate::domain::text::sort_key;
use crate::domain::time::local_day;

/// Count and sums in kuruş.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub count: i64,
    pub net: i64,
    pub kdv: i64,
    pub gross: i64,
}

impl Totals {
    pub fn add(&mut self, net: i64, kdv: i64, gross: i64) {
        self.add_many(1, net, kdv, gross);
    }

    /// `count` lines whose amounts sum to `net`, `kdv`, `gross`.
    pub fn add_many(&mut self, count: i64, net: i64, kdv: i64, gross: i64) {
        self.count += count;
        self.net += net;
        self.kdv += kdv;
        self.gross += gross;
    }

    pub fn net_s(&self) -> String {
        Money::from_kurus(self.net).to_string()
    }
    pub fn kdv_s(&self) -> String {
        Money::from_kurus(self.kdv).to_string()
    }
    pub fn gross_s(&self) -> String {
        Money::from_kurus(self.gross).to_string()
    }
}

/// What the report's totals are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Province,
    Unit,
    Operator,
}

impl Grouping {
    /// `birim`, `operator`; anything else groups by province.
    pub fn from_code(code: &str) -> Self {
        match code {
            "birim" => Grouping::Unit,
            "operator" => Grouping::Operator,
            _ => Grouping::Province,
        }
    }
}

pub struct FeeReport {
    pub total: Totals,
    /// Totals by group key, in Turkish order.
    pub groups: Vec<(String, Totals)>,
    /// The first `limit` lines.
    pub lines: Vec<FeeLine>,
    /// Whether there are more lines than shown.
    pub more: bool,
    pub provinces: &'static [Province],
    /// The unit filter's choices, (id, name): the chosen province's units
    /// (none before a province is chosen).
    pub units: Vec<(i32, String)>,
}

/// The filtered fees' totals and groups, and their first `limit` lines.
pub fn report(
    conn: &mut AnyConnection,
    filter: &FeeFilter,
    grouping: Grouping,
    limit: i64,
) -> ServiceResult<FeeReport> {
    let figures = db::fee_report::figures(conn, filter)?;
    let mut lines = db::fee_report::lines(conn, filter, 0, limit + 1)?;
    let provinces = db::units::provinces(conn)?;
    let units = match (filter.province_id, filter.unit_id) {
        (Some(p), _) => db::units::choices(conn, Some(p), None)?,
        (None, Some(u)) => db::units::choices(conn, None, Some(&[u]))?,
        (None, None) => Vec::new(),
    };
    let mut total = Totals::default();
    let mut groups: std::collections::HashMap<String, Totals> = Default::default();
    let names: std::collections::HashMap<i32, (i32, String)> = db::units::placed(conn)?
        .into_iter()
        .map(|(id, province, name)| (id, (province, name)))
        .collect();
    for (unit_id, operator, n, net, kdv, gross) in figures {
        total.add_many(n, net, kdv, gross);
        let (province, unit) = names.get(&unit_id).cloned().unwrap_or_default();
        let key = match grouping {
            Grouping::Unit => unit,
            Grouping::Operator => operator.label().to_owned(),
            Grouping::Province => provinces
                .iter()
                .find(|p| p.id == province)
                .map_or(String::new(), |p| p.name.clone()),
        };
        groups.entry(key).or_default().add_many(n, net, kdv, gross);
    }
    let mut groups: Vec<(String, Totals)> = groups.into_iter().collect();
    groups.sort_by_cached_key(|(k, _)| sort_key(k));
    let more = lines.len() as i64 > limit;
    lines.truncate(limit.max(0) as usize);
    Ok(FeeReport {
        total,
        groups,
        lines,
        more,
        provinces,
        units,
    })
}

/// An invoice number/date and/or payment date for some fee lines.
#[derive(Debug, Clone)]
pub struct Invoice {
    pub fee_ids: Vec<i32>,
    /// Trimmed; empty when not given.
    pub number: String,
    pub date: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
}

impl Invoice {
    /// Why it cannot be recorded, if it cannot; `today` is Istanbul's date.
    fn problem(&self, today: NaiveDate) -> Option<&'static str> {
        if self.fee_ids.is_empty() {
            Some("En az bir ücret satırı seçin.")
        } else if self.number.is_empty() && self.date.is_none() && self.paid_on.is_none() {
            Some("Fatura numarası, fatura tarihi ya da ödeme tarihinden en az birini girin.")
        } else if self.number.chars().count() > 50 {
            Some("Fatura numarası en fazla 50 karakter olabilir.")
        } else if self.date.is_some_and(|d| d > today) || self.paid_on.is_some_and(|d| d > today) {
            Some("Fatura ve ödeme tarihi ileri bir tarih olamaz.")
        } else {
            None
        }
    }
}

/// Records the invoice on the selected lines in one transaction, audited.
/// Returns the number of lines updated, or why nothing changed.
pub fn record_invoice(
    conn: &mut AnyConnection,
    actor: &Actor,
    invoice: Invoice,
    now: NaiveDateTime,
) -> ServiceResult<Outcome<usize>> {
    if let Some(msg) = invoice.problem(local_day(now)) {
        return Ok(Outcome::Refused(format!("{msg} Hiçbir kayıt değişmedi.")));
    }
    let Invoice {
        fee_ids: ids,
        number,
        date,
        paid_on,
    } = invoice;
    db::transaction(conn, |conn| {
        let no = (!number.is_empty()).then_some(number.as_str());
        let n = db::fee_report::record_invoice(conn, &ids, no, date, paid_on)?;
        let day = |d: Option<NaiveDate>| {
            d.map_or_else(|| "—".to_owned(), |d| d.format("%d.%m.%Y").to_string())
        };
        let detail = format!(
            "Fatura no: {}; fatura tarihi: {}; ödeme tarihi: {}",
            if number.is_empty() { "—" } else { &number },
            day(date),
            day(paid_on)
        );
        audit(
            conn,
            actor,
            AuditAction::FeeInvoice,
            &fees_target(&ids),
            &detail,
            now,
        )?;
        Ok(Outcome::Done(n))
    })
}

/// Audits an export of the filtered fees: `ext` is the file type and
/// `describe` the filter as the address shows it. Returns the line count.
pub fn export(
    conn: &mut AnyConnection,
    actor: &Actor,
    filter: &FeeFilter,
    ext: &str,
    describe: &str,
    now: NaiveDateTime,
) -> ServiceResult<i64> {
    db::transaction(conn, |conn| {
        let rows = db::fee_report::count(conn, filter)?;
        let detail = format!("{rows} satır; filtre: {describe}");
        audit(conn, actor, AuditAction::FeesExport, ext, &detail, now)?;
        Ok(rows)
    })
}

/// Lines read per query by [`for_each_line`].
pub const CHUNK: i64 = 5_000;

/// Calls `each` for every filtered line, in keyset chunks; returns the
/// totals.
pub fn for_each_line(
    conn: &mut AnyConnection,
    filter: &FeeFilter,
    mut each: impl FnMut(&FeeLine) -> anyhow::Result<()>,
) -> ServiceResult<Totals> {
    let mut after = 0;
    let mut totals = Totals::default();
    loop {
        let lines = db::fee_report::lines(conn, filter, after, CHUNK)?;
        let Some(last) = lines.last() else { break };
        after = last.id;
        for l in &lines {
            totals.add(l.net_kurus, l.kdv_kurus, l.gross_kurus);
            each(l)?;
        }
    }
    Ok(totals)
}
