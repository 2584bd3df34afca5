//! Fee exports and the monthly billing run at scale. Prints figures; asserts
//! nothing about time.
//!
//!   cargo bench --bench fees        (TEST_DATABASE_URL=postgres://… for PostgreSQL)
//!
//! Peak memory is the process's peak RSS (VmHWM), reset through
//! /proc/self/clear_refs before each export; the server runs in this process.

#[allow(dead_code)]
#[path = "../tests/http/helpers.rs"]
mod helpers;

use std::time::Instant;

use diesel::connection::SimpleConnection;
use mobilimza::db::AnyConnection;
use mobilimza::domain::role::Role;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// `n` active signatures (requests) over `n` staff, and optionally a fee
/// accrual for each, written in large batches.
fn seed(conn: &mut AnyConnection, unit: i32, by: i32, n: usize, fees: bool) {
    let started = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(20_000) {
        let mut sql = String::from("BEGIN;");
        for part in chunk.chunks(1000) {
            sql.push_str("INSERT INTO staff (tckn, first_name, last_name, sicil_no, title, unit_id, email, phone, operator, line_type, has_signature, search_name, created_at, updated_at) VALUES ");
            sql.push_str(
                &part
                    .iter()
                    .map(|i| format!("('{}', 'Ad{i}', 'Soyad{i}', '{i}', 'Memur', {unit}, 'p{i}@k', '+905321234567', 'turkcell', 'faturali', TRUE, 'ad{i}', '2026-01-01 00:00:00', '2026-01-01 00:00:00')", helpers::tckn(*i as u32 + 7)))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            sql.push(';');
            sql.push_str("INSERT INTO requests (staff_id, unit_id, state, reason, note, kvkk_ack, phone, operator, line_type, created_by, created_at, updated_at, version, flagged, activated_at, produced_at) VALUES ");
            sql.push_str(
                &part
                    .iter()
                    .map(|i| format!("({}, {unit}, 'active', 'ilk_basvuru', '', TRUE, '+905321234567', 'turkcell', 'faturali', {by}, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 0, FALSE, '2026-0{}-05 09:00:00', '2026-01-05 09:00:00')", i + 1, 1 + i % 9))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            sql.push(';');
            if fees {
                sql.push_str("INSERT INTO fee_accruals (request_id, staff_id, unit_id, operator, accrued_on, net_kurus, kdv_bp, kdv_kurus, gross_kurus, payer, created_at) VALUES ");
                sql.push_str(
                    &part
                        .iter()
                        .map(|i| format!("({0}, {0}, {unit}, 'turkcell', '2026-0{1}-05', 6500, 2000, 1300, 7800, 'kurum', '2026-01-01 00:00:00')", i + 1, 1 + i % 9))
                        .collect::<Vec<_>>()
                        .join(","),
                );
                sql.push(';');
            }
        }
        sql.push_str("COMMIT;");
        conn.batch_execute(&sql).expect("seed");
    }
    println!(
        "  seeded {n} signatures{} in {:.1} s",
        if fees { " with fee accruals" } else { "" },
        started.elapsed().as_secs_f64()
    );
}

async fn export(b: &helpers::Browser, base: &str, path: &str) {
    reset_peak();
    let cookie = b.cookie_header();
    let client = reqwest::Client::new();
    let t = Instant::now();
    let mut resp = client
        .get(format!("{base}{path}"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), 200);
    let mut bytes = 0usize;
    while let Some(chunk) = resp.chunk().await.expect("chunk") {
        bytes += chunk.len();
    }
    println!(
        "  {path:<22} {:>6.2} s  {:>7.1} MiB  peak RSS {:>6.1} MiB",
        t.elapsed().as_secs_f64(),
        bytes as f64 / 1_048_576.0,
        peak_rss_mib()
    );
}

#[tokio::main]
async fn main() {
    let lines = std::env::var("FEE_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    println!(
        "fee report export of {lines} lines ({})",
        if helpers::backend().is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    let app = helpers::spawn_app().await;
    let unit = app.add_unit(6, "Çankaya Kaymakamlığı");
    let by = app.add_user("mali@kurum.gov.tr", "Hüseyin Şahin", &[Role::Finance], &[]);
    seed(&mut app.conn(), unit, by, lines, true);
    let b = app.logged_in("mali@kurum.gov.tr").await;
    println!("  peak RSS after seeding {:.1} MiB", peak_rss_mib());
    export(&b, &app.base, "/mali/ucretler.csv").await;
    export(&b, &app.base, "/mali/ucretler.xlsx").await;
    drop(app);

    println!("monthly billing run over 100000 active signatures");
    let app = helpers::spawn_app().await;
    let unit = app.add_unit(6, "Çankaya Kaymakamlığı");
    let by = app.add_user("mali@kurum.gov.tr", "Hüseyin Şahin", &[Role::Finance], &[]);
    seed(&mut app.conn(), unit, by, 100_000, false);
    let month = mobilimza::domain::billing::BillingMonth::parse("2026-10").expect("month");
    for attempt in ["first run", "second run (idempotent)"] {
        let t = Instant::now();
        let n = mobilimza::service::billing::run_month(
            &mut app.conn(),
            &mobilimza::service::Actor::system("bench"),
            month,
            app.clock.now_naive(),
        )
        .expect("run");
        println!(
            "  {attempt:<24} {:?} lines in {:.2} s",
            n,
            t.elapsed().as_secs_f64()
        );
    }
}

use mobilimza::clock::Clock as _;
