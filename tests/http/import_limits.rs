//! Hostile XLSX uploads to the staff import (#9 item 1): each is refused
//! with 422 and a Turkish message, nothing is imported, and the server
//! still answers afterwards. The files are built here, in memory, and stay
//! small compressed.

use std::io::{Cursor, Write};

use mobilimza::domain::staff_import::TEMPLATE_HEADERS;
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use crate::helpers::{Browser, Org, UNIT_A_NAME, spawn_org, tckn};

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const MIB: usize = 1024 * 1024;

/// A workbook being written: the parts every sheet needs, then the sheet
/// and shared strings as each test wants them.
struct Book {
    zip: ZipWriter<Cursor<Vec<u8>>>,
}

impl Book {
    fn new() -> Self {
        let mut book = Self {
            zip: ZipWriter::new(Cursor::new(Vec::new())),
        };
        book.part(
            "xl/workbook.xml",
            &format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet name="Personel" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        );
        book.part(
            "xl/_rels/workbook.xml.rels",
            &format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
            ),
        );
        book
    }

    fn start(&mut self, name: &str) {
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        self.zip.start_file(name, options).expect("entry");
    }

    fn part(&mut self, name: &str, text: &str) {
        self.start(name);
        self.zip.write_all(text.as_bytes()).expect("write");
    }

    /// The sheet with these rows (`<row>` elements).
    fn sheet(mut self, rows: &str) -> Self {
        self.part("xl/worksheets/sheet1.xml", &sheet_xml(rows));
        self
    }

    /// Shared strings: one string of `size` bytes of 'A', written without
    /// holding it in memory.
    fn big_shared_string(mut self, size: usize) -> Self {
        self.start("xl/sharedStrings.xml");
        let head = format!(r#"<sst xmlns="{MAIN}"><si><t>"#);
        self.zip.write_all(head.as_bytes()).expect("write");
        let chunk = vec![b'A'; 64 * 1024];
        let mut left = size;
        while left > 0 {
            let n = left.min(chunk.len());
            self.zip.write_all(&chunk[..n]).expect("write");
            left -= n;
        }
        self.zip.write_all(b"</t></si></sst>").expect("write");
        self
    }

    fn finish(self) -> Vec<u8> {
        self.zip.finish().expect("zip").into_inner()
    }
}

fn sheet_xml(rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>"#
    )
}

