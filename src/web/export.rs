//! Spreadsheet downloads: CSV made for Turkish Excel (UTF-8 BOM, `;`, every
//! field quoted, formulas neutralised) and real XLSX.

use std::borrow::Cow;
use std::io::Write as _;

use actix_web::HttpResponse;
use chrono::{Datelike as _, NaiveDate};
use rust_xlsxwriter::{Format as Format_, Workbook};

use crate::domain::money::Money;

use super::errors::AppError;

/// Cells starting with `= + - @` (or a tab/CR) would run as formulas in a
/// spreadsheet; a leading apostrophe makes them text.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

pub fn csv_bytes(headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .quote_style(csv::QuoteStyle::Always)
            .from_writer(&mut out);
        w.write_record(headers).map_err(AppError::internal)?;
        for r in rows {
            w.write_record(r.iter().map(|c| neutralise(c).into_owned()))
                .map_err(AppError::internal)?;
        }
        w.flush().map_err(AppError::internal)?;
    }
    Ok(out)
}

/// A sheet of text cells with a bold, frozen header row and fitted widths.
pub fn xlsx_bytes(
    sheet: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, AppError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(AppError::internal)?;
    let bold = Format_::new().set_bold();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(AppError::internal)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            // Text cells: T.C. and phone numbers must not become numbers.
            ws.write_string((r + 1) as u32, c as u16, neutralise(cell).as_ref())
                .map_err(AppError::internal)?;
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64 + 2.0).min(60.0))
            .map_err(AppError::internal)?;
    }
    ws.set_freeze_panes(1, 0).map_err(AppError::internal)?;
    wb.save_to_buffer().map_err(AppError::internal)
}

pub fn download(bytes: Vec<u8>, file_name: &str) -> HttpResponse {
    let mime = if file_name.ends_with(".xlsx") {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else {
        "text/csv; charset=utf-8"
    };
    HttpResponse::Ok()
        .content_type(mime)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(neutralise("+90532"), "'+90532");
        assert_eq!(neutralise("Ayşe"), "Ayşe");
    }

    #[test]
    fn csv_for_turkish_excel() {
        let bytes = csv_bytes(&["Ad", "Not"], &[vec!["Ayşe".into(), "=1+1".into()]]).expect("csv");
        let text = String::from_utf8(bytes).expect("utf8");
        assert_eq!(text, "\u{feff}\"Ad\";\"Not\"\n\"Ayşe\";\"'=1+1\"\n");
    }

    fn csv_text(cell: Cell<'_>) -> String {
        let mut buf = [0u8; 32];
        String::from_utf8(csv_field(&cell, &mut buf).expect("field").into_owned()).expect("utf8")
    }

    #[test]
    fn streamed_cells_in_turkish_excel_form() {
        assert_eq!(csv_text(Cell::Money(7_800)), "78,00");
        assert_eq!(csv_text(Cell::Money(-5)), "-0,05");
        assert_eq!(csv_text(Cell::Money(123_456_789)), "1234567,89");
        assert_eq!(csv_text(Cell::Number(-42)), "-42");
        assert_eq!(
            csv_text(Cell::Date(NaiveDate::from_ymd_opt(2026, 3, 5))),
            "05.03.2026"
        );
        assert_eq!(csv_text(Cell::Date(None)), "");
        assert_eq!(csv_text(Cell::text("@SUM(A1)")), "'@SUM(A1)");
        assert_eq!(csv_text(Cell::text(String::from("Şükrü"))), "Şükrü");
    }
}

/// One cell of a streamed export. Text may borrow from the row it came from,
/// so a streamed line costs no copy of its strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell<'a> {
    Text(Cow<'a, str>),
    Number(i64),
    /// Kuruş: `1234,56` in CSV, a numeric TL cell in XLSX.
    Money(i64),
    /// `31.12.2026` as text in both formats; empty when there is none.
    Date(Option<NaiveDate>),
}

impl<'a> Cell<'a> {
    pub const EMPTY: Cell<'static> = Cell::Text(Cow::Borrowed(""));

    pub fn text(t: impl Into<Cow<'a, str>>) -> Self {
        Cell::Text(t.into())
    }
}

pub type Row<'a> = Vec<Cell<'a>>;

