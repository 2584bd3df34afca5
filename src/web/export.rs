//! Spreadsheet downloads: CSV made for Turkish Excel (UTF-8 BOM, `;`, every
//! field quoted, formulas neutralised) and real XLSX.

use actix_web::HttpResponse;
use rust_xlsxwriter::{Format, Workbook};

use super::errors::AppError;

/// Cells starting with `= + - @` (or a tab/CR) would run as formulas in a
/// spreadsheet; a leading apostrophe makes them text.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
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
            w.write_record(r.iter().map(|c| neutralise(c)))
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
    let bold = Format::new().set_bold();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(AppError::internal)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            // Text cells: T.C. and phone numbers must not become numbers.
            ws.write_string((r + 1) as u32, c as u16, neutralise(cell))
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
}
