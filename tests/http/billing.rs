//! Monthly billing: one line per signature active on any day of the month on
//! a line with a tariff; idempotent; closed months stay as they are.

use chrono::{TimeZone, Utc};
use mobilimza::db::requests::RequestUpdate;
use mobilimza::domain::workflow::State;

use crate::helpers::{TestApp, UNIT_A_NAME, spawn_org};

fn utc(y: i32, m: u32, d: u32) -> chrono::NaiveDateTime {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0)
        .single()
        .expect("time")
        .naive_utc()
}

fn active(app: &TestApp, staff: i32, by: i32, since: chrono::NaiveDateTime) -> i32 {
    let id = app.add_request(staff, State::Active, by);
    app.set_request(
        id,
        &RequestUpdate {
            activated_at: Some(since),
            produced_at: Some(since),
            ..Default::default()
        },
    );
    id
}

fn snapshot(app: &TestApp, month: &str) -> Vec<(i32, i64, i64)> {
    mobilimza::db::billing::snapshot(&mut app.conn(), month).expect("lines")
}

#[tokio::test]
async fn a_month_is_billed_once_per_active_signature_and_closing_freezes_it() {
    let app = spawn_org().await;
    let (unit, officer) = (app.unit_a, app.officer_a);
    let finance = app.login_finance().await;
    let a = active(
        &app,
        app.add_staff(unit, 1, "Ayşe", "Yılmaz", "a@kurum.gov.tr"),
        officer,
        utc(2026, 5, 3),
    );
    let b = active(
        &app,
        app.add_staff(unit, 2, "Bora", "Kaya", "b@kurum.gov.tr"),
        officer,
        utc(2026, 10, 20),
    );
    // Invalidated in October: billed for October, not from November on.
    let c = active(
        &app,
        app.add_staff(unit, 3, "Cem", "Ak", "c@kurum.gov.tr"),
        officer,
        utc(2026, 1, 10),
    );
    app.set_request(
        c,
        &RequestUpdate {
            state: Some(State::Invalidated),
            ended_at: Some(utc(2026, 10, 15)),
            ..Default::default()
        },
    );
    // Vodafone has no tariff yet: no line.
    let v = app.add_staff(unit, 4, "Deniz", "Er", "d@kurum.gov.tr");
    {
        use diesel::prelude::*;
        use mobilimza::db::schema::staff;
        diesel::update(staff::table.find(v))
            .set(staff::operator.eq("vodafone"))
            .execute(&mut app.conn())
            .expect("op");
    }
    active(&app, v, officer, utc(2026, 2, 1));

    let r = finance
        .post("/mali/aylik", &[("ay", "2026-10"), ("islem", "calistir")])
        .await;
    assert_eq!(r.status, 303);
    let page = finance.get("/mali/aylik?ay=2026-10").await;
    assert!(
        page.body
            .contains("Ekim 2026 faturalandırması çalıştırıldı: 3 satır."),
        "{}",
        page.body
    );
    // The month is picked by name, not typed as "2026-10".
    assert!(
        page.body
            .contains("<option value=\"2026-10\" selected>Ekim 2026</option>")
    );
    assert!(
        page.body
            .contains("<option value=\"2026-09\">Eylül 2026</option>")
    );
    for (id, value) in [
        ("aylik-adet", "3"),
        ("aylik-liste", "24,00 TL"),
        ("aylik-yansitilan", "12,00 TL"),
        ("aylik-fark", "12,00 TL"),
    ] {
        assert!(
            page.body.contains(&format!("id=\"{id}\">{value}<")),
            "{id} = {value}"
        );
    }
    assert!(
        page.body.contains(&format!("Bora Kaya (#{b})")),
        "started in October"
    );
    assert!(
        page.body.contains(&format!("Cem Ak (#{c})")),
        "stopped in October"
    );
    assert!(
        !page.body.contains(&format!("Ayşe Yılmaz (#{a})")),
        "active all month: neither started nor stopped"
    );
    // One row per unit and per operator and line type, summed.
    for group in [UNIT_A_NAME, "Turkcell · Faturalı"] {
        assert!(
            page.body.contains(&format!(
                "<td>{group}</td><td class=\"num\">3</td><td class=\"num\">24,00 TL</td>\
                 <td class=\"num\">12,00 TL</td><td class=\"num\">12,00 TL</td>"
            )),
            "{group}: {}",
            page.body
        );
    }
    let first = snapshot(&app, "2026-10");
    assert_eq!(first, vec![(a, 800, 400), (b, 800, 400), (c, 800, 400)]);

    // The export shows the same lines and totals as the page.
    let csv_page = finance.get("/mali/aylik/2026-10.csv").await;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(csv_page.body.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 6);
    assert_eq!(
        (&rows[3][0], &rows[3][6], &rows[3][7], &rows[3][8]),
        ("TOPLAM", "24,00", "12,00", "12,00")
    );
    // After the totals, the Vodafone signature that got no line, and why.
    assert_eq!(&rows[4][0], "ÜCRETLENDİRİLMEYEN (tarife yok)");
    assert_eq!((&rows[5][1], &rows[5][9]), ("Deniz", "tarife yok"));
    let change = |id: i32| {
        rows.iter()
            .find(|r| r[0] == id.to_string())
            .map(|r| r[9].to_owned())
            .expect("line")
    };
    assert_eq!(
        (change(b), change(c), change(a)),
        ("başladı".into(), "bitti".into(), String::new())
    );
    let xlsx = finance.get_bytes("/mali/aylik/2026-10.xlsx").await;
    {
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).expect("xlsx");
        let range = book.worksheet_range("Aylık ücretler").expect("sheet");
        let rows: Vec<_> = range.rows().map(<[calamine::Data]>::to_vec).collect();
        let totals = rows.iter().find(|r| r[0] == "TOPLAM").expect("totals row");
        assert_eq!(totals[7], calamine::Data::Float(12.0));
        let last = rows.last().expect("rows");
        assert_eq!(
            (last[1].to_string(), last[9].to_string()),
            ("Deniz".into(), "tarife yok".into())
        );
    }
    assert_eq!(app.count("audit_log WHERE action = 'export.billing'"), 2);
    assert_eq!(
        finance.get("/mali/aylik/2019-01.csv").await.status,
        404,
        "a month never run"
    );

    // Twice → identical lines.
    finance
        .post("/mali/aylik", &[("ay", "2026-10"), ("islem", "calistir")])
        .await;
    assert_eq!(snapshot(&app, "2026-10"), first);

    // The month after the invalidation has no line for it.
    finance
        .post("/mali/aylik", &[("ay", "2026-11"), ("islem", "calistir")])
        .await;
    let november: Vec<i32> = snapshot(&app, "2026-11")
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    assert_eq!(november, vec![a, b]);

    // Closed: a run is refused and the lines stay as they were.
    assert_eq!(
        finance
            .post("/mali/aylik", &[("ay", "2026-10"), ("islem", "kapat")])
            .await
            .status,
        303
    );
    active(
        &app,
        app.add_staff(unit, 5, "Ece", "Su", "e@kurum.gov.tr"),
        officer,
        utc(2026, 10, 2),
    );
    finance
        .post("/mali/aylik", &[("ay", "2026-10"), ("islem", "calistir")])
        .await;
    assert!(
        finance
            .get("/mali/aylik?ay=2026-10")
            .await
            .body
            .contains("Ekim 2026 kapatılmış; yeniden çalıştırılamaz.")
    );
    assert_eq!(snapshot(&app, "2026-10"), first);
    assert_eq!(app.count("audit_log WHERE action = 'billing.close'"), 1);
    let r = finance
        .post("/mali/aylik", &[("ay", "ekim"), ("islem", "calistir")])
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        app.browser().get("/mali/aylik").await.status,
        303,
        "login required"
    );
}