/// What [`stream`]'s `fill` hands each row to.
pub type Sink<'s> = dyn for<'r> FnMut(Row<'r>) -> anyhow::Result<()> + 's;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn from_ext(ext: &str) -> Result<Format, AppError> {
        match ext {
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            _ => Err(AppError::NotFound),
        }
    }
}

/// Formats into a stack buffer: a streamed cell costs no allocation.
fn formatted(buf: &mut [u8; 32], args: std::fmt::Arguments<'_>) -> std::io::Result<usize> {
    let mut rest = &mut buf[..];
    rest.write_fmt(args)?;
    let left = rest.len();
    Ok(32 - left)
}

/// A cell's CSV text, formatted into `buf` when it is not text already.
fn csv_field<'c>(cell: &'c Cell<'_>, buf: &'c mut [u8; 32]) -> std::io::Result<Cow<'c, [u8]>> {
    let n = match cell {
        Cell::Text(t) => {
            return Ok(match neutralise(t) {
                Cow::Borrowed(t) => Cow::Borrowed(t.as_bytes()),
                Cow::Owned(t) => Cow::Owned(t.into_bytes()),
            });
        }
        Cell::Number(n) => formatted(buf, format_args!("{n}"))?,
        // `1234,56`: a decimal comma and no grouping, as Turkish Excel reads it.
        Cell::Money(k) => {
            let sign = if *k < 0 { "-" } else { "" };
            let (lira, kurus) = (k.unsigned_abs() / 100, k.unsigned_abs() % 100);
            formatted(buf, format_args!("{sign}{lira},{kurus:02}"))?
        }
        Cell::Date(Some(d)) => formatted(
            buf,
            format_args!("{:02}.{:02}.{:04}", d.day(), d.month(), d.year()),
        )?,
        Cell::Date(None) => 0,
    };
    Ok(Cow::Borrowed(&buf[..n]))
}

/// Excel's limit is 1 048 576 rows a sheet: the header and this many rows.
pub const SHEET_ROWS: u32 = 1_048_575;

type Sender = tokio::sync::mpsc::Sender<Result<actix_web::web::Bytes, std::io::Error>>;

fn send(tx: &Sender, bytes: actix_web::web::Bytes) -> anyhow::Result<()> {
    tx.blocking_send(Ok(bytes))
        .map_err(|_| anyhow::anyhow!("client went away"))
}

/// Streams the rows `fill` produces (on a blocking thread, chunk by chunk) as
/// a download. Memory stays flat: CSV is sent as it is written, XLSX is
/// written in constant-memory mode to a temporary file and then sent.
pub fn stream<F>(
    format: Format,
    stem: &str,
    sheet: &'static str,
    headers: &'static [&'static str],
    fill: F,
) -> HttpResponse
where
    F: FnOnce(&mut Sink<'_>) -> anyhow::Result<()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    actix_web::rt::task::spawn_blocking(move || {
        let result = match format {
            Format::Csv => stream_csv(headers, fill, &tx),
            Format::Xlsx => stream_xlsx(sheet, headers, fill, &tx),
        };
        if let Err(e) = result {
            tracing::error!(error = ?e, "export failed");
            // The client sees a broken download rather than a silently short file.
            let _ = tx.blocking_send(Err(std::io::Error::other("dışa aktarma yarıda kaldı")));
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let (mime, ext) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    HttpResponse::Ok()
        .content_type(mime)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{stem}.{ext}\""),
        ))
        .streaming(body)
}

const CSV_CHUNK: usize = 5_000;

fn stream_csv<F>(headers: &[&str], fill: F, tx: &Sender) -> anyhow::Result<()>
where
    F: FnOnce(&mut Sink<'_>) -> anyhow::Result<()>,
{
    fn writer(buf: Vec<u8>) -> csv::Writer<Vec<u8>> {
        csv::WriterBuilder::new()
            .delimiter(b';')
            .quote_style(csv::QuoteStyle::Always)
            .from_writer(buf)
    }
    let mut w = writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(headers)?;
    let mut pending = 0;
    let mut buf = [0u8; 32];
    fill(&mut |row: Row<'_>| {
        for cell in &row {
            w.write_field(csv_field(cell, &mut buf)?)?;
        }
        w.write_record(None::<&[u8]>)?;
        pending += 1;
        if pending >= CSV_CHUNK {
            let bytes = std::mem::replace(&mut w, writer(Vec::new())).into_inner()?;
            send(tx, bytes.into())?;
            pending = 0;
        }
        Ok(())
    })?;
    send(tx, w.into_inner()?.into())
}

