//! Certificate fees: accrued at production at the rates of that day, and the
//! one-institution-paid-certificate-per-3-years rule with its exception.

use chrono::{TimeZone, Utc};
use diesel::prelude::*;
use mobilimza::clock::Clock as _;
use mobilimza::db::requests::RequestUpdate;
use mobilimza::db::schema::{fee_accruals, requests};
use mobilimza::domain::workflow::State;

use crate::helpers::{TestApp, spawn_org_with};

fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    // 12:00 in Istanbul.
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0)
        .single()
        .expect("time")
}

fn in_hold(app: &TestApp, staff: i32, by: i32) -> i32 {
    let id = app.add_request(staff, State::SmsHold, by);
    let sms = app.clock.now_naive() - chrono::Duration::hours(7);
    app.set_request(
        id,
        &RequestUpdate {
            sms_at: Some(sms),
            ..Default::default()
        },
    );
    id
}

type FeeRow = (String, i64, i32, i64, i64, String, Option<String>);

fn fee_of(app: &TestApp, request: i32) -> FeeRow {
    fee_accruals::table
        .filter(fee_accruals::request_id.eq(request))
        .select((
            fee_accruals::accrued_on,
            fee_accruals::net_kurus,
            fee_accruals::kdv_bp,
            fee_accruals::kdv_kurus,
            fee_accruals::gross_kurus,
            fee_accruals::payer,
            fee_accruals::exception_reason,
        ))
        .first::<(
            chrono::NaiveDate,
            i64,
            i32,
            i64,
            i64,
            String,
            Option<String>,
        )>(&mut app.conn())
        .map(|(d, n, bp, k, g, p, e)| (d.format("%d.%m.%Y").to_string(), n, bp, k, g, p, e))
        .expect("an accrual")
}

