//! Operator bill reconciliation: an operator's monthly bill detail (a CSV or
//! XLSX list with a number, an amount and a period on each row) read within
//! the staff import's bounds (upload size, rows, columns, cell and zip
//! limits, see [`super::xlsx`]) and compared with the month's billing lines
//! on that operator: numbers billed by the operator but not active here,
//! numbers active here but not on the bill, and amounts that differ.
//!
//! As with the staff import, the *shape* of the file is taken as people make
//! it (header spelling and case with Turkish dotted/dotless i, column order,
//! delimiter, encoding, numbers stored as numbers, totals rows), the
//! *content* is not: one unreadable number, amount or period refuses the
//! whole file with the rows named, so no total is computed from a guess.
//! Pure: no I/O besides reading the bytes.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;

use super::billing::BillingMonth;
use super::money::Money;
use super::phone::Msisdn;
use super::staff_import::{
    self, FileKind, XLSX_LIMITS, cell_text, decode_text, header_key, match_columns,
};
use super::text::lower_tr;
use super::xlsx::{self, Cell};

/// Data rows per file, as in the staff import.
pub const MAX_ROWS: usize = staff_import::MAX_ROWS;

/// Row problems named in the message; the rest are counted.
const SHOWN_PROBLEMS: usize = 10;

/// The columns a bill must have, as named in messages.
pub const COLUMNS: [&str; 3] = ["Numara", "Tutar", "Dönem"];
const NUMBER: usize = 0;
const AMOUNT: usize = 1;
const PERIOD: usize = 2;

/// Accepted header spellings per column, most specific first (a sheet with
/// both "GSM No" and "Telefon" is read by "GSM No").
const SYNONYMS: [&[&str]; 3] = [
    &[
        "Numara",
        "GSM No",
        "GSM Numarası",
        "Hat No",
        "Hat Numarası",
        "MSISDN",
        "GSM",
        "Cep Telefonu",
        "Telefon No",
        "Telefon Numarası",
        "Telefon",
    ],
    &[
        "Tutar",
        "Tutar (TL)",
        "Fatura Tutarı",
        "Toplam Tutar",
        "Ücret",
    ],
    &["Dönem", "Fatura Dönemi", "Ay"],
];

/// One number's charge on the bill, with its spreadsheet row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillLine {
    pub line: usize,
    /// E.164, as stored with requests.
    pub phone: String,
    pub kurus: i64,
}

/// A bill read from a file: one period, its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bill {
    pub month: BillingMonth,
    pub lines: Vec<BillLine>,
}

