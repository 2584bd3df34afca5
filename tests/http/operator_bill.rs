//! Operator bill reconciliation (#11): finance uploads an operator's monthly
//! bill detail and sees, with totals, the numbers billed but not active
//! here, active here but not billed, and billed for another amount; the
//! result is kept, exported and audited. Hostile or bad files get a Turkish
//! 422 and nothing is stored; other roles get 403.

use std::io::{Cursor, Write};

use chrono::{TimeZone, Utc};
use mobilimza::db::requests::RequestUpdate;
use mobilimza::domain::workflow::State;

use crate::helpers::{Browser, Org, spawn_org};

fn utc(y: i32, m: u32, d: u32) -> chrono::NaiveDateTime {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0)
        .single()
        .expect("time")
        .naive_utc()
}

/// A Turkcell faturalı signature active since May 2026 on `phone`: its
/// request id.
fn signature(org: &Org, n: u32, first: &str, last: &str, phone: &str) -> i32 {
    use diesel::prelude::*;
    use mobilimza::db::schema::staff;
    let id = org.add_staff(org.unit_a, n, first, last, &format!("p{n}@kurum.gov.tr"));
    diesel::update(staff::table.find(id))
        .set(staff::phone.eq(phone))
        .execute(&mut org.conn())
        .expect("phone");
    let request = org.add_request(id, State::Active, org.officer_a);
    org.set_request(
        request,
        &RequestUpdate {
            activated_at: Some(utc(2026, 5, 3)),
            produced_at: Some(utc(2026, 5, 3)),
            ..Default::default()
        },
    );
    request
}

/// Three active Turkcell signatures, October 2026 billed (3 × 4,00 TL).
async fn billed_october() -> (Org, Browser, [i32; 3]) {
    let org = spawn_org().await;
    let ids = [
        signature(&org, 1, "Ayşe", "Yılmaz", "+905321111111"),
        signature(&org, 2, "Bora", "Kaya", "+905322222222"),
        signature(&org, 3, "Cem", "Ak", "+905323333333"),
    ];
    let finance = org.login_finance().await;
    let r = finance
        .post("/mali/aylik", &[("ay", "2026-10"), ("islem", "calistir")])
        .await;
    assert_eq!(r.status, 303);
    (org, finance, ids)
}

/// The bill as Turkish Excel saves CSV: Ayşe's number matches, Bora's is
/// billed 8,00 (4,00 here), 0544 999 99 99 is not active here, Cem's
/// number is missing.
const BILL_CSV: &str = "\u{feff}GSM No;Tutar;Dönem\r\n\
    0532 111 11 11;4,00;Ekim 2026\r\n\
    0532 222 22 22;8,00;Ekim 2026\r\n\
    0544 999 99 99;4,00;Ekim 2026\r\n\
    ;16,00;\r\n";

/// The same bill as an XLSX with number cells and upper-case headers.
fn bill_xlsx() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["NUMARA", "TUTAR", "DÖNEM"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    for (r, (number, amount)) in [
        (5_321_111_111.0, 4.0),
        (5_322_222_222.0, 8.0),
        (5_449_999_999.0, 4.0),
    ]
    .iter()
    .enumerate()
    {
        let r = r as u32 + 1;
        ws.write_number(r, 0, *number).expect("number");
        ws.write_number(r, 1, *amount).expect("amount");
        ws.write_string(r, 2, "2026-10").expect("period");
    }
    wb.save_to_buffer().expect("xlsx")
}

const PATH: &str = "/mali/fatura-mutabakati";

async fn upload(b: &Browser, operator: &str, name: &str, bytes: Vec<u8>) -> crate::helpers::Page {
    b.upload_with(PATH, &[("operator", operator)], name, bytes)
        .await
}

fn assert_fact(body: &str, id: &str, value: &str) {
    assert!(
        body.contains(&format!("id=\"{id}\">{value}<")),
        "{id} = {value}\n{body}"
    );
}