fn stream_xlsx<F>(sheet: &str, headers: &[&str], fill: F, tx: &Sender) -> anyhow::Result<()>
where
    F: FnOnce(&mut Sink<'_>) -> anyhow::Result<()>,
{
    let mut book = XlsxBook::new(sheet, headers)?;
    fill(&mut |cells: Row<'_>| book.push(&cells))?;
    book.finish(tx)
}

/// A streamed XLSX: constant-memory sheets of at most [`SHEET_ROWS`] rows,
/// each with the bold, frozen header row, and the widest text per column.
struct XlsxBook<'a> {
    wb: Workbook,
    sheet: &'a str,
    headers: &'a [&'a str],
    bold: Format_,
    tl: Format_,
    widths: Vec<f64>,
    /// Sheets so far (the last one is being written).
    sheets: usize,
    /// The last row written on the current sheet (0: the header).
    row: u32,
}

impl<'a> XlsxBook<'a> {
    fn new(sheet: &'a str, headers: &'a [&'a str]) -> anyhow::Result<Self> {
        let mut book = XlsxBook {
            tl: Format_::new().set_num_format("#,##0.00 \"TL\""),
            bold: Format_::new().set_bold(),
            wb: Workbook::new(),
            widths: headers
                .iter()
                .map(|h| h.chars().count() as f64 + 2.0)
                .collect(),
            sheet,
            headers,
            sheets: 0,
            row: 0,
        };
        book.new_sheet()?;
        Ok(book)
    }

    fn new_sheet(&mut self) -> anyhow::Result<()> {
        self.sheets += 1;
        self.row = 0;
        let ws = self.wb.add_worksheet_with_constant_memory()?;
        ws.set_name(if self.sheets == 1 {
            self.sheet.to_owned()
        } else {
            format!("{} {}", self.sheet, self.sheets)
        })?;
        for (c, h) in self.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &self.bold)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(())
    }

    fn push(&mut self, cells: &[Cell<'_>]) -> anyhow::Result<()> {
        use rust_decimal::prelude::ToPrimitive;
        if self.row == SHEET_ROWS {
            self.new_sheet()?;
        }
        self.row += 1;
        let row = self.row;
        let ws = self.wb.worksheet_from_index(self.sheets - 1)?;
        for (c, cell) in cells.iter().enumerate() {
            let col = c as u16;
            match cell {
                Cell::Text(t) => {
                    ws.write_string(row, col, neutralise(t).as_ref())?;
                    if let Some(w) = self.widths.get_mut(c) {
                        *w = w.max((t.chars().count() as f64 + 2.0).min(50.0));
                    }
                }
                Cell::Date(Some(d)) => {
                    ws.write_string(row, col, d.format("%d.%m.%Y").to_string())?;
                    if let Some(w) = self.widths.get_mut(c) {
                        *w = w.max(12.0);
                    }
                }
                Cell::Date(None) => {}
                Cell::Number(n) => {
                    ws.write_number(row, col, *n as f64)?;
                }
                // The figures were computed in kuruş; the cell holds lira as
                // spreadsheets store numbers.
                Cell::Money(k) => {
                    let lira = Money::from_kurus(*k).decimal().to_f64().unwrap_or_default();
                    ws.write_number_with_format(row, col, lira, &self.tl)?;
                }
            }
        }
        Ok(())
    }

    /// Sets the column widths, writes the file and sends it.
    fn finish(mut self, tx: &Sender) -> anyhow::Result<()> {
        // Column widths must be set before rows in constant-memory mode only
        // for the first sheet's later sheets; set them on every sheet at the end.
        for i in 0..self.sheets {
            let ws = self.wb.worksheet_from_index(i)?;
            for (c, w) in self.widths.iter().enumerate() {
                ws.set_column_width(c as u16, *w)?;
            }
        }
        let file = tempfile::NamedTempFile::new()?;
        self.wb.save(file.path())?;
        send_file(file.path(), tx)
    }
}

/// Sends a file in 256 KiB pieces.
fn send_file(path: &std::path::Path, tx: &Sender) -> anyhow::Result<()> {
    let mut reader = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = std::io::Read::read(&mut reader, &mut buf)?;
        if n == 0 {
            break;
        }
        send(tx, actix_web::web::Bytes::copy_from_slice(&buf[..n]))?;
    }
    Ok(())
}