/// Why a file was not read as a bill. Shown to finance as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BillError {
    #[error("Dosya okunamadı: {0}")]
    Unreadable(String),
    #[error("Dosya boş; ilk satırda sütun başlıkları (Numara, Tutar, Dönem) olmalı.")]
    Empty,
    #[error("Başlık satırında şu sütunlar eksik: {}", .0.join(", "))]
    MissingColumns(Vec<&'static str>),
    #[error("Başlık satırında “{0}” sütunu birden fazla kez var.")]
    DuplicateColumn(&'static str),
    #[error("Dosyada fatura satırı yok.")]
    NoRows,
    #[error("Dosya en fazla 20.000 satır içerebilir.")]
    TooManyRows,
    #[error("{0}")]
    Xlsx(xlsx::XlsxError),
    /// Rows whose number, amount or period could not be read: the first few
    /// messages and how many rows in all.
    #[error("Dosyada okunamayan {1} satır var; hiçbir şey kaydedilmedi.")]
    Rows(Vec<String>, usize),
    #[error("Dosyada birden fazla dönem var ({}); her dönemi ayrı yükleyin.", .0.join(", "))]
    Periods(Vec<String>),
    #[error("Dönem sütunu boş; faturanın dönemini (örn. 2026-10 ya da Ekim 2026) yazın.")]
    NoPeriod,
}

impl BillError {
    /// The rows named by [`BillError::Rows`], else nothing.
    pub fn problems(&self) -> &[String] {
        match self {
            BillError::Rows(shown, _) => shown,
            _ => &[],
        }
    }
}

impl From<xlsx::XlsxError> for BillError {
    fn from(e: xlsx::XlsxError) -> Self {
        match e {
            xlsx::XlsxError::Unreadable(_) => BillError::Unreadable(e.to_string()),
            xlsx::XlsxError::NoWorksheet => BillError::Empty,
            xlsx::XlsxError::TooManyRows(_) => BillError::TooManyRows,
            e => BillError::Xlsx(e),
        }
    }
}

/// A cell as read: its text, and its number when the sheet stored one.
struct Value {
    text: String,
    number: Option<f64>,
}

impl Value {
    fn text(s: &str) -> Value {
        Value {
            text: s.trim().to_owned(),
            number: None,
        }
    }

    fn of(cell: &Cell) -> Value {
        Value {
            text: cell_text(cell).trim().to_owned(),
            number: match cell {
                Cell::Number(f) => Some(*f),
                _ => None,
            },
        }
    }
}

/// Reads a bill from an upload (`kind` from [`staff_import::detect`]).
pub fn parse(kind: FileKind, bytes: &[u8]) -> Result<Bill, BillError> {
    let mut rows = Collector::default();
    match kind {
        FileKind::Csv => read_csv(bytes, &mut rows)?,
        FileKind::Xlsx => xlsx::read_first_sheet(bytes, &XLSX_LIMITS, |line, cells| {
            let values: Vec<Value> = cells.iter().map(Value::of).collect();
            rows.push(line, &values)
        })?,
    }
    rows.finish()
}

fn read_csv(bytes: &[u8], rows: &mut Collector) -> Result<(), BillError> {
    let text = decode_text(bytes).replace("\r\n", "\n").replace('\r', "\n");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(staff_import::sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    for record in reader.records() {
        let record = record
            .map_err(|e| BillError::Unreadable(format!("CSV satırı çözümlenemedi ({e}).")))?;
        let line = record
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
        let values: Vec<Value> = record.iter().map(Value::text).collect();
        rows.push(line, &values)?;
    }
    Ok(())
}

/// Takes the first non-empty row as the header, every later one as data.
#[derive(Default)]
struct Collector {
    columns: Option<[usize; 3]>,
    data_rows: usize,
    lines: Vec<BillLine>,
    periods: BTreeSet<BillingMonth>,
    problems: Vec<String>,
    bad_rows: usize,
}

/// At most 40 characters of what a cell held, for a message.
fn quoted(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

impl Collector {
    fn push(&mut self, line: usize, cells: &[Value]) -> Result<(), BillError> {
        if cells.iter().all(|c| c.text.is_empty()) {
            return Ok(());
        }
        let Some(columns) = self.columns else {
            self.columns = Some(map_header(cells)?);
            return Ok(());
        };
        self.data_rows += 1;
        if self.data_rows > MAX_ROWS {
            return Err(BillError::TooManyRows);
        }
        let empty = Value::text("");
        let cell = |field: usize| cells.get(columns[field]).unwrap_or(&empty);
        let number = &cell(NUMBER).text;
        // Totals, subtotals and notes have no number.
        let folded = fold(number);
        if number.is_empty() || folded.starts_with("toplam") || folded.starts_with("geneltoplam") {
            return Ok(());
        }
        let mut wrong = Vec::new();
        let phone = Msisdn::parse(number)
            .map_err(|_| wrong.push(format!("numara “{}” okunamadı", quoted(number))))
            .ok();
        let amount = value_amount(cell(AMOUNT))
            .map_err(|_| {
                wrong.push(format!(
                    "tutar “{}” okunamadı (örn. 4,00)",
                    quoted(&cell(AMOUNT).text)
                ))
            })
            .ok();
        match value_period(cell(PERIOD)) {
            Ok(Some(m)) => {
                self.periods.insert(m);
            }
            Ok(None) => {}
            Err(()) => wrong.push(format!(
                "dönem “{}” okunamadı (örn. 2026-10 ya da Ekim 2026)",
                quoted(&cell(PERIOD).text)
            )),
        }
        match (phone, amount) {
            (Some(phone), Some(kurus)) if wrong.is_empty() => self.lines.push(BillLine {
                line,
                phone: phone.as_str().to_owned(),
                kurus,
            }),
            _ => {
                self.bad_rows += 1;
                if self.problems.len() < SHOWN_PROBLEMS {
                    self.problems
                        .push(format!("Satır {line}: {}.", wrong.join(", ")));
                }
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Bill, BillError> {
        if self.columns.is_none() {
            return Err(BillError::Empty);
        }
        if self.bad_rows > 0 {
            return Err(BillError::Rows(self.problems, self.bad_rows));
        }
        if self.lines.is_empty() {
            return Err(BillError::NoRows);
        }
        let mut periods = self.periods.into_iter();
        match (periods.next(), periods.next()) {
            (None, _) => Err(BillError::NoPeriod),
            (Some(month), None) => Ok(Bill {
                month,
                lines: self.lines,
            }),
            (Some(a), Some(b)) => {
                let all = [a, b].into_iter().chain(periods).map(|m| m.label());
                Err(BillError::Periods(all.collect()))
            }
        }
    }
}

/// A header folded for comparison: the staff import's folding (Turkish
/// lower case, no diacritics, so "DÖNEM", "Donem" and "dönem" agree) and
/// letters and digits only ("Tutar (TL)" is "tutartl").
fn fold(s: &str) -> String {
    header_key(s)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn map_header(cells: &[Value]) -> Result<[usize; 3], BillError> {
    let found = match_columns(cells.iter().map(|c| c.text.as_str()), &SYNONYMS, fold)
        .map_err(|field| BillError::DuplicateColumn(COLUMNS[field]))?;
    match found[..] {
        [Some(n), Some(a), Some(p)] => Ok([n, a, p]),
        _ => Err(BillError::MissingColumns(
            (0..3)
                .filter(|&f| found[f].is_none())
                .map(|f| COLUMNS[f])
                .collect(),
        )),
    }
}

/// An amount in kuruş as typed: `4,00`, `4.00`, `1.234,56`, `8 TL`, `₺8,00`,
/// a credit as `-4,00`. At most two decimals.
fn parse_amount(raw: &str) -> Result<i64, ()> {
    let s = raw
        .trim()
        .trim_start_matches('₺')
        .trim_end_matches('₺')
        .trim();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.trim()),
        None => (false, s),
    };
    let kurus = Money::parse(s).map_err(drop)?.kurus();
    Ok(if negative { -kurus } else { kurus })
}

fn value_amount(v: &Value) -> Result<i64, ()> {
    match v.number {
        // A number cell: rounded to the kuruş as the sheet shows it.
        Some(f) => Decimal::from_f64(f)
            .map(|d| Money::from_decimal(d).kurus())
            .ok_or(()),
        None => parse_amount(&v.text),
    }
}

/// The bill's period as people write it: `2026-10`, `2026/10`, `10.2026`,
/// `202610`, `Ekim 2026`, `EKİM-2026`, `Eki 2026`, a day of the month
/// (`01.10.2026`, `2026-10-01`) or a range starting with one
/// (`01.10.2026 - 31.10.2026`). `Ok(None)`: empty.
fn parse_period(raw: &str) -> Result<Option<BillingMonth>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    // A range: read its start ("01.10.2026 - 31.10.2026").
    let raw = raw
        .split(" - ")
        .next()
        .and_then(|s| s.split('–').next())
        .unwrap_or(raw)
        .trim();
    let folded: String = lower_tr(raw)
        .chars()
        .map(|c| match c {
            'ı' => 'i',
            'ç' => 'c',
            'ğ' => 'g',
            'ö' => 'o',
            'ş' => 's',
            'ü' => 'u',
            c => c,
        })
        .collect();
    let tokens: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let year = |t: &str| (t.len() == 4).then(|| t.parse::<i32>().ok()).flatten();
    let num = |t: &str| (t.len() <= 2).then(|| t.parse::<u32>().ok()).flatten();
    let (y, m) = match tokens.as_slice() {
        [ym] if ym.len() == 6 => (year(&ym[..4]), num(&ym[4..])),
        [a, b] if year(a).is_some() => (year(a), num(b).or_else(|| month_name(b))),
        [a, b] => (year(b), num(a).or_else(|| month_name(a))),
        [a, b, _] if year(a).is_some() => (year(a), num(b)),
        [_, b, c] => (year(c), num(b).or_else(|| month_name(b))),
        _ => (None, None),
    };
    match (y, m) {
        (Some(y), Some(m)) if (2000..=2100).contains(&y) && (1..=12).contains(&m) => {
            BillingMonth::parse(&format!("{y:04}-{m:02}"))
                .map(Some)
                .map_err(drop)
        }
        _ => Err(()),
    }
}

/// `ekim`, `eki` → 10 (folded: no diacritics).
fn month_name(t: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "ocak", "subat", "mart", "nisan", "mayis", "haziran", "temmuz", "agustos", "eylul", "ekim",
        "kasim", "aralik",
    ];
    if t.len() < 3 {
        return None;
    }
    NAMES
        .iter()
        .position(|n| n.starts_with(t))
        .and_then(|i| u32::try_from(i + 1).ok())
}

fn value_period(v: &Value) -> Result<Option<BillingMonth>, ()> {
    match v.number {
        Some(f) if f.fract() == 0.0 && (190_001.0..=299_912.0).contains(&f) => {
            parse_period(&format!("{f:.0}"))
        }
        // A date cell: days since 30.12.1899.
        Some(f) if f.fract() == 0.0 && (36_526.0..=73_051.0).contains(&f) => {
            let base = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or(())?;
            let days = Days::new(f as u64);
            base.checked_add_days(days)
                .map(|d| Some(BillingMonth::of(d)))
                .ok_or(())
        }
        Some(_) => Err(()),
        None => parse_period(&v.text),
    }
}

// ---------------------------------------------------------------------------
// Comparison

/// A billing line of the month on the bill's operator: the request, its
/// line's number (E.164) and the amount billed (kuruş).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalLine {
    pub request_id: i32,
    pub phone: String,
    pub kurus: i64,
}

/// How a number differs between the bill and the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Billed by the operator, not active here that month (invalidated,
    /// ported, never ours).
    Extra,
    /// Active here, not on the bill.
    Missing,
    /// On both, for another amount.
    Amount,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Extra, Kind::Missing, Kind::Amount];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Extra => "extra",
            Kind::Missing => "missing",
            Kind::Amount => "amount",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Extra => "Faturada var, portalda aktif değil",
            Kind::Missing => "Portalda aktif, faturada yok",
            Kind::Amount => "Tutar farkı",
        }
    }
}