#[tokio::test]
async fn fees_follow_the_kdv_change_and_the_payer_rule() {
    let app = spawn_org_with(&[
        ("SESSION_IDLE_MINUTES", "100000000"),
        ("SESSION_MAX_HOURS", "1000000"),
    ])
    .await;
    let (unit, officer) = (app.unit_a, app.officer_a);
    let reviewer = app.login_reviewer().await;
    let a = app.add_staff(unit, 1, "Ayşe", "Yılmaz", "ayse@kurum.gov.tr");
    let b = app.add_staff(unit, 2, "Bora", "Kaya", "bora@kurum.gov.tr");

    app.clock.set(at(2023, 7, 9));
    let a1 = in_hold(&app, a, officer);
    assert_eq!(
        reviewer
            .act(a1, &[("action", "produce"), ("serial", "KSM-1")])
            .await
            .status,
        303
    );
    assert_eq!(
        fee_of(&app, a1),
        (
            "09.07.2023".into(),
            6500,
            1800,
            1170,
            7670,
            "kurum".into(),
            None
        )
    );
    let page = reviewer.get(&format!("/talep/{a1}")).await;
    assert!(
        page.body
            .contains("Sertifika ücreti 65,00 TL + KDV %18 11,70 TL = 76,70 TL · Kurum ödemesi"),
        "{}",
        page.body
    );

    app.clock.set(at(2023, 7, 10));
    let b1 = in_hold(&app, b, officer);
    assert_eq!(
        reviewer
            .act(b1, &[("action", "produce"), ("serial", "KSM-2")])
            .await
            .status,
        303
    );
    assert_eq!(
        fee_of(&app, b1),
        (
            "10.07.2023".into(),
            6500,
            2000,
            1300,
            7800,
            "kurum".into(),
            None
        )
    );

    // Close the first requests, as activation would.
    diesel::update(requests::table)
        .set(requests::state.eq("active"))
        .execute(&mut app.conn())
        .expect("activate");

    // A second certificate for Ayşe inside 3 years: personal by default; the
    // reviewer sees it before approving and grants an exception with a reason.
    app.clock.set(at(2024, 1, 10));
    let a2 = app.add_request(a, State::Submitted, officer);
    let page = reviewer.get(&format!("/talep/{a2}")).await;
    assert!(page.body.contains(
        "Kişisel ödeme: bu personelin son 3 yıl içinde kurumca ödenmiş bir sertifikası var."
    ));
    let r = reviewer
        .act(a2, &[("action", "payer_exception"), ("note", "")])
        .await;
    assert_eq!(r.status, 409, "a reason is required: {}", r.body);
    let r = reviewer
        .act(
            a2,
            &[
                ("action", "payer_exception"),
                ("note", "Kayıp SIM, kurum kararı 2024/3"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(
        reviewer
            .get(&format!("/talep/{a2}"))
            .await
            .body
            .contains("Kurum ödemesi (istisna: Kayıp SIM, kurum kararı 2024/3)")
    );
    assert_eq!(
        app.count("audit_log WHERE action = 'request.payer_exception'"),
        1
    );
    app.set_request(
        a2,
        &RequestUpdate {
            state: Some(State::SmsHold),
            sms_at: Some(app.clock.now_naive() - chrono::Duration::hours(7)),
            ..Default::default()
        },
    );
    assert_eq!(
        reviewer
            .act(a2, &[("action", "produce"), ("serial", "KSM-3")])
            .await
            .status,
        303
    );
    assert_eq!(
        fee_of(&app, a2),
        (
            "10.01.2024".into(),
            6500,
            2000,
            1300,
            7800,
            "kurum".into(),
            Some("Kayıp SIM, kurum kararı 2024/3".into())
        )
    );

    // Bora's second certificate without an exception is personal.
    let b2 = in_hold(&app, b, officer);
    assert_eq!(
        reviewer
            .act(b2, &[("action", "produce"), ("serial", "KSM-4")])
            .await
            .status,
        303
    );
    assert_eq!(fee_of(&app, b2).5, "kisisel");
    assert!(
        reviewer
            .get(&format!("/talep/{b2}"))
            .await
            .body
            .contains("= 78,00 TL · Kişisel ödeme")
    );
}

#[tokio::test]
async fn production_is_refused_when_no_fee_is_defined() {
    let app = spawn_org_with(&[("SESSION_IDLE_MINUTES", "1440")]).await;
    let (unit, officer) = (app.unit_a, app.officer_a);
    let reviewer = app.login_reviewer().await;
    let s = app.add_staff(unit, 1, "Ayşe", "Yılmaz", "ayse@kurum.gov.tr");
    diesel::delete(mobilimza::db::schema::certificate_fees::table)
        .execute(&mut app.conn())
        .expect("clear fees");
    let id = in_hold(&app, s, officer);
    let r = reviewer
        .act(id, &[("action", "produce"), ("serial", "KSM-1")])
        .await;
    assert_eq!(r.status, 409);
    assert!(
        reviewer
            .get(&format!("/talep/{id}"))
            .await
            .body
            .contains("tanımlı bir sertifika ücreti yok")
    );
    assert_eq!(app.request(id).state, State::SmsHold);
    assert_eq!(app.count("fee_accruals"), 0);
}

#[tokio::test]
async fn the_report_on_screen_in_csv_and_in_xlsx_agree() {
    use calamine::Reader;
    let app = spawn_org_with(&[
        ("SESSION_IDLE_MINUTES", "100000000"),
        ("SESSION_MAX_HOURS", "1000000"),
    ])
    .await;
    let (unit, officer) = (app.unit_a, app.officer_a);
    let reviewer = app.login_reviewer().await;
    let finance = app.login_finance().await;
    let people = [
        app.add_staff(
            unit,
            1,
            "=HYPERLINK(\"http://x\")",
            "Yılmaz",
            "a@kurum.gov.tr",
        ),
        app.add_staff(unit, 2, "Bora", "Kaya", "b@kurum.gov.tr"),
        app.add_staff(unit, 3, "Cem", "Ak", "c@kurum.gov.tr"),
    ];
    for (staff, day) in people
        .iter()
        .zip([at(2023, 7, 9), at(2023, 7, 10), at(2026, 11, 23)])
    {
        app.clock.set(day);
        let id = in_hold(&app, *staff, officer);
        assert_eq!(
            reviewer
                .act(id, &[("action", "produce"), ("serial", "KSM")])
                .await
                .status,
            303
        );
    }
    let page = finance.get("/mali").await;
    assert_eq!(page.status, 200);
    for (id, value) in [
        ("toplam-adet", "3"),
        ("toplam-net", "195,00 TL"),
        ("toplam-kdv", "37,70 TL"),
        ("toplam-brut", "232,70 TL"),
    ] {
        assert!(
            page.body.contains(&format!("id=\"{id}\">{value}<")),
            "{id} = {value}\n{}",
            page.body
        );
    }
    assert!(page.body.contains("76,70 TL") && page.body.contains("78,00 TL"));

    let csv_page = finance.get("/mali/ucretler.csv").await;
    assert_eq!(csv_page.status, 200);
    assert!(csv_page.body.starts_with('\u{feff}'), "UTF-8 BOM for Excel");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(csv_page.body.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 4, "three lines and the totals row");
    let gross: Vec<&str> = rows.iter().map(|r| &r[12]).collect();
    assert_eq!(gross, vec!["76,70", "78,00", "78,00", "232,70"]);
    assert_eq!(
        &rows[0][3], "'=HYPERLINK(\"http://x\")",
        "formula neutralised in CSV"
    );
    assert_eq!(
        (&rows[3][0], &rows[3][9], &rows[3][11]),
        ("TOPLAM", "195,00", "37,70")
    );
    assert!(
        !csv_page.body.contains(&crate::helpers::tckn(1)),
        "T.C. masked in finance exports"
    );

    let xlsx = finance.get_bytes("/mali/ucretler.xlsx").await;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).expect("xlsx");
    let range = book.worksheet_range("Ücretler").expect("sheet");
    let cells: Vec<Vec<calamine::Data>> = range.rows().map(|r| r.to_vec()).collect();
    assert_eq!(cells.len(), 5, "header, three lines, totals");
    let num = |r: usize, c: usize| match &cells[r][c] {
        calamine::Data::Float(f) => format!("{f:.2}"),
        other => panic!("not a number at {r},{c}: {other:?}"),
    };
    assert_eq!(
        [num(1, 12), num(2, 12), num(3, 12), num(4, 12)],
        ["76.70", "78.00", "78.00", "232.70"].map(String::from)
    );
    assert_eq!(
        (num(4, 9), num(4, 11)),
        ("195.00".to_owned(), "37.70".to_owned())
    );
    assert_eq!(
        cells[1][3].to_string(),
        "'=HYPERLINK(\"http://x\")",
        "formula neutralised in XLSX"
    );
    assert_eq!(app.count("audit_log WHERE action = 'export.fees'"), 2);
    assert_eq!(reviewer.get("/mali/ucretler.csv").await.status, 403);
}

#[tokio::test]
async fn finance_records_invoices_for_many_fees_at_once() {
    let app = spawn_org_with(&[("SESSION_IDLE_MINUTES", "1440")]).await;
    let (unit, officer) = (app.unit_a, app.officer_a);
    let reviewer = app.login_reviewer().await;
    let finance = app.login_finance().await;
    for n in 1..=2 {
        let s = app.add_staff(unit, n, "Ad", "Soyad", &format!("s{n}@kurum.gov.tr"));
        let id = in_hold(&app, s, officer);
        assert_eq!(
            reviewer
                .act(id, &[("action", "produce"), ("serial", "KSM")])
                .await
                .status,
            303
        );
    }
    let ids: Vec<i32> = fee_accruals::table
        .select(fee_accruals::id)
        .load(&mut app.conn())
        .expect("ids");
    let (a, b) = (ids[0].to_string(), ids[1].to_string());
    let r = finance
        .post(
            "/mali/fatura",
            &[
                ("sec", &a),
                ("sec", &b),
                ("invoice_date", "2099-01-01"),
                ("geri", "/mali"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(
        finance
            .get("/mali")
            .await
            .body
            .contains("ileri bir tarih olamaz")
    );
    let r = finance
        .post(
            "/mali/fatura",
            &[
                ("sec", &a),
                ("sec", &b),
                ("invoice_no", "KSM-2026-77"),
                ("invoice_date", "2026-11-20"),
                ("geri", "/mali"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(
        finance
            .get("/mali")
            .await
            .body
            .contains("2 ücret satırı güncellendi.")
    );
    assert_eq!(
        app.count("fee_accruals WHERE invoice_no = 'KSM-2026-77'"),
        2
    );
    let unpaid = finance.get("/mali?durum=odenmedi").await;
    assert!(unpaid.body.contains("id=\"toplam-adet\">2<"));
    finance
        .post(
            "/mali/fatura",
            &[("sec", &a), ("paid_on", "2026-11-22"), ("geri", "/mali")],
        )
        .await;
    assert!(
        finance
            .get("/mali?durum=odendi")
            .await
            .body
            .contains("id=\"toplam-adet\">1<")
    );
    assert_eq!(app.count("audit_log WHERE action = 'fee.invoice'"), 2);
    assert_eq!(
        reviewer
            .post("/mali/fatura", &[("sec", &a), ("invoice_no", "X")])
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn charts_show_fees_and_signatures_with_their_numbers() {
    let app = spawn_org_with(&[("SESSION_IDLE_MINUTES", "1440")]).await;
    let (unit, officer) = (app.unit_a, app.officer_a);
    let reviewer = app.login_reviewer().await;
    let finance = app.login_finance().await;
    let id = in_hold(
        &app,
        app.add_staff(unit, 1, "Ayşe", "Yılmaz", "a@kurum.gov.tr"),
        officer,
    );
    assert_eq!(
        reviewer
            .act(id, &[("action", "produce"), ("serial", "KSM")])
            .await
            .status,
        303
    );
    assert_eq!(
        reviewer.act(id, &[("action", "activate")]).await.status,
        303
    );
    let page = finance.get("/mali/grafikler").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<svg") && page.body.contains("role=\"img\""));
    assert!(
        page.body
            .contains("<td>11.2026</td><td class=\"num\">78,00 TL</td>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<td>Turkcell</td><td class=\"num\">1</td>")
    );
    assert_eq!(reviewer.get("/mali/grafikler").await.status, 403);
}
