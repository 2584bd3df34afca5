//! Bulk staff import: turns an uploaded spreadsheet (CSV or XLSX) into
//! `ImportRow`s, one `StaffInput` per data row with its spreadsheet row number,
//! and builds the blank templates officers download to fill in.
//!
//! Officers keep staff lists in whatever spreadsheet they already have, so the
//! reader is forgiving about the *shape* of the file (header spelling, column
//! order, delimiter, encoding, numbers stored as numbers) but not about the
//! *content*: every cell is handed on as typed and `StaffInput::validate`
//! decides whether it is acceptable. Pure: no I/O besides reading the bytes.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::staff::StaffInput;
use super::text::lower_tr;
use super::xlsx::{self, Cell};

/// Upper bound on data rows per file; keeps one upload from tying up the
/// server and matches what the review screen can reasonably show.
pub const MAX_ROWS: usize = 20_000;

/// Column headers of the downloadable template, in template order. The same
/// labels name the columns in error messages.
pub const TEMPLATE_HEADERS: [&str; 11] = [
    "T.C. Kimlik No",
    "Ad",
    "Soyad",
    "Sicil No",
    "Unvan",
    "Birim",
    "Kurumsal E-posta",
    "Cep Telefonu",
    "Operatör",
    "Hat Tipi",
    "Mobil İmza",
];

/// The example row of both templates; `template_*` and the tests share it.
const TEMPLATE_EXAMPLE: [&str; 11] = [
    "10000000146",
    "Ayşe",
    "Yılmaz",
    "12345",
    "Veri Hazırlama ve Kontrol İşletmeni",
    "Çankaya Kaymakamlığı",
    "ayse.yilmaz@kurum.gov.tr",
    "0532 123 45 67",
    "Turkcell",
    "Faturalı",
    "Yok",
];

// Column indexes, in `TEMPLATE_HEADERS` order.
const TCKN: usize = 0;
const FIRST_NAME: usize = 1;
const LAST_NAME: usize = 2;
const SICIL_NO: usize = 3;
const TITLE: usize = 4;
const UNIT: usize = 5;
const EMAIL: usize = 6;
const PHONE: usize = 7;
const OPERATOR: usize = 8;
const LINE_TYPE: usize = 9;
const HAS_SIGNATURE: usize = 10;

/// Accepted header spellings per column, most specific first: when a sheet
/// has both "Cep Telefonu" and "Telefon" (often a desk phone), or both
/// "Kurumsal E-posta" and "E-posta", the more specific one is used.
const SYNONYMS: [&[&str]; 11] = [
    &[
        "T.C. Kimlik No",
        "TC Kimlik No",
        "TCKN",
        "TC No",
        "Kimlik No",
    ],
    &["Ad", "Adı"],
    &["Soyad", "Soyadı"],
    &["Sicil No", "Sicil"],
    &["Unvan", "Ünvan"],
    &["Birim"],
    &["Kurumsal E-posta", "E-posta", "Eposta", "Email", "E-mail"],
    &["Cep Telefonu", "Cep", "Telefon", "GSM"],
    &["Operatör", "Operator"],
    &["Hat Tipi", "Hat Türü"],
    &["Mobil İmza", "Mobil Imza"],
];

/// One data row of an uploaded file, cells trimmed but otherwise as typed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportRow {
    /// 1-based spreadsheet row number counting the header row, so the first
    /// data row right under the header is 2 — what the officer sees in Excel.
    pub line: usize,
    /// The "Birim" cell as typed; matching it to a unit is the caller's job.
    pub unit: String,
    pub input: StaffInput,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