fn inline(cell: &str, text: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// Row 1: the template's column headers in A to K.
fn header_row() -> String {
    let cells: String = TEMPLATE_HEADERS
        .iter()
        .zip('A'..)
        .map(|(h, col)| inline(&format!("{col}1"), h))
        .collect();
    format!(r#"<row r="1">{cells}</row>"#)
}

/// A valid staff row for unit A at sheet row `r`.
fn staff_row(r: usize) -> String {
    let tc = tckn(900);
    let values = [
        tc.as_str(),
        "Ayşe",
        "Yılmaz",
        "77",
        "Şef",
        UNIT_A_NAME,
        "ayse.yilmaz@kurum.gov.tr",
        "0532 123 45 67",
        "Turkcell",
        "Faturalı",
        "Yok",
    ];
    let cells: String = values
        .iter()
        .zip('A'..)
        .map(|(v, col)| inline(&format!("{col}{r}"), v))
        .collect();
    format!(r#"<row r="{r}">{cells}</row>"#)
}

/// Rewrites the uncompressed size that the local and central headers of
/// entry `name` declare, leaving the data as it is.
fn declare_size(bytes: &mut [u8], name: &str, size: u32) {
    let le = |b: &[u8], at: usize| usize::from(u16::from_le_bytes([b[at], b[at + 1]]));
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(46) {
        let (size_at, name_len, name_at) = match &bytes[at..at + 4] {
            b"PK\x03\x04" => (at + 22, le(bytes, at + 26), at + 30),
            b"PK\x01\x02" => (at + 24, le(bytes, at + 28), at + 46),
            _ => continue,
        };
        if bytes.get(name_at..name_at + name_len) == Some(name.as_bytes()) {
            bytes[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "local and central header of {name}");
}

async fn setup() -> (Org, Browser) {
    let org = spawn_org().await;
    let b = org.login_officer_a().await;
    (org, b)
}

/// Uploads `bytes` and checks the refusal: 422 with `message`, nothing
/// stored, and the server still serving.
async fn assert_refused(org: &Org, b: &Browser, bytes: Vec<u8>, message: &str) {
    assert!(
        bytes.len() < 4 * MIB,
        "test files stay small: {}",
        bytes.len()
    );
    let r = b.upload("/personel/ice-aktar", "liste.xlsx", bytes).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains(message), "{message}\n{}", r.body);
    assert_eq!(org.app.count("imports"), 0, "nothing stored for preview");
    assert_eq!(org.app.count("staff"), 0, "nothing imported");
    assert_eq!(
        b.get("/healthz").await.status,
        200,
        "the server still answers"
    );
    assert_eq!(b.get("/personel/ice-aktar").await.status, 200);
}

#[tokio::test]
async fn a_normal_small_xlsx_still_imports() {
    let (org, b) = setup().await;
    let bytes = Book::new()
        .sheet(&format!("{}{}", header_row(), staff_row(2)))
        .finish();
    let r = b.upload("/personel/ice-aktar", "liste.xlsx", bytes).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let preview_path = r.location.expect("preview");
    let preview = b.get(&preview_path).await;
    assert!(
        preview.body.contains("<strong>1</strong> yeni"),
        "{}",
        preview.body
    );
    b.post(&preview_path, &[]).await;
    assert_eq!(org.app.count("staff"), 1);
}

#[tokio::test]
async fn cells_in_opposite_corners_are_refused_without_building_the_grid() {
    let (org, b) = setup().await;
    let rows = format!(
        r#"{}<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
        header_row()
    );
    let bytes = Book::new()
        .sheet(&rows.replace(
            "<sheetData>",
            r#"<dimension ref="A1:XFD1048576"/><sheetData>"#,
        ))
        .finish();
    assert!(bytes.len() < 4 * 1024, "{} bytes", bytes.len());
    assert_refused(
        &org,
        &b,
        bytes,
        "Dosya en fazla 50 sütun içerebilir; XFD1048576 hücresi bu sınırın dışında.",
    )
    .await;
}

#[tokio::test]
async fn a_64_mib_shared_string_is_refused() {
    let (org, b) = setup().await;
    let uses: String = (2..=201)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#))
        .collect();
    let bytes = Book::new()
        .big_shared_string(64 * MIB)
        .sheet(&format!("{}{uses}", header_row()))
        .finish();
    assert_refused(
        &org,
        &b,
        bytes,
        "Excel dosyası açıldığında çok büyük; işlenebilecek boyutu aşıyor.",
    )
    .await;
}

#[tokio::test]
async fn a_long_shared_string_used_by_200_cells_is_refused() {
    let (org, b) = setup().await;
    let uses: String = (2..=201)
        .map(|r| format!(r#"<row r="{r}"><c r="B{r}" t="s"><v>0</v></c></row>"#))
        .collect();
    let bytes = Book::new()
        .big_shared_string(1_000_000)
        .sheet(&format!("{}{uses}", header_row()))
        .finish();
    assert_refused(
        &org,
        &b,
        bytes,
        "B2 hücresi çok uzun: bir hücre en fazla 2.000 karakter içerebilir.",
    )
    .await;
}

#[tokio::test]
async fn a_sheet_larger_than_its_zip_header_declares_is_refused() {
    let (org, b) = setup().await;
    // 48 MiB of spaces inside the sheet, declared as 1 000 bytes.
    let mut book = Book::new();
    book.start("xl/worksheets/sheet1.xml");
    let xml = sheet_xml(&header_row());
    let (head, tail) = xml.split_at(xml.find("<sheetData>").expect("sheetData"));
    book.zip.write_all(head.as_bytes()).expect("write");
    let spaces = vec![b' '; MIB];
    for _ in 0..48 {
        book.zip.write_all(&spaces).expect("write");
    }
    book.zip.write_all(tail.as_bytes()).expect("write");
    let mut bytes = book.finish();
    declare_size(&mut bytes, "xl/worksheets/sheet1.xml", 1_000);
    assert_refused(
        &org,
        &b,
        bytes,
        "Dosya okunamadı: Excel (XLSX) dosyası açılamadı (içindeki bir parça, bildirilen boyutundan büyük).",
    )
    .await;
}

#[tokio::test]
async fn an_xlsx_nested_in_the_xlsx_is_refused() {
    let (org, b) = setup().await;
    let inner = Book::new()
        .sheet(&format!("{}{}", header_row(), staff_row(2)))
        .finish();
    let mut book = Book::new();
    book.start("xl/worksheets/sheet1.xml");
    book.zip.write_all(&inner).expect("write");
    assert_refused(
        &org,
        &b,
        book.finish(),
        "Excel dosyasının içinde başka bir sıkıştırılmış dosya var",
    )
    .await;
}

#[tokio::test]
async fn thousands_of_columns_are_refused() {
    let (org, b) = setup().await;
    let cells: String = (0..5_000)
        .map(|i| {
            let col = column_name(i);
            format!(r#"<c r="{col}2"><v>{i}</v></c>"#)
        })
        .collect();
    let bytes = Book::new()
        .sheet(&format!(r#"{}<row r="2">{cells}</row>"#, header_row()))
        .finish();
    assert_refused(
        &org,
        &b,
        bytes,
        "Dosya en fazla 50 sütun içerebilir; AY2 hücresi bu sınırın dışında.",
    )
    .await;
}

/// 0 → "A", 50 → "AY".
fn column_name(i: u32) -> String {
    let mut n = i + 1;
    let mut out = Vec::new();
    while n > 0 {
        out.push(char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

#[tokio::test]
async fn more_than_20_000_rows_are_refused() {
    let (org, b) = setup().await;
    let rows: String = (2..=20_002)
        .map(|r| format!(r#"<row r="{r}">{}</row>"#, inline(&format!("B{r}"), "x")))
        .collect();
    let bytes = Book::new()
        .sheet(&format!("{}{rows}", header_row()))
        .finish();
    assert_refused(&org, &b, bytes, "Dosya en fazla 20.000 satır içerebilir.").await;
}