#[tokio::test]
async fn a_bill_with_one_extra_one_missing_and_one_other_amount_lists_exactly_those() {
    let (org, finance, [_ayse, bora, cem]) = billed_october().await;
    let r = upload(&finance, "turkcell", "ekim-fatura.csv", BILL_CSV.into()).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r.location.expect("the result");
    let page = finance.get(&location).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("<title>Fatura mutabakatı — Turkcell, Ekim 2026 ·")
    );
    for (id, value) in [
        ("mutabakat-fatura", "3 numara, 16,00 TL"),
        ("mutabakat-portal", "3 imza numarası, 12,00 TL"),
        ("mutabakat-eslesen", "1 numara"),
        ("mutabakat-fazla", "1 numara, 4,00 TL"),
        ("mutabakat-eksik", "1 numara, 4,00 TL"),
        ("mutabakat-tutar", "1 numara, +4,00 TL"),
        ("mutabakat-fark", "+4,00 TL"),
    ] {
        assert_fact(&page.body, id, value);
    }
    // Exactly three lines, one of each kind, the matching number not among them.
    assert_eq!(page.body.matches("<tr data-kind=").count(), 3);
    let row = |kind: &str| {
        let start = page
            .body
            .find(&format!("<tr data-kind=\"{kind}\">"))
            .unwrap_or_else(|| panic!("{kind} row"));
        let end = start + page.body[start..].find("</tr>").expect("row end");
        page.body[start..end].to_owned()
    };
    let extra = row("extra");
    assert!(
        extra.contains("0544 999 99 99") && extra.contains("Portalda bu numaraya ait talep yok")
    );
    assert!(
        extra.contains(
            "<td class=\"num\">4,00 TL</td><td class=\"num\"></td><td class=\"num\">+4,00 TL</td>"
        ),
        "{extra}"
    );
    let missing = row("missing");
    assert!(
        missing.contains("0532 333 33 33") && missing.contains("Cem Ak"),
        "{missing}"
    );
    assert!(missing.contains(&format!("#{cem}")));
    assert!(
        missing.contains(
            "<td class=\"num\"></td><td class=\"num\">4,00 TL</td><td class=\"num\">-4,00 TL</td>"
        ),
        "{missing}"
    );
    let amount = row("amount");
    assert!(
        amount.contains("0532 222 22 22") && amount.contains("Bora Kaya"),
        "{amount}"
    );
    assert!(amount.contains(&format!("#{bora}")));
    assert!(amount.contains("<td class=\"num\">8,00 TL</td><td class=\"num\">4,00 TL</td><td class=\"num\">+4,00 TL</td>"), "{amount}");
    assert!(!page.body.contains("0532 111 11 11"));
    assert_eq!(org.count("audit_log WHERE action = 'bill.reconciled'"), 1);

    // Seen again from the list, and exported with the totals.
    let list = finance.get(PATH).await;
    assert!(
        list.body
            .contains(&format!("href=\"{location}\">Ekim 2026</a>")),
        "{}",
        list.body
    );
    assert!(list.body.contains("ekim-fatura.csv"));
    let csv_page = finance.get(&format!("{location}/liste.csv")).await;
    assert_eq!(csv_page.status, 200);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(csv_page.body.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let cells = |i: usize| rows[i].iter().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(rows.len(), 6, "three lines and three totals");
    assert_eq!(
        cells(0)[..2],
        ["Faturada var, portalda aktif değil", "0544 999 99 99"]
    );
    assert_eq!(
        cells(1)[..3],
        [
            "Portalda aktif, faturada yok".to_owned(),
            "0532 333 33 33".into(),
            cem.to_string()
        ]
    );
    assert_eq!(cells(2)[5..8], ["8,00", "4,00", "4,00"]);
    assert_eq!(
        (&rows[3][0], &rows[3][5]),
        ("FATURA TOPLAMI (3 numara)", "16,00")
    );
    assert_eq!(
        (&rows[4][0], &rows[4][6]),
        ("PORTAL TOPLAMI (3 imza)", "12,00")
    );
    assert_eq!(&rows[5][7], "4,00");
    assert_eq!(
        org.count("audit_log WHERE action = 'export.bill_reconciliation'"),
        1
    );

    // The same bill as an XLSX with number cells: the same result.
    let r = upload(&finance, "turkcell", "ekim.xlsx", bill_xlsx()).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let second = r.location.expect("result");
    let page = finance.get(&second).await;
    assert_fact(&page.body, "mutabakat-fatura", "3 numara, 16,00 TL");
    assert_fact(&page.body, "mutabakat-fark", "+4,00 TL");
    assert_eq!(page.body.matches("<tr data-kind=").count(), 3);
    let xlsx = finance.get_bytes(&format!("{second}/liste.xlsx")).await;
    assert!(xlsx.starts_with(b"PK"));
    assert_eq!(org.count("bill_reconciliations"), 2);
    assert_eq!(finance.get(&format!("{PATH}/99")).await.status, 404);
}