/// Why a file could not be turned into rows. The messages are shown to the
/// officer as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("Dosya okunamadı: {0}")]
    Unreadable(String),
    #[error("Dosya boş; ilk satırda sütun başlıkları olmalı.")]
    Empty,
    #[error("Başlık satırında şu sütunlar eksik: {}", .0.join(", "))]
    MissingColumns(Vec<&'static str>),
    #[error("Başlık satırında “{0}” sütunu birden fazla kez var.")]
    DuplicateColumn(&'static str),
    #[error("Dosyada veri satırı yok.")]
    NoRows,
    #[error("Dosya en fazla 20.000 satır içerebilir.")]
    TooManyRows,
    /// An XLSX file over one of the reader's other limits (size, columns,
    /// cell length) or nested inside itself.
    #[error("{0}")]
    Xlsx(xlsx::XlsxError),
}

impl From<xlsx::XlsxError> for ImportError {
    fn from(e: xlsx::XlsxError) -> Self {
        match e {
            xlsx::XlsxError::Unreadable(_) => ImportError::Unreadable(e.to_string()),
            xlsx::XlsxError::NoWorksheet => ImportError::Empty,
            xlsx::XlsxError::TooManyRows(_) => ImportError::TooManyRows,
            e => ImportError::Xlsx(e),
        }
    }
}

/// Decides how to read an upload. The content wins over the name: a workbook
/// renamed to `.csv` is still a workbook. `None` means neither (e.g. an old
/// binary `.xls`, a PDF), which the caller reports as an unsupported type.
pub fn detect(file_name: &str, bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(FileKind::Xlsx);
    }
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "xlsx" => Some(FileKind::Xlsx),
        "csv" | "txt" => Some(FileKind::Csv),
        _ if looks_like_text(bytes) => Some(FileKind::Csv),
        _ => None,
    }
}

/// Text files have no NUL or other control bytes besides line breaks, tabs
/// and form feeds; a sample is enough to tell.
fn looks_like_text(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let sample = &bytes[..bytes.len().min(8192)];
    sample
        .iter()
        .all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
}

/// Reads every data row of the file. Errors are about the file as a whole;
/// row-level problems are left to `StaffInput::validate`.
pub fn parse(kind: FileKind, bytes: &[u8]) -> Result<Vec<ImportRow>, ImportError> {
    let mut rows = RowCollector::default();
    match kind {
        FileKind::Csv => read_csv(bytes, &mut rows)?,
        FileKind::Xlsx => read_xlsx(bytes, &mut rows)?,
    }
    rows.finish()
}

/// Shared by both readers: takes the first non-empty row as the header and
/// every later non-empty row as data.
#[derive(Default)]
struct RowCollector {
    columns: Option<[Option<usize>; 11]>,
    rows: Vec<ImportRow>,
}

impl RowCollector {
    fn push<S: AsRef<str>>(&mut self, line: usize, cells: &[S]) -> Result<(), ImportError> {
        if cells.iter().all(|c| c.as_ref().trim().is_empty()) {
            return Ok(());
        }
        let Some(columns) = self.columns else {
            self.columns = Some(map_header(cells)?);
            return Ok(());
        };
        if self.rows.len() == MAX_ROWS {
            return Err(ImportError::TooManyRows);
        }
        let cell = |field: usize| -> String {
            columns[field]
                .and_then(|c| cells.get(c))
                .map(|s| s.as_ref().trim().to_owned())
                .unwrap_or_default()
        };
        self.rows.push(ImportRow {
            line,
            unit: cell(UNIT),
            input: StaffInput {
                tckn: cell(TCKN),
                first_name: cell(FIRST_NAME),
                last_name: cell(LAST_NAME),
                sicil_no: cell(SICIL_NO),
                title: cell(TITLE),
                email: cell(EMAIL),
                phone: cell(PHONE),
                operator: cell(OPERATOR),
                line_type: cell(LINE_TYPE),
                has_signature: cell(HAS_SIGNATURE),
            },
        });
        Ok(())
    }

    fn finish(self) -> Result<Vec<ImportRow>, ImportError> {
        match self.columns {
            None => Err(ImportError::Empty),
            Some(_) if self.rows.is_empty() => Err(ImportError::NoRows),
            Some(_) => Ok(self.rows),
        }
    }
}

/// Folds a header for comparison: Turkish lower case, then without the
/// Turkish diacritics (people without a Turkish keyboard type "KIMLIK",
/// "Adi", "Unvan") and without spaces and punctuation.
pub(crate) fn header_key(s: &str) -> String {
    lower_tr(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '_' | '-' | '\u{307}' | '\u{FEFF}'))
        .map(|c| match c {
            'ı' => 'i',
            'ç' => 'c',
            'ğ' => 'g',
            'ö' => 'o',
            'ş' => 's',
            'ü' => 'u',
            c => c,
        })
        .collect()
}