/// One number that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub kind: Kind,
    pub phone: String,
    /// What the operator billed (all its rows for the number), if on the bill.
    pub bill_kurus: Option<i64>,
    /// What the portal billed (all its lines for the number), if active here.
    pub portal_kurus: Option<i64>,
    /// The portal's (first) request on the number, if active here.
    pub request_id: Option<i32>,
}

impl Difference {
    /// Bill minus portal: what the operator billed more (less when negative).
    pub fn delta(&self) -> i64 {
        self.bill_kurus.unwrap_or(0) - self.portal_kurus.unwrap_or(0)
    }
}

/// Counts of numbers and sums in kuruş. `bill_kurus - portal_kurus` is
/// `extra_kurus - missing_kurus + difference_kurus`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub bill_numbers: i64,
    pub bill_kurus: i64,
    pub portal_numbers: i64,
    pub portal_kurus: i64,
    /// On both with the same amount.
    pub matched: i64,
    pub extra: i64,
    pub extra_kurus: i64,
    pub missing: i64,
    pub missing_kurus: i64,
    pub differing: i64,
    /// Bill minus portal over the numbers whose amounts differ.
    pub difference_kurus: i64,
}

/// Compares the bill with the portal's lines number by number (several
/// rows or lines of one number are summed): the totals and the differing
/// numbers, by kind and then number.
pub fn reconcile(bill: &[BillLine], portal: &[PortalLine]) -> (Totals, Vec<Difference>) {
    let mut billed: BTreeMap<&str, i64> = BTreeMap::new();
    for l in bill {
        *billed.entry(&l.phone).or_default() += l.kurus;
    }
    let mut ours: BTreeMap<&str, (i64, i32)> = BTreeMap::new();
    for l in portal {
        let e = ours.entry(&l.phone).or_insert((0, l.request_id));
        e.0 += l.kurus;
        e.1 = e.1.min(l.request_id);
    }
    let mut t = Totals {
        bill_numbers: billed.len() as i64,
        bill_kurus: billed.values().sum(),
        portal_numbers: ours.len() as i64,
        portal_kurus: ours.values().map(|(k, _)| k).sum(),
        ..Totals::default()
    };
    let mut out = Vec::new();
    for (phone, &theirs) in &billed {
        match ours.get(phone) {
            None => {
                t.extra += 1;
                t.extra_kurus += theirs;
                out.push(Difference {
                    kind: Kind::Extra,
                    phone: (*phone).to_owned(),
                    bill_kurus: Some(theirs),
                    portal_kurus: None,
                    request_id: None,
                });
            }
            Some(&(mine, _)) if mine == theirs => t.matched += 1,
            Some(&(mine, request)) => {
                t.differing += 1;
                t.difference_kurus += theirs - mine;
                out.push(Difference {
                    kind: Kind::Amount,
                    phone: (*phone).to_owned(),
                    bill_kurus: Some(theirs),
                    portal_kurus: Some(mine),
                    request_id: Some(request),
                });
            }
        }
    }
    for (phone, &(mine, request)) in &ours {
        if !billed.contains_key(phone) {
            t.missing += 1;
            t.missing_kurus += mine;
            out.push(Difference {
                kind: Kind::Missing,
                phone: (*phone).to_owned(),
                bill_kurus: None,
                portal_kurus: Some(mine),
                request_id: Some(request),
            });
        }
    }
    out.sort_by(|a, b| (a.kind, &a.phone).cmp(&(b.kind, &b.phone)));
    (t, out)
}