#[test]
fn the_cli_runs_a_month_and_refuses_a_bad_one() {
    let dir = tempfile::tempdir().expect("dir");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_mobilimza"))
            .current_dir(dir.path())
            .env("DATABASE_URL", "sqlite://cli.db")
            .args(args)
            .output()
            .expect("run");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, err) = run(&["billing-run", "--month", "2026-10"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("Ekim 2026: 0 satır üretildi."), "{out}");
    let (code, _, err) = run(&["billing-run", "--month", "2026-13"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("--month: Ayı yyyy-aa biçiminde girin"),
        "{err}"
    );
}

#[tokio::test]
async fn admins_keep_rate_tables_without_overlaps_or_gaps() {
    let app = spawn_org().await;
    let admin = app.login_admin().await;
    let page = admin.get("/yonetim/ucretler").await;
    assert!(page.body.contains("Cumhurbaşkanı Kararı 7346") && page.body.contains("%20"));
    assert!(
        page.body.contains("8,00 TL / 4,00 TL"),
        "Turkcell faturalı tariff"
    );
    assert!(
        page.body.contains("Tanımsız"),
        "other operators start undefined"
    );

    // A new general KDV rate closes the current one the day before.
    let r = admin
        .post(
            "/yonetim/ucretler",
            &[
                ("tablo", "kdv"),
                ("baslangic", "2027-01-01"),
                ("deger", "22"),
                ("dayanak", "Örnek karar"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = admin.get("/yonetim/ucretler").await;
    assert!(
        page.body.contains("KDV genel oranı: yeni dönem eklendi."),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<td>10.07.2023</td><td>31.12.2026</td><td>%20</td>"),
        "{}",
        page.body
    );

    // A period starting inside an existing closed one overlaps; a later one with a gap too.
    let before = app.count("kdv_rates");
    admin
        .post(
            "/yonetim/ucretler",
            &[
                ("tablo", "kdv"),
                ("baslangic", "2023-01-01"),
                ("bitis", "2023-12-31"),
                ("deger", "19"),
                ("dayanak", "x"),
            ],
        )
        .await;
    assert!(
        admin
            .get("/yonetim/ucretler")
            .await
            .body
            .contains("çakışıyor")
    );
    admin
        .post(
            "/yonetim/ucretler",
            &[
                ("tablo", "kdv"),
                ("baslangic", "1990-01-01"),
                ("bitis", "1995-12-31"),
                ("deger", "10"),
                ("dayanak", "x"),
            ],
        )
        .await;
    assert!(
        admin
            .get("/yonetim/ucretler")
            .await
            .body
            .contains("boşluk var")
    );
    admin
        .post(
            "/yonetim/ucretler",
            &[
                ("tablo", "kdv"),
                ("baslangic", "2028-01-01"),
                ("deger", "22"),
            ],
        )
        .await;
    assert!(
        admin
            .get("/yonetim/ucretler")
            .await
            .body
            .contains("yasal dayanağı")
    );
    assert_eq!(app.count("kdv_rates"), before);

    // Vodafone's tariff, once set, is billed.
    let r = admin
        .post(
            "/yonetim/ucretler",
            &[
                ("tablo", "aylik:vodafone:faturali"),
                ("baslangic", "2026-01-01"),
                ("deger", "9,00"),
                ("deger2", "4,50"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let (unit, officer) = (app.unit_a, app.officer_a);
    let v = app.add_staff(unit, 4, "Deniz", "Er", "d@kurum.gov.tr");
    {
        use diesel::prelude::*;
        use mobilimza::db::schema::staff;
        diesel::update(staff::table.find(v))
            .set(staff::operator.eq("vodafone"))
            .execute(&mut app.conn())
            .expect("op");
    }
    let id = active(&app, v, officer, utc(2026, 2, 1));
    let month = mobilimza::domain::billing::BillingMonth::parse("2026-10").expect("month");
    let n = mobilimza::service::billing::run_month(
        &mut app.conn(),
        &mobilimza::service::Actor::system("test"),
        month,
        utc(2026, 11, 1),
    )
    .expect("run");
    assert_eq!(n, Ok(1));
    assert_eq!(snapshot(&app, "2026-10"), vec![(id, 900, 450)]);
    assert_eq!(admin.get("/mali").await.status, 403);
}

/// A Vodafone signature with no Vodafone tariff gets no line (right), and
/// finance hears of it everywhere the month is read.
#[tokio::test]
async fn active_signatures_no_tariff_applies_to_are_listed_for_finance() {
    use diesel::RunQueryDsl;
    let app = spawn_org().await;
    let (unit, officer) = (app.unit_a, app.officer_a);
    active(
        &app,
        app.add_staff(unit, 1, "Ayşe", "Yılmaz", "a@kurum.gov.tr"),
        officer,
        utc(2026, 5, 3),
    );
    let deniz = app.add_staff(unit, 2, "Deniz", "Öztürk", "d@kurum.gov.tr");
    diesel::sql_query(format!(
        "UPDATE staff SET operator = 'vodafone' WHERE id = {deniz}"
    ))
    .execute(&mut app.conn())
    .expect("operator");
    let id = active(&app, deniz, officer, utc(2026, 6, 1));
    let finance = app.login_finance().await;
    let r = finance
        .post("/mali/aylik", &[("ay", "2026-10"), ("islem", "calistir")])
        .await;
    assert_eq!(r.status, 303);

    let page = finance.get("/mali/aylik?ay=2026-10").await;
    let text = page.text();
    assert!(
        page.body.contains("<dd id=\"aylik-adet\">1</dd>"),
        "only Ayşe billed"
    );
    assert!(text.contains("Ücretlendirilmeyen etkin imzalar"), "{text}");
    assert!(
        text.contains(&format!(
            "Vodafone · Faturalı: 1 imza — Deniz Öztürk (#{id})"
        )),
        "{text}"
    );
    assert!(page.body.contains("href=\"/yonetim/ucretler\""));

    let csv = String::from_utf8(finance.get_bytes("/mali/aylik/2026-10.csv").await).expect("utf-8");
    assert!(csv.contains("ÜCRETLENDİRİLMEYEN (tarife yok)"), "{csv}");
    let line = csv
        .lines()
        .find(|l| l.contains("Deniz"))
        .expect("Deniz's row");
    assert!(
        line.contains("Öztürk") && line.contains("Vodafone") && line.contains("tarife yok"),
        "{line}"
    );

    // The finance home page says so for last month (the clock is in November).
    let home = finance.get("/").await.text();
    assert!(
        home.contains(
            "Ekim 2026: tarife tanımlı olmadığı için 1 etkin imza ücretlendirilmedi (Vodafone · Faturalı: 1)."
        ),
        "{home}"
    );

    // So does the billing run on the command line.
    let (code, out, err) = app.cli(&["billing-run", "--month", "2026-09"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Eylül 2026: 1 satır üretildi."), "{out}");
    assert!(
        out.contains(
            "UYARI: Eylül 2026: tarife tanımlı olmadığı için 1 etkin imza ücretlendirilmedi"
        ),
        "{out}"
    );
    assert!(
        out.contains(&format!("Vodafone · Faturalı: Deniz Öztürk (#{id})")),
        "{out}"
    );
}

/// The finance home page counts last month's untariffed signatures from
/// indexes, the monthly page lists them from the requests: both count one
/// that ended during the month, and neither one that ended before it or
/// started after it.
#[tokio::test]
async fn the_home_summary_counts_what_the_month_lists() {
    use diesel::RunQueryDsl;
    let app = spawn_org().await;
    let (unit, officer) = (app.unit_a, app.officer_a);
    let vodafone = |n: u32, first: &str, last: &str| {
        let id = app.add_staff(unit, n, first, last, &format!("k{n}@kurum.gov.tr"));
        diesel::sql_query(format!(
            "UPDATE staff SET operator = 'vodafone' WHERE id = {id}"
        ))
        .execute(&mut app.conn())
        .expect("operator");
        id
    };
    let ended = |request: i32, at: chrono::NaiveDateTime| {
        app.set_request(
            request,
            &RequestUpdate {
                state: Some(State::Invalidated),
                ended_at: Some(at),
                ..Default::default()
            },
        );
    };
    active(
        &app,
        vodafone(1, "Ayşe", "Yılmaz"),
        officer,
        utc(2026, 6, 1),
    );
    let in_october = active(&app, vodafone(2, "Bora", "Kaya"), officer, utc(2026, 6, 1));
    ended(in_october, utc(2026, 10, 20));
    let before = active(&app, vodafone(3, "Cem", "Ak"), officer, utc(2026, 6, 1));
    ended(before, utc(2026, 9, 15));
    active(&app, vodafone(4, "Deniz", "Er"), officer, utc(2026, 11, 2));

    let finance = app.login_finance().await;
    let home = finance.get("/").await.text();
    assert!(
        home.contains(
            "Ekim 2026: tarife tanımlı olmadığı için 2 etkin imza ücretlendirilmedi (Vodafone · Faturalı: 2)."
        ),
        "{home}"
    );
    let month = finance.get("/mali/aylik?ay=2026-10").await.text();
    assert!(
        month.contains("Vodafone · Faturalı: 2 imza — Ayşe Yılmaz"),
        "{month}"
    );
    assert!(
        month.contains("Bora Kaya") && !month.contains("Cem Ak") && !month.contains("Deniz Er"),
        "{month}"
    );
}