/// For each field, the column whose header is its best-ranked synonym
/// (`key` folds headers and synonyms alike); unknown columns are ignored.
/// `Err(field)`: two columns name the same field equally well. Shared by
/// every table the portal reads (staff lists, operator bills).
pub(crate) fn match_columns<'a>(
    headers: impl IntoIterator<Item = &'a str>,
    synonyms: &[&[&str]],
    key: fn(&str) -> String,
) -> Result<Vec<Option<usize>>, usize> {
    // (column, synonym rank) of the best match per field so far.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; synonyms.len()];
    for (col, cell) in headers.into_iter().enumerate() {
        let k = key(cell);
        if k.is_empty() {
            continue;
        }
        for (field, names) in synonyms.iter().enumerate() {
            let Some(rank) = names.iter().position(|s| key(s) == k) else {
                continue;
            };
            match best[field] {
                Some((_, r)) if r == rank => return Err(field),
                Some((_, r)) if r < rank => {}
                _ => best[field] = Some((col, rank)),
            }
        }
    }
    Ok(best.into_iter().map(|b| b.map(|(col, _)| col)).collect())
}

/// Maps each field to the index of its column. Unknown columns (a "Sıra No",
/// notes) are ignored.
fn map_header<S: AsRef<str>>(cells: &[S]) -> Result<[Option<usize>; 11], ImportError> {
    let found = match_columns(cells.iter().map(AsRef::as_ref), &SYNONYMS, header_key)
        .map_err(|field| ImportError::DuplicateColumn(TEMPLATE_HEADERS[field]))?;
    let missing: Vec<&'static str> = (0..SYNONYMS.len())
        .filter(|&f| f != HAS_SIGNATURE && found[f].is_none())
        .map(|f| TEMPLATE_HEADERS[f])
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns(missing));
    }
    Ok(std::array::from_fn(|f| found[f]))
}

// ---------------------------------------------------------------------------
// CSV

fn read_csv(bytes: &[u8], rows: &mut RowCollector) -> Result<(), ImportError> {
    let text = decode_text(bytes);
    // Excel on old Macs ends lines with a lone CR, which the csv reader does
    // not count as a line; one kind of line break keeps row numbers right.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    // Row numbers are counted here rather than taken from the reader: it
    // reports where it started looking for a record, which is before any
    // blank lines it skipped. A quoted cell may span lines but is still one
    // spreadsheet row, so line breaks inside cells are not counted.
    let raw = text.as_bytes();
    let is_break = |b: &&u8| **b == b'\n';
    let (mut counted_to, mut breaks, mut breaks_in_cells) = (0usize, 0usize, 0usize);
    for record in reader.records() {
        let record = record
            .map_err(|e| ImportError::Unreadable(format!("CSV satırı çözümlenemedi ({e}).")))?;
        let mut start = record.position().map_or(counted_to, |p| p.byte() as usize);
        while raw.get(start) == Some(&b'\n') {
            start += 1;
        }
        breaks += raw
            .get(counted_to..start)
            .map_or(0, |s| s.iter().filter(is_break).count());
        counted_to = start.max(counted_to);
        let cells: Vec<&str> = record.iter().collect();
        rows.push(breaks + 1 - breaks_in_cells, &cells)?;
        breaks_in_cells += cells.iter().map(|c| c.matches('\n').count()).sum::<usize>();
    }
    Ok(())
}

/// Picks the delimiter that splits the header line most: Turkish Excel saves
/// "CSV" with `;` because `,` is the decimal separator, other tools use `,`,
/// "Unicode text" uses tabs. Ties go to `;`.
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let header = text
        .lines()
        .find(|l| l.chars().any(char::is_alphanumeric))
        .unwrap_or_default();
    let mut counts = [(b';', 0usize), (b'\t', 0), (b',', 0)];
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => counts[0].1 += 1,
            '\t' if !quoted => counts[1].1 += 1,
            ',' if !quoted => counts[2].1 += 1,
            _ => {}
        }
    }
    // `max_by_key` keeps the last maximum, so scan in reverse to favour `;`.
    counts
        .iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .map_or(b';', |(d, _)| *d)
}

/// UTF-8 (with or without BOM) is the norm; UTF-16 is what Excel's "Unicode
/// text" writes; anything else that is not valid UTF-8 is assumed to be a
/// Turkish Windows export (Windows-1254, Excel's "CSV" on Turkish Windows).
pub(crate) fn decode_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode_utf8_or_1254(rest);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, u16::from_be_bytes);
    }
    decode_utf8_or_1254(bytes)
}

