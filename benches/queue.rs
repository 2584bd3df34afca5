//! Reviewer queue and staff import under load. Prints figures; asserts nothing
//! about time (the targets in BENCHMARKS.md are checked by reading these numbers).
//!
//!   cargo bench --bench queue                      # SQLite
//!   TEST_DATABASE_URL=postgres://… cargo bench --bench queue
//!
//! Seeds N requests (a third open, two thirds closed) over N/3 staff in 20
//! units, then measures through HTTP with a logged-in reviewer: the first
//! page, a deep page by keyset cursor, a filtered search, and throughput with
//! 32 requests in flight.

#[allow(dead_code)]
#[path = "../tests/http/helpers.rs"]
mod helpers;

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use mobilimza::db::AnyConnection;
use mobilimza::domain::role::Role;

fn seed(conn: &mut AnyConnection, units: &[i32], n: usize, by: i32) {
    let staff_n = n.div_ceil(3);
    let started = Instant::now();
    let mut sql = String::from("BEGIN;");
    for chunk in (0..staff_n).collect::<Vec<_>>().chunks(500) {
        sql.push_str("INSERT INTO staff (tckn, first_name, last_name, sicil_no, title, unit_id, email, phone, operator, line_type, has_signature, search_name, created_at, updated_at) VALUES ");
        let rows: Vec<String> = chunk
            .iter()
            .map(|i| {
                let unit = units[i % units.len()];
                let tc = helpers::tckn(*i as u32 + 10);
                format!(
                    "('{tc}', 'Ad{i}', 'Soyad{i}', '{i}', 'Memur', {unit}, 'p{i}@kurum.gov.tr', '+90532{:07}', 'turkcell', 'faturali', FALSE, 'ad{i} soyad{i}', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
                    i % 10_000_000
                )
            })
            .collect();
        sql.push_str(&rows.join(","));
        sql.push(';');
    }
    // Over years most requests are closed; the work in flight is a third here.
    let states = ["submitted", "active", "rejected"];
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        sql.push_str("INSERT INTO requests (staff_id, unit_id, state, reason, note, kvkk_ack, phone, operator, line_type, created_by, created_at, updated_at, submitted_at, version, flagged) VALUES ");
        let rows: Vec<String> = chunk
            .iter()
            .map(|i| {
                let staff = i % staff_n + 1;
                let unit = units[(i % staff_n) % units.len()];
                let state = states[i / staff_n % 3];
                format!("({staff}, {unit}, '{state}', 'ilk_basvuru', '', TRUE, '+905321234567', 'turkcell', 'faturali', {by}, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 0, FALSE)")
            })
            .collect();
        sql.push_str(&rows.join(","));
        sql.push(';');
    }
    sql.push_str("COMMIT;");
    conn.batch_execute(&sql).expect("seed");
    if let AnyConnection::Postgresql(c) = conn {
        c.batch_execute("ANALYZE").expect("analyze");
    }
    println!(
        "  seeded {n} requests over {staff_n} staff in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn latency(b: &helpers::Browser, label: &str, path: &str, n: usize) {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "  {label:<34} p50 {:>6.2} ms  p99 {:>6.2} ms  ({n} sequential)",
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
}

async fn throughput(app: &helpers::TestApp, b: &helpers::Browser, path: &str, secs: u64) {
    let cookie = b.cookie_header();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let (client, cookie, url) = (
            client.clone(),
            cookie.clone(),
            format!("{}{path}", app.base),
        );
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                let r = client
                    .get(&url)
                    .header("cookie", &cookie)
                    .send()
                    .await
                    .expect("GET");
                assert_eq!(r.status(), 200);
                r.bytes().await.expect("body");
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("task"));
    }
    all.sort();
    println!(
        "  32 connections, {secs} s                 {:>6.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms",
        all.len() as f64 / secs as f64,
        percentile(&all, 0.5),
        percentile(&all, 0.99)
    );
}

async fn queue(n: usize) {
    println!(
        "reviewer queue with {n} requests ({})",
        if helpers::backend().is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    let app = helpers::spawn_app().await;
    let units: Vec<i32> = (0..20)
        .map(|i| app.add_unit(1 + i % 81, &format!("Birim {i}")))
        .collect();
    let by = app.add_user("sef@kurum.gov.tr", "Ayşe Çelik", &[Role::Reviewer], &[]);
    seed(&mut app.conn(), &units, n, by);
    let b = app.logged_in("sef@kurum.gov.tr").await;
    latency(&b, "first page (İnceleme bekleyen)", "/inceleme", 200).await;
    latency(
        &b,
        "deep page (keyset, near the end)",
        "/inceleme?sekme=all&sonra=60",
        200,
    )
    .await;
    latency(
        &b,
        "filtered: il + name search",
        "/inceleme?sekme=all&il=5&q=ad12",
        100,
    )
    .await;
    throughput(&app, &b, "/inceleme", 5).await;
}

async fn import_preview(rows: usize) {
    println!("staff import preview of {rows} rows");
    let app = helpers::spawn_app().await;
    let unit = app.add_unit(6, "Çankaya Kaymakamlığı");
    app.add_user(
        "sorumlu@kurum.gov.tr",
        "Mehmet Öztürk",
        &[Role::Officer],
        &[unit],
    );
    let b = app.logged_in("sorumlu@kurum.gov.tr").await;
    let mut csv = String::from(
        "T.C. Kimlik No;Ad;Soyad;Sicil No;Unvan;Birim;Kurumsal E-posta;Cep Telefonu;Operatör;Hat Tipi;Mobil İmza\n",
    );
    for i in 0..rows {
        csv.push_str(&format!(
            "{};Ad{i};Soyad{i};{i};Memur;Çankaya Kaymakamlığı;k{i}@kurum.gov.tr;0532 {:03} {:02} {:02};Turkcell;Faturalı;Yok\n",
            helpers::tckn(i as u32 + 5),
            i % 1000,
            i % 100,
            (i / 100) % 100
        ));
    }
    let t = Instant::now();
    let r = b
        .upload("/personel/ice-aktar", "liste.csv", csv.into_bytes())
        .await;
    let upload = t.elapsed();
    let t = Instant::now();
    let preview = b.get(r.location.as_deref().expect("preview")).await;
    let shown = t.elapsed();
    assert!(
        preview
            .body
            .contains(&format!("<strong>{rows}</strong> yeni")),
        "all rows valid"
    );
    let t = Instant::now();
    b.post(r.location.as_deref().expect("preview"), &[]).await;
    let commit = t.elapsed();
    println!(
        "  upload+parse {:.2} s, preview page {:.2} s, confirm (write {rows} rows) {:.2} s",
        upload.as_secs_f64(),
        shown.as_secs_f64(),
        commit.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    queue(10_000).await;
    queue(150_000).await;
    import_preview(5_000).await;
}