/// An uploaded file's name as kept: its last path part, without control or
/// direction characters, at most 200 characters.
pub fn file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let clean: String = base
        .chars()
        .filter(|c| super::text::forbidden_char(&c.to_string()).is_none() && !c.is_control())
        .take(200)
        .collect();
    if clean.trim().is_empty() {
        "fatura".to_owned()
    } else {
        clean.trim().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> Result<Bill, BillError> {
        parse(FileKind::Csv, text.as_bytes())
    }

    fn month(key: &str) -> BillingMonth {
        BillingMonth::parse(key).expect("month")
    }

    #[test]
    fn a_turkish_csv_bill_is_read_whatever_the_header_spelling() {
        let bill = csv("\u{feff}GSM NO;TUTAR (TL);FATURA DÖNEMİ;Açıklama\n\
             0532 111 11 11;4,00;Ekim 2026;Aylık\n\
             5322222222;\"1.234,56\";2026-10;\n\
             +90 532 333 33 33;4.00;10.2026;\n\
             ;;;\n\
             Toplam;;1.242,56;\n")
        .expect("bill");
        assert_eq!(bill.month, month("2026-10"));
        let got: Vec<(usize, &str, i64)> = bill
            .lines
            .iter()
            .map(|l| (l.line, l.phone.as_str(), l.kurus))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "+905321111111", 400),
                (3, "+905322222222", 123_456),
                (4, "+905323333333", 400),
            ]
        );
        // Dotless and dotted i in either case, with or without diacritics.
        let bill = csv("TELEFON,Tutar,DONEM\n05321111111,8,202610\n").expect("bill");
        assert_eq!(bill.lines[0].kurus, 800);
        let bill = csv("numara\ttutar\tdönem\n05321111111\t8\tEKİM 2026\n").expect("bill");
        assert_eq!(bill.month, month("2026-10"));
    }

    #[test]
    fn bad_rows_columns_and_periods_are_refused_in_turkish() {
        assert_eq!(
            csv("Numara;Ücret\n05321111111;4\n"),
            Err(BillError::MissingColumns(vec!["Dönem"]))
        );
        assert_eq!(csv(""), Err(BillError::Empty));
        assert_eq!(csv("Numara;Tutar;Dönem\n"), Err(BillError::NoRows));
        let e = csv("Numara;Tutar;Dönem\n0312 111 11 11;4,00;2026-10\n05321111111;dört;2026-13\n")
            .expect_err("bad rows");
        assert_eq!(
            e.to_string(),
            "Dosyada okunamayan 2 satır var; hiçbir şey kaydedilmedi."
        );
        assert_eq!(
            e.problems(),
            [
                "Satır 2: numara “0312 111 11 11” okunamadı.",
                "Satır 3: tutar “dört” okunamadı (örn. 4,00), dönem “2026-13” okunamadı (örn. 2026-10 ya da Ekim 2026).",
            ]
        );
        let e = csv("Numara;Tutar;Dönem\n05321111111;4;2026-10\n05322222222;4;2026-11\n")
            .expect_err("two periods");
        assert_eq!(
            e.to_string(),
            "Dosyada birden fazla dönem var (Ekim 2026, Kasım 2026); her dönemi ayrı yükleyin."
        );
        assert_eq!(
            csv("Numara;Tutar;Dönem\n05321111111;4;\n"),
            Err(BillError::NoPeriod)
        );
        assert_eq!(
            csv("Numara;Tutar;Telefon;Dönem\n05321111111;4;;2026-10\n").map(|b| b.lines.len()),
            Ok(1),
            "the most specific number column wins"
        );
        assert_eq!(
            csv("Numara;Tutar;numara;Dönem\n"),
            Err(BillError::DuplicateColumn("Numara"))
        );
    }

    #[test]
    fn amounts_the_turkish_way_and_the_other() {
        for (raw, kurus) in [
            ("4,00", 400),
            ("4.00", 400),
            ("4", 400),
            ("1.234,56", 123_456),
            ("8 TL", 800),
            ("₺8,50", 850),
            ("-4,00", -400),
        ] {
            assert_eq!(parse_amount(raw), Ok(kurus), "{raw}");
        }
        for raw in ["", "dört", "4,001", "1,234.56"] {
            assert!(parse_amount(raw).is_err(), "{raw}");
        }
        let number = |f: f64| value_amount(&Value::of(&Cell::Number(f)));
        assert_eq!(number(4.0), Ok(400));
        assert_eq!(number(1234.56), Ok(123_456));
    }

    #[test]
    fn periods_as_people_write_them() {
        for raw in [
            "2026-10",
            "2026/10",
            "10.2026",
            "10/2026",
            "202610",
            "Ekim 2026",
            "EKİM-2026",
            "eki 2026",
            "2026 Ekim",
            "01.10.2026",
            "2026-10-01",
            "31/10/2026",
            "01.10.2026 - 31.10.2026",
        ] {
            assert_eq!(parse_period(raw), Ok(Some(month("2026-10"))), "{raw}");
        }
        assert_eq!(parse_period(" "), Ok(None));
        for raw in ["2026-13", "ekm 2026", "10", "1999-10", "x"] {
            assert!(parse_period(raw).is_err(), "{raw}");
        }
        let cell = |f: f64| value_period(&Value::of(&Cell::Number(f)));
        // 01.10.2026 as an Excel date, and 202610 typed as a number.
        assert_eq!(cell(46_296.0), Ok(Some(month("2026-10"))));
        assert_eq!(cell(202_610.0), Ok(Some(month("2026-10"))));
        assert!(cell(3.5).is_err());
    }

    fn bill_line(phone: &str, kurus: i64) -> BillLine {
        BillLine {
            line: 2,
            phone: phone.into(),
            kurus,
        }
    }

    fn ours(request_id: i32, phone: &str, kurus: i64) -> PortalLine {
        PortalLine {
            request_id,
            phone: phone.into(),
            kurus,
        }
    }

    #[test]
    fn one_extra_one_missing_one_amount_difference() {
        let bill = [
            bill_line("+905321111111", 400),
            bill_line("+905322222222", 800),
            bill_line("+905449999999", 400),
        ];
        let portal = [
            ours(1, "+905321111111", 400),
            ours(2, "+905322222222", 400),
            ours(3, "+905323333333", 400),
        ];
        let (t, diffs) = reconcile(&bill, &portal);
        assert_eq!(
            t,
            Totals {
                bill_numbers: 3,
                bill_kurus: 1600,
                portal_numbers: 3,
                portal_kurus: 1200,
                matched: 1,
                extra: 1,
                extra_kurus: 400,
                missing: 1,
                missing_kurus: 400,
                differing: 1,
                difference_kurus: 400,
            }
        );
        assert_eq!(
            t.bill_kurus - t.portal_kurus,
            t.extra_kurus - t.missing_kurus + t.difference_kurus
        );
        let kinds: Vec<(Kind, &str, i64)> = diffs
            .iter()
            .map(|d| (d.kind, d.phone.as_str(), d.delta()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (Kind::Extra, "+905449999999", 400),
                (Kind::Missing, "+905323333333", -400),
                (Kind::Amount, "+905322222222", 400),
            ]
        );
        assert_eq!(diffs[1].request_id, Some(3));
    }

    #[test]
    fn several_rows_or_lines_of_one_number_are_summed() {
        let bill = [
            bill_line("+905321111111", 400),
            bill_line("+905321111111", 400),
        ];
        // A SIM change: two signatures on one number in one month.
        let portal = [ours(7, "+905321111111", 400), ours(5, "+905321111111", 400)];
        let (t, diffs) = reconcile(&bill, &portal);
        assert_eq!((t.bill_numbers, t.matched, t.portal_kurus), (1, 1, 800));
        assert!(diffs.is_empty());
        let (_, diffs) = reconcile(&bill[..1], &portal);
        assert_eq!(diffs[0].request_id, Some(5));
        assert_eq!(diffs[0].delta(), -400);
    }

    #[test]
    fn file_names_are_kept_plain() {
        assert_eq!(
            file_name("C:\\Belgeler\\ekim-fatura.xlsx"),
            "ekim-fatura.xlsx"
        );
        assert_eq!(file_name("a\u{202e}b.csv"), "ab.csv");
        assert_eq!(file_name(""), "fatura");
        assert_eq!(file_name(&"x".repeat(300)).len(), 200);
    }
}