fn decode_utf8_or_1254(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| windows_1254(b)).collect(),
    }
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Windows-1254: Latin-1 with six Turkish letter pairs swapped in and
/// typographic punctuation in 0x80–0x9F (curly apostrophes are common in
/// names of units, e.g. "Valiliği’nin"). Unassigned bytes map as in Latin-1.
fn windows_1254(b: u8) -> char {
    const C1: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{8E}',
        '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}',
        '\u{2014}', '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}', '\u{9E}',
        '\u{178}',
    ];
    match b {
        0x80..=0x9F => C1[usize::from(b - 0x80)],
        0xD0 => 'Ğ',
        0xDD => 'İ',
        0xDE => 'Ş',
        0xF0 => 'ğ',
        0xFD => 'ı',
        0xFE => 'ş',
        // Ç Ö Ü ç ö ü sit where Latin-1 has them.
        b => char::from(b),
    }
}

// ---------------------------------------------------------------------------
// XLSX

/// What the XLSX reader may take from an upload. Rows: the data rows plus
/// room for a header and title rows above it; `RowCollector` counts the
/// data rows exactly.
pub(crate) const XLSX_LIMITS: xlsx::Limits = xlsx::Limits {
    max_rows: MAX_ROWS + 50,
    ..xlsx::Limits::UPLOAD
};

/// The first visible worksheet, streamed: row numbers are the sheet's own,
/// whatever row the list starts on.
fn read_xlsx(bytes: &[u8], rows: &mut RowCollector) -> Result<(), ImportError> {
    xlsx::read_first_sheet(bytes, &XLSX_LIMITS, |line, cells| {
        let cells: Vec<String> = cells.iter().map(cell_text).collect();
        rows.push(line, &cells)
    })
}

/// A cell as the officer reads it on screen. T.C. and phone numbers are often
/// typed into number cells, so whole numbers must not come back as
/// "10000000146.0" or "1.0000000146e10".
/// Dates are shown as their serial numbers, as before.
pub(crate) fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) => s.clone(),
        Cell::Number(f) => float_text(*f),
        Cell::Bool(true) => "var".to_owned(),
        Cell::Bool(false) => "yok".to_owned(),
        // Kept (e.g. "#N/A") so validation names the cell instead of calling
        // it empty.
        Cell::Error(e) => e.clone(),
        Cell::Empty => String::new(),
    }
}

fn float_text(f: f64) -> String {
    // Beyond 2^53 floats are no longer exact integers; T.C. (11 digits) and
    // phone numbers are far below it.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if f.fract() == 0.0 && f.abs() < EXACT {
        (f as i64).to_string()
    } else {
        // Rust's `Display` for floats never uses exponent notation.
        f.to_string()
    }
}

// ---------------------------------------------------------------------------
// Templates