/// A workbook whose only sheet has the header and a value at XFD1048576:
/// a few hundred bytes that a grid reader would blow up to the whole sheet.
fn corner_bomb() -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet name="Fatura" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Numara</t></is></c><c r="B1" t="inlineStr"><is><t>Tutar</t></is></c><c r="C1" t="inlineStr"><is><t>Dönem</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#
            ),
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, options).expect("entry");
        zip.write_all(text.as_bytes()).expect("write");
    }
    zip.finish().expect("zip").into_inner()
}

#[tokio::test]
async fn hostile_or_bad_bills_get_a_turkish_422_and_nothing_is_stored() {
    let (org, finance, _) = billed_october().await;
    let mut oversized = BILL_CSV.as_bytes().to_vec();
    oversized.resize(8 * 1024 * 1024 + 1024, b' ');
    let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        (
            "turkcell",
            "fatura.csv",
            oversized,
            "Dosya en fazla 8 MB olabilir.",
        ),
        (
            "turkcell",
            "fatura.xlsx",
            corner_bomb(),
            "Dosya en fazla 50 sütun içerebilir; XFD1048576 hücresi bu sınırın dışında.",
        ),
        (
            "turkcell",
            "fatura.csv",
            "Numara;Tutar;Dönem\n0532 111 11 11;dört;2026-10\n0532 222 22 22;4,00;2026-10\n".into(),
            "Satır 2: tutar “dört” okunamadı (örn. 4,00).",
        ),
        (
            "turkcell",
            "fatura.csv",
            "Numara;Tutar\n0532 111 11 11;4,00\n".into(),
            "Başlık satırında şu sütunlar eksik: Dönem",
        ),
        (
            "turkcell",
            "fatura.csv",
            "Numara;Tutar;Dönem\n0532 111 11 11;4,00;Eylül 2026\n".into(),
            "Faturanın dönemi Eylül 2026; bu ayın aylık ücretleri henüz çalıştırılmadı.",
        ),
        (
            "",
            "fatura.csv",
            BILL_CSV.into(),
            "Faturanın operatörünü seçin.",
        ),
        (
            "turkcell",
            "fatura.pdf",
            b"%PDF-1.4\x00\x01\x02".to_vec(),
            "Dosya CSV ya da XLSX (Excel) biçiminde olmalı.",
        ),
    ];
    for (operator, name, bytes, message) in cases {
        let r = upload(&finance, operator, name, bytes).await;
        assert_eq!(r.status, 422, "{message}: {}", r.body);
        assert!(r.body.contains(message), "{message}\n{}", r.body);
        assert!(r.body.contains("<title>Hata: Operatör faturası mutabakatı"));
        assert_eq!(org.count("bill_reconciliations"), 0, "{message}");
        assert_eq!(org.count("bill_reconciliation_lines"), 0);
        assert_eq!(org.count("audit_log WHERE action = 'bill.reconciled'"), 0);
        assert_eq!(finance.get("/healthz").await.status, 200);
    }

    // Another role: refused before anything is read.
    let officer = org.login_officer_a().await;
    assert_eq!(officer.get(PATH).await.status, 403);
    let r = upload(&officer, "turkcell", "fatura.csv", BILL_CSV.into()).await;
    assert_eq!(r.status, 403);
    assert_eq!(officer.get(&format!("{PATH}/1")).await.status, 403);
    assert_eq!(org.count("bill_reconciliations"), 0);
}