/// The CSV template: UTF-8 with BOM (so Excel shows Turkish letters) and `;`
/// (so Turkish Excel splits columns when the file is double-clicked).
pub fn template_csv() -> Vec<u8> {
    // The fixed cells contain no `;`, quotes or line breaks, so no quoting.
    let mut out = b"\xEF\xBB\xBF".to_vec();
    for line in [TEMPLATE_HEADERS, TEMPLATE_EXAMPLE] {
        out.extend_from_slice(line.join(";").as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// The XLSX template. Identity, phone and sicil columns are formatted as
/// text so that Excel keeps leading zeros and does not turn long numbers
/// into "1,00E+10" when officers type new rows.
pub fn template_xlsx() -> Result<Vec<u8>, XlsxError> {
    const WIDTHS: [f64; 11] = [
        16.0, 14.0, 14.0, 10.0, 36.0, 28.0, 30.0, 16.0, 14.0, 11.0, 11.0,
    ];
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Personel")?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (col, width) in WIDTHS.iter().enumerate() {
        let col = col as u16;
        sheet.set_column_width(col, *width)?;
        if matches!(usize::from(col), TCKN | SICIL_NO | PHONE) {
            sheet.set_column_format(col, &text)?;
        }
    }
    for (col, (header, example)) in TEMPLATE_HEADERS.iter().zip(TEMPLATE_EXAMPLE).enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, *header, &bold)?;
        sheet.write_string(1, col, example)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "T.C. Kimlik No;Ad;Soyad;Sicil No;Unvan;Birim;Kurumsal E-posta;Cep Telefonu;Operatör;Hat Tipi;Mobil İmza";

    fn example_row(line: usize) -> ImportRow {
        let [
            tckn,
            first_name,
            last_name,
            sicil_no,
            title,
            unit,
            email,
            phone,
            operator,
            line_type,
            has_signature,
        ] = TEMPLATE_EXAMPLE.map(str::to_owned);
        ImportRow {
            line,
            unit,
            input: StaffInput {
                tckn,
                first_name,
                last_name,
                sicil_no,
                title,
                email,
                phone,
                operator,
                line_type,
                has_signature,
            },
        }
    }

    fn csv(text: &str) -> Result<Vec<ImportRow>, ImportError> {
        parse(FileKind::Csv, text.as_bytes())
    }

    #[test]
    fn csv_with_semicolons_and_bom() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(
            format!("{HEADER}\r\n{}\r\n", TEMPLATE_EXAMPLE.join(";")).as_bytes(),
        );
        let rows = parse(FileKind::Csv, &bytes).expect("parses");
        assert_eq!(rows, vec![example_row(2)]);
        rows[0].input.validate().expect("the example row is valid");
    }

    #[test]
    fn csv_with_commas_and_quotes() {
        let text = "TCKN,Adı,Soyadı,Sicil,Ünvan,Birim,E-posta,GSM,Operator,Hat Türü,Mobil Imza\n\
                    10000000146 , Ayşe ,Yılmaz,12345,\"Şef, Yazı İşleri\",Çankaya Kaymakamlığı,a@b.gov.tr,05321234567,Vodafone,Faturasız,var\n";
        let rows = csv(text).expect("parses");
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(row.line, 2);
        assert_eq!(row.input.tckn, "10000000146");
        assert_eq!(row.input.first_name, "Ayşe");
        assert_eq!(row.input.title, "Şef, Yazı İşleri");
        assert_eq!(row.input.has_signature, "var");
    }

    #[test]
    fn csv_with_tabs() {
        let text = format!(
            "{}\n{}\n",
            HEADER.replace(';', "\t"),
            TEMPLATE_EXAMPLE.join("\t")
        );
        assert_eq!(csv(&text).expect("parses"), vec![example_row(2)]);
    }

    /// Encodes test text the way Turkish Windows saves "CSV".
    fn to_1254(s: &str) -> Vec<u8> {
        s.chars()
            .map(|c| match c {
                'Ç' => 0xC7,
                'Ğ' => 0xD0,
                'İ' => 0xDD,
                'Ö' => 0xD6,
                'Ş' => 0xDE,
                'Ü' => 0xDC,
                'ç' => 0xE7,
                'ğ' => 0xF0,
                'ı' => 0xFD,
                'ö' => 0xF6,
                'ş' => 0xFE,
                'ü' => 0xFC,
                '’' => 0x92,
                c if c.is_ascii() => c as u8,
                c => panic!("not in the test alphabet: {c}"),
            })
            .collect()
    }

    #[test]
    fn windows_1254_bytes_are_decoded() {
        assert_eq!(to_1254("Çağrı Işık"), b"\xC7a\xF0r\xFD I\xFE\xFDk");
        let text = format!(
            "{HEADER}\r\n10000000146;Çağrı;Işık;1;Şef;Valiliği’nin Birimi;c@k.gov.tr;05321234567;Turkcell;Faturalı;Yok\r\n"
        );
        let bytes = to_1254(&text);
        assert!(std::str::from_utf8(&bytes).is_err());
        let rows = parse(FileKind::Csv, &bytes).expect("parses");
        assert_eq!(rows[0].input.first_name, "Çağrı");
        assert_eq!(rows[0].input.last_name, "Işık");
        assert_eq!(rows[0].input.title, "Şef");
        assert_eq!(rows[0].unit, "Valiliği’nin Birimi");
        assert_eq!(rows[0].input.line_type, "Faturalı");
    }

    #[test]
    fn header_synonyms_in_any_order() {
        let text = "Sıra No;GSM;HAT TÜRÜ;OPERATOR;EMAIL;BİRİM;ÜNVAN;SİCİL;SOYADI;ADI;TC KIMLIK NO\n\
                    1;0532 123 45 67;Faturalı;Türk Telekom;x@k.gov.tr;Merkez;Şef;77;Öztürk;İsmail;10000000146\n";
        let rows = csv(text).expect("parses");
        let input = &rows[0].input;
        assert_eq!(input.tckn, "10000000146");
        assert_eq!(input.first_name, "İsmail");
        assert_eq!(input.last_name, "Öztürk");
        assert_eq!(input.sicil_no, "77");
        assert_eq!(input.title, "Şef");
        assert_eq!(rows[0].unit, "Merkez");
        assert_eq!(input.email, "x@k.gov.tr");
        assert_eq!(input.phone, "0532 123 45 67");
        assert_eq!(input.operator, "Türk Telekom");
        assert_eq!(input.line_type, "Faturalı");
        // No "Mobil İmza" column: empty, which validation reads as "yok".
        assert_eq!(input.has_signature, "");
        input.validate().expect("valid");
    }

    #[test]
    fn the_more_specific_synonym_wins() {
        let text = "Telefon;Ad;Soyad;Sicil No;Unvan;Birim;E-posta;Kurumsal E-posta;Cep Telefonu;Operatör;Hat Tipi;TCKN\n\
                    0312 000 00 00;A;B;1;Şef;Merkez;ev@mail.com;is@k.gov.tr;0532 123 45 67;Turkcell;Faturalı;10000000146\n";
        let rows = csv(text).expect("parses");
        assert_eq!(rows[0].input.phone, "0532 123 45 67");
        assert_eq!(rows[0].input.email, "is@k.gov.tr");
    }

    #[test]
    fn duplicate_column_is_an_error() {
        let text = format!("{HEADER};ad\n{}\n", TEMPLATE_EXAMPLE.join(";"));
        let err = csv(&text).expect_err("ambiguous");
        assert_eq!(err, ImportError::DuplicateColumn("Ad"));
        assert_eq!(
            err.to_string(),
            "Başlık satırında “Ad” sütunu birden fazla kez var."
        );
    }

    #[test]
    fn missing_required_columns_are_listed_in_turkish() {
        let text = "Ad;Soyad;Sicil No;Unvan;Birim;E-posta;Operatör;Hat Tipi\nA;B;1;Şef;Merkez;a@k.gov.tr;Turkcell;Faturalı\n";
        let err = csv(text).expect_err("missing columns");
        assert_eq!(
            err,
            ImportError::MissingColumns(vec!["T.C. Kimlik No", "Cep Telefonu"])
        );
        assert_eq!(
            err.to_string(),
            "Başlık satırında şu sütunlar eksik: T.C. Kimlik No, Cep Telefonu"
        );
    }

    #[test]
    fn empty_file_and_header_only_are_errors() {
        assert_eq!(csv(""), Err(ImportError::Empty));
        assert_eq!(
            parse(FileKind::Csv, b"\xEF\xBB\xBF\r\n;;;\r\n"),
            Err(ImportError::Empty)
        );
        let err = csv(&format!("{HEADER}\n;;;;;\n\n")).expect_err("no rows");
        assert_eq!(err, ImportError::NoRows);
        assert_eq!(err.to_string(), "Dosyada veri satırı yok.");
    }

    #[test]
    fn empty_lines_are_skipped_and_line_numbers_kept() {
        let example = TEMPLATE_EXAMPLE.join(";");
        let text = format!(
            "{HEADER}\n\n{example}\n;;;;;;;;;;\n  \n{}\n\"10000000146\";Ayşe\n",
            example.replace("Ayşe", "\"Ay\nşe\"")
        );
        let rows = csv(&text).expect("parses");
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        // Row 6 has a line break inside a quoted cell but is one row; the
        // next one is row 7 although it starts on the 8th physical line.
        assert_eq!(lines, vec![3, 6, 7]);
        assert_eq!(rows[1].input.first_name, "Ay\nşe");
        // Short rows are accepted; missing cells are empty.
        assert_eq!(rows[2].input.first_name, "Ayşe");
        assert_eq!(rows[2].input.phone, "");
    }

    #[test]
    fn lone_carriage_returns_count_as_lines() {
        let text = format!("{HEADER}\r\r{}\r", TEMPLATE_EXAMPLE.join(";"));
        assert_eq!(csv(&text).expect("parses"), vec![example_row(3)]);
    }

    #[test]
    fn too_many_rows_is_an_error() {
        let example = TEMPLATE_EXAMPLE.join(";");
        let mut text = format!("{HEADER}\n");
        for _ in 0..MAX_ROWS {
            text.push_str(&example);
            text.push('\n');
        }
        assert_eq!(csv(&text).expect("exactly the limit").len(), MAX_ROWS);
        text.push_str(&example);
        let err = csv(&text).expect_err("over the limit");
        assert_eq!(err, ImportError::TooManyRows);
        assert_eq!(err.to_string(), "Dosya en fazla 20.000 satır içerebilir.");
    }

    #[test]
    fn five_thousand_rows() {
        let mut text = format!("{HEADER}\n");
        for i in 0..5_000 {
            text.push_str(&format!(
                "10000000146;Ad{i};Soyad{i};{i};Memur;Birim {};p{i}@k.gov.tr;0532 000 {i:04};Turkcell;Faturalı;Yok\n",
                i % 7
            ));
        }
        let rows = csv(&text).expect("parses");
        assert_eq!(rows.len(), 5_000);
        assert_eq!(rows[4_999].line, 5_001);
        assert_eq!(rows[4_999].input.first_name, "Ad4999");
    }

    #[test]
    fn utf16_unicode_text_is_read() {
        let text = format!(
            "{}\r\n{}\r\n",
            HEADER.replace(';', "\t"),
            TEMPLATE_EXAMPLE.join("\t")
        );
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(detect("liste.txt", &bytes), Some(FileKind::Csv));
        assert_eq!(
            parse(FileKind::Csv, &bytes).expect("parses"),
            vec![example_row(2)]
        );
    }

    #[test]
    fn xlsx_round_trip_with_number_cells() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        // A title row and a gap before the header, data after an empty row:
        // line numbers must be the sheet's own row numbers.
        let headers = [
            "Ad",
            "Soyad",
            "TCKN",
            "Cep",
            "Sicil No",
            "Unvan",
            "Birim",
            "E-posta",
            "Operatör",
            "Hat Tipi",
            "Mobil İmza",
        ];
        for (col, h) in headers.iter().enumerate() {
            sheet.write_string(2, col as u16, *h).expect("header");
        }
        sheet.write_string(4, 0, "Çağrı").expect("cell");
        sheet.write_string(4, 1, "Işık").expect("cell");
        sheet.write_number(4, 2, 10_000_000_146.0).expect("cell");
        sheet.write_number(4, 3, 5_321_234_567.0).expect("cell");
        sheet.write_number(4, 4, 42).expect("cell");
        sheet.write_string(4, 5, "  Şef  ").expect("cell");
        sheet.write_string(4, 6, "Merkez").expect("cell");
        sheet.write_string(4, 7, "c@k.gov.tr").expect("cell");
        sheet.write_string(4, 8, "Turkcell").expect("cell");
        sheet.write_string(4, 9, "Faturalı").expect("cell");
        sheet.write_boolean(4, 10, true).expect("cell");
        sheet.write_number(5, 4, 7.5).expect("cell");
        let bytes = workbook.save_to_buffer().expect("saves");

        assert_eq!(detect("liste.csv", &bytes), Some(FileKind::Xlsx));
        let rows = parse(FileKind::Xlsx, &bytes).expect("parses");
        assert_eq!(rows.len(), 2);
        let row = &rows[0];
        assert_eq!(row.line, 5);
        assert_eq!(row.unit, "Merkez");
        assert_eq!(row.input.first_name, "Çağrı");
        assert_eq!(row.input.last_name, "Işık");
        assert_eq!(row.input.tckn, "10000000146");
        assert_eq!(row.input.phone, "5321234567");
        assert_eq!(row.input.sicil_no, "42");
        assert_eq!(row.input.title, "Şef");
        assert_eq!(row.input.has_signature, "var");
        row.input.validate().expect("valid");
        assert_eq!(rows[1].line, 6);
        assert_eq!(rows[1].input.sicil_no, "7.5");
        assert_eq!(rows[1].input.first_name, "");
    }

    #[test]
    fn xlsx_list_may_start_right_of_column_a() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        for (col, (h, v)) in TEMPLATE_HEADERS.iter().zip(TEMPLATE_EXAMPLE).enumerate() {
            let col = col as u16 + 2;
            sheet.write_string(3, col, *h).expect("header");
            sheet.write_string(4, col, v).expect("cell");
        }
        let bytes = workbook.save_to_buffer().expect("saves");
        assert_eq!(
            parse(FileKind::Xlsx, &bytes).expect("parses"),
            vec![example_row(5)]
        );
    }

    #[test]
    fn xlsx_over_the_row_limit_is_an_error() {
        let write = |data_rows: u32| {
            let mut workbook = Workbook::new();
            let sheet = workbook.add_worksheet();
            for (col, h) in TEMPLATE_HEADERS.iter().enumerate() {
                sheet.write_string(0, col as u16, *h).expect("header");
            }
            for row in 1..=data_rows {
                sheet.write_number(row, 0, 10_000_000_146.0).expect("cell");
            }
            workbook.save_to_buffer().expect("saves")
        };
        let rows = parse(FileKind::Xlsx, &write(MAX_ROWS as u32)).expect("the limit");
        assert_eq!(rows.len(), MAX_ROWS);
        assert_eq!(rows[MAX_ROWS - 1].line, MAX_ROWS + 1);
        assert_eq!(
            parse(FileKind::Xlsx, &write(MAX_ROWS as u32 + 1)),
            Err(ImportError::TooManyRows)
        );
    }

    #[test]
    fn xlsx_reader_errors_keep_the_import_messages() {
        let unreadable = ImportError::from(xlsx::XlsxError::Unreadable("x".into()));
        assert!(matches!(unreadable, ImportError::Unreadable(_)));
        assert_eq!(
            unreadable.to_string(),
            "Dosya okunamadı: Excel (XLSX) dosyası açılamadı (x)."
        );
        assert_eq!(
            ImportError::from(xlsx::XlsxError::TooManyRows(20_050)),
            ImportError::TooManyRows
        );
        assert_eq!(
            ImportError::from(xlsx::XlsxError::NoWorksheet),
            ImportError::Empty
        );
        let columns = xlsx::XlsxError::TooManyColumns {
            max: 50,
            cell: "AY2".into(),
        };
        assert_eq!(
            ImportError::from(columns.clone()).to_string(),
            columns.to_string()
        );
    }

    #[test]
    fn broken_xlsx_is_unreadable() {
        let err = parse(FileKind::Xlsx, b"PK\x03\x04 not really").expect_err("broken");
        assert!(matches!(err, ImportError::Unreadable(_)));
        assert!(err.to_string().starts_with("Dosya okunamadı: "));
    }

    #[test]
    fn template_xlsx_parses_back_to_the_example() {
        let bytes = template_xlsx().expect("builds");
        assert_eq!(detect("sablon.xlsx", &bytes), Some(FileKind::Xlsx));
        assert_eq!(
            parse(FileKind::Xlsx, &bytes).expect("parses"),
            vec![example_row(2)]
        );
    }

    #[test]
    fn template_csv_parses_back_to_the_example() {
        let bytes = template_csv();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        assert_eq!(detect("sablon.csv", &bytes), Some(FileKind::Csv));
        assert_eq!(
            parse(FileKind::Csv, &bytes).expect("parses"),
            vec![example_row(2)]
        );
    }

    #[test]
    fn detection() {
        assert_eq!(detect("LISTE.XLSX", b"garbage"), Some(FileKind::Xlsx));
        assert_eq!(detect("liste.xlsx", b"PK\x03\x04"), Some(FileKind::Xlsx));
        assert_eq!(detect("liste.CSV", b"a;b"), Some(FileKind::Csv));
        assert_eq!(
            detect("liste", "Ad;Soyad\r\nÇağrı;Işık".as_bytes()),
            Some(FileKind::Csv)
        );
        assert_eq!(
            detect("liste", b"\xC7a\xF0r\xFD;I\xFE\xFDk"),
            Some(FileKind::Csv)
        );
        assert_eq!(
            detect("liste.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0"),
            None
        );
        assert_eq!(detect("a.pdf", b"%PDF-1.7\n\x01\x02\x03"), None);
    }

    #[test]
    fn header_keys_fold_turkish_spellings() {
        assert_eq!(header_key("T.C. KİMLİK NO"), header_key("tc_kimlik-no"));
        assert_eq!(header_key("T.C. KIMLIK NO"), header_key("TC Kimlik No"));
        assert_eq!(header_key("ADI"), header_key("Adı"));
        assert_eq!(header_key("MOBİL İMZA"), header_key("Mobil Imza"));
    }
}
