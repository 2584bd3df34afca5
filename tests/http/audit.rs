//! The audit trail as evidence (#9 item 4): rows are sealed into one chain,
//! the database refuses to change or delete them, `mobilimza audit-verify`
//! names the first row that was tampered with; and the viewer at
//! `/yonetim/denetim` reads in plain Turkish, with filters, paging and CSV.

use std::process::Command;

use diesel::connection::SimpleConnection;
use mobilimza::clock::Clock as _;
use mobilimza::db::AnyConnection;
use mobilimza::domain::audit::AuditAction;
use mobilimza::service::{self, Actor};

use crate::helpers::{TestApp, spawn_org, test_vars};

/// Runs the built binary's `audit-verify` on the app's database with the
/// tests' configuration: (exit code, standard output).
fn audit_verify(app: &TestApp) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mobilimza"));
    cmd.arg("audit-verify")
        .env_remove("AUDIT_KEY")
        .env_remove("BASE_URL")
        .env("RUST_LOG", "warn");
    for (k, v) in test_vars(&app.database_url()) {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run mobilimza audit-verify");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("audit-verify: {stdout}{stderr}");
    (out.status.code().unwrap_or(-1), stdout)
}

/// `n` audit rows written the way every use case writes them.
fn write_rows(app: &TestApp, n: usize) {
    let now = app.clock.now_naive();
    let actor = Actor::system("test");
    for i in 0..n {
        service::audit(
            &mut app.conn(),
            &actor,
            AuditAction::SettingsUpdated,
            "nes_hold",
            &format!("Bekleme süresi: {i} saat → {} saat", i + 1),
            now,
        )
        .expect("audit row");
    }
}

fn sql(app: &TestApp, statements: &str) -> Result<(), String> {
    app.conn()
        .batch_execute(statements)
        .map_err(|e| e.to_string())
}

/// Drops the triggers that keep the log append-only, as someone with direct
/// database access could.
fn drop_guards(app: &TestApp) {
    let statements = match &*app.conn() {
        AnyConnection::Sqlite(_) => {
            "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
        }
        AnyConnection::Postgresql(_) => "DROP TRIGGER audit_log_no_change ON audit_log;",
    };
    sql(app, statements).expect("drop the triggers");
}

fn first_line(out: &str) -> &str {
    out.lines().next().unwrap_or_default()
}

#[tokio::test]
async fn an_intact_chain_verifies_and_names_its_last_row() {
    let app = spawn_org().await;
    let admin = app.login_admin().await;
    assert_eq!(admin.get("/yonetim/denetim").await.status, 200);
    write_rows(&app, 4);
    let rows = app.count("audit_log");
    assert_eq!(rows, 5, "the login and four changes");
    assert_eq!(app.count("audit_log WHERE hash = '' OR prev_hash = ''"), 0);
    let (code, out) = audit_verify(&app);
    assert_eq!(code, 0, "{out}");
    assert_eq!(first_line(&out), "Denetim kaydı sağlam: 5 kayıt");
    assert!(out.contains("Son kayıt #5, mühür "), "{out}");
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_audit_rows() {
    let app = spawn_org().await;
    write_rows(&app, 2);
    let update = sql(&app, "UPDATE audit_log SET detail = 'silindi' WHERE id = 1");
    assert!(
        update
            .as_ref()
            .is_err_and(|e| e.contains("yalnızca eklenebilir")),
        "{update:?}"
    );
    let delete = sql(&app, "DELETE FROM audit_log WHERE id = 2");
    assert!(
        delete
            .as_ref()
            .is_err_and(|e| e.contains("yalnızca eklenebilir")),
        "{delete:?}"
    );
    if matches!(&*app.conn(), AnyConnection::Postgresql(_)) {
        let truncate = sql(&app, "TRUNCATE audit_log");
        assert!(truncate.is_err(), "{truncate:?}");
    }
    assert_eq!(app.count("audit_log"), 2);
    assert_eq!(app.count("audit_log WHERE detail = 'silindi'"), 0);
    assert_eq!(audit_verify(&app).0, 0);
}

#[tokio::test]
async fn an_edited_row_is_named() {
    let app = spawn_org().await;
    write_rows(&app, 5);
    drop_guards(&app);
    sql(
        &app,
        "UPDATE audit_log SET detail = 'Bekleme süresi: 6 saat' WHERE id = 3",
    )
    .expect("edit");
    let (code, out) = audit_verify(&app);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        first_line(&out),
        "Denetim kaydı bozuk: #3 numaralı kaydın içeriği değiştirilmiş (mühür tutmuyor)."
    );
}

#[tokio::test]
async fn a_deleted_row_is_named() {
    let app = spawn_org().await;
    write_rows(&app, 5);
    drop_guards(&app);
    sql(&app, "DELETE FROM audit_log WHERE id = 3").expect("delete");
    let (code, out) = audit_verify(&app);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        first_line(&out),
        "Denetim kaydı bozuk: #4 numaralı kayıttan önce kayıt eksik: #3 silinmiş."
    );
}

#[tokio::test]
async fn two_swapped_rows_are_named() {
    let app = spawn_org().await;
    write_rows(&app, 5);
    drop_guards(&app);
    sql(
        &app,
        "UPDATE audit_log SET id = -3 WHERE id = 3; \
         UPDATE audit_log SET id = 3 WHERE id = 4; \
         UPDATE audit_log SET id = 4 WHERE id = -3;",
    )
    .expect("swap");
    let (code, out) = audit_verify(&app);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        first_line(&out),
        "Denetim kaydı bozuk: #3 numaralı kaydın sırası değiştirilmiş: bu kayıt #4 olarak yazılmıştı."
    );
}

#[tokio::test]
async fn rows_from_before_the_chain_are_sealed_and_then_guarded_by_it() {
    let app = spawn_org().await;
    // Rows as the portal wrote them before the upgrade: no seal.
    sql(
        &app,
        "INSERT INTO audit_log (id, at, actor_id, action, target, detail, ip) VALUES \
         (1, '2026-10-01 08:00:00', NULL, 'login.failed', 'a@kurum.gov.tr', '', '10.0.0.1'), \
         (2, '2026-10-01 08:05:00', NULL, 'logout', 'b@kurum.gov.tr', '', '10.0.0.2'), \
         (3, '2026-10-02 09:00:00', NULL, 'settings.updated', 'nes_hold', '6 saat', '10.0.0.3');",
    )
    .expect("legacy rows");
    let (code, out) = audit_verify(&app);
    assert_eq!(code, 0, "{out}");
    assert_eq!(first_line(&out), "Denetim kaydı sağlam: 4 kayıt");
    assert_eq!(
        app.count(
            "audit_log WHERE id = 4 AND action = 'audit.sealed' \
             AND detail = 'Zincir öncesi 3 kayıt (#1–#3) mühürlendi'"
        ),
        1
    );
    write_rows(&app, 1);
    assert_eq!(
        first_line(&audit_verify(&app).1),
        "Denetim kaydı sağlam: 5 kayıt"
    );

    drop_guards(&app);
    sql(&app, "UPDATE audit_log SET detail = '12 saat' WHERE id = 3").expect("edit");
    let (code, out) = audit_verify(&app);
    assert_eq!(code, 1);
    assert_eq!(
        first_line(&out),
        "Denetim kaydı bozuk: #4 numaralı kaydın mühürlediği, zincir öncesi kayıtlar değiştirilmiş ya da silinmiş."
    );
}

#[tokio::test]
async fn a_row_inserted_behind_the_portals_back_is_named_and_the_chain_goes_on() {
    let app = spawn_org().await;
    write_rows(&app, 2);
    sql(
        &app,
        "INSERT INTO audit_log (id, at, actor_id, action, target, detail, ip) VALUES \
         (3, '2026-11-23 09:00:00', NULL, 'logout', 'x@kurum.gov.tr', '', '10.0.0.9')",
    )
    .expect("forged row");
    // The portal keeps writing: the next row follows the last sealed one.
    write_rows(&app, 1);
    assert_eq!(app.count("audit_log"), 4);
    let (code, out) = audit_verify(&app);
    assert_eq!(code, 1);
    assert_eq!(
        first_line(&out),
        "Denetim kaydı bozuk: #3 numaralı kayıt portal dışından eklenmiş (mührü yok)."
    );
}

#[tokio::test]
async fn concurrent_writers_append_one_linear_chain() {
    let app = spawn_org().await;
    let pool = app.state.pool.clone();
    let now = app.clock.now_naive();
    let threads: Vec<_> = (0..6)
        .map(|t| {
            let pool = pool.clone();
            std::thread::spawn(move || {
                for i in 0..8 {
                    let mut conn = pool.get().expect("conn");
                    service::audit(
                        &mut conn,
                        &Actor::system(&format!("iş parçacığı {t}")),
                        AuditAction::BillingRun,
                        "2026-10",
                        &format!("{i} satır"),
                        now,
                    )
                    .expect("audit row");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("writer");
    }
    assert_eq!(app.count("audit_log"), 48);
    assert_eq!(app.count("audit_log WHERE id BETWEEN 1 AND 48"), 48);
    let (code, out) = audit_verify(&app);
    assert_eq!(code, 0, "{out}");
    assert_eq!(first_line(&out), "Denetim kaydı sağlam: 48 kayıt");
}

// ------------------------------------------------------------- the viewer

use chrono::{TimeZone, Utc};
use mobilimza::domain::role::Role;

use crate::helpers::{Org, REVIEWER_EMAIL, spawn_world};

/// The table rows of the viewer page (one `<tr>` each, header excluded).
fn table_rows(body: &str) -> Vec<&str> {
    body.split("<tr>").skip(2).collect()
}

fn total_line(body: &str) -> &str {
    let start = body.find("<p id=\"toplam\">").expect("total line") + 15;
    let end = body[start..].find("</p>").expect("end") + start;
    &body[start..end]
}

#[tokio::test]
async fn role_and_unit_changes_show_old_and_new_values_in_turkish() {
    let app = spawn_org().await;
    let admin = app.login_admin().await;
    let (a, b) = (app.unit_a.to_string(), app.unit_b.to_string());
    let r = admin
        .post(
            &format!("/yonetim/kullanicilar/{}", app.officer_a),
            &[
                ("name", "Mehmet Öztürk"),
                ("email", "sorumlu@kurum.gov.tr"),
                ("roles", "officer"),
                ("roles", "reviewer"),
                ("units", &a),
                ("units", &b),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = admin
        .post(
            &format!("/yonetim/kullanicilar/{}", app.finance),
            &[
                ("name", "Hüseyin Şahin"),
                ("email", "mali@kurum.gov.tr"),
                ("roles", "admin"),
                ("roles", "finance"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = admin
        .post(
            &format!("/yonetim/birimler/{}", app.unit_b),
            &[
                ("province_id", "34"),
                ("name", "Kadıköy Kaymakamlığı Bilgi İşlem"),
                ("kind", "kaymakamlik"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    let page = admin.get("/yonetim/denetim").await;
    assert_eq!(page.status, 200);
    let table = table_rows(&page.body).concat();
    for seen in [
        "Oturum açıldı",
        "Kullanıcı güncellendi",
        "Birim güncellendi",
        "Roller: Proje Sorumlusu → Proje Sorumlusu, e-İmza Şefliği",
        "Birimler: Çankaya Kaymakamlığı → Çankaya Kaymakamlığı, Kadıköy Kaymakamlığı",
        "Roller: Mali İşler → Mali İşler, Yönetici",
        "Birimler: yok (değişmedi)",
        "Parola: değişmedi",
        "Ad: Kadıköy Kaymakamlığı → Kadıköy Kaymakamlığı Bilgi İşlem",
        "Durum: etkin → pasif",
        "Yönetici",
    ] {
        assert!(table.contains(seen), "{seen} missing:\n{table}");
    }
    let officer_link = format!(
        "<a href=\"/yonetim/kullanicilar/{0}\">Kullanıcı #{0}</a>",
        app.officer_a
    );
    assert!(table.contains(&officer_link), "{table}");
    let unit_link = format!(
        "<a href=\"/yonetim/birimler/{0}\">Birim #{0}</a>",
        app.unit_b
    );
    assert!(table.contains(&unit_link), "{table}");
    for code in [
        "login.success",
        "user.updated",
        "unit:",
        "Some(",
        "aktif=",
        "[",
        "true",
    ] {
        assert!(!table.contains(code), "{code} shown:\n{table}");
    }
}

#[tokio::test]
async fn rate_and_contact_changes_record_old_and_new_values() {
    let w = spawn_world().await;
    let admin = w.app.login_admin().await;
    let r = admin
        .post(
            "/yonetim/ucretler",
            &[
                ("tablo", "kdv"),
                ("baslangic", "2027-01-01"),
                ("deger", "25"),
                ("dayanak", "Cumhurbaşkanı Kararı"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = admin.get("/yonetim/denetim?islem=rates.added").await;
    assert!(
        page.body.contains(
            "Önceki dönem (%20): 10.07.2023 – süresiz → 10.07.2023 – 31.12.2026; \
             Yeni dönem: 01.01.2027 – süresiz, %25; Dayanak: Cumhurbaşkanı Kararı"
        ),
        "{}",
        page.body
    );
    let rows = table_rows(&page.body).concat();
    assert!(rows.contains("KDV genel oranı") && rows.contains("Ücret tablosuna dönem eklendi"));

    let signature = crate::contact::active_signature(&w);
    let r = w
        .person
        .post(
            "/bilgilerim/iletisim",
            &[
                ("phone", "0532 123 45 67"),
                ("operator", "vodafone"),
                ("line_type", "faturali"),
                ("has_signature", "on"),
                ("kinds", "tasima"),
                ("onay", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = admin.get("/yonetim/denetim?islem=contact.changed").await;
    let rows = table_rows(&page.body).concat();
    assert!(
        rows.contains("0532 123 45 67 Turkcell → 0532 123 45 67 Vodafone")
            && rows.contains(&format!("geçersiz sayılan talep #{signature}")),
        "{rows}"
    );
    assert!(rows.contains("Hat/iletişim bilgisi değişti") && !rows.contains("Some("));
}

/// Rows of several kinds, times, users and units, written as the use cases
/// write them: (officer's request in unit A, request in unit B).
fn varied_rows(app: &Org) -> (i32, i32) {
    let staff_a = app.add_staff_record();
    let staff_b = app.add_staff(app.unit_b, 2, "Ali", "Kaya", "ali@kurum.gov.tr");
    let req_a = app.add_request(
        staff_a,
        mobilimza::domain::workflow::State::Submitted,
        app.officer_a,
    );
    let req_b = app.add_request(
        staff_b,
        mobilimza::domain::workflow::State::Submitted,
        app.officer_b,
    );
    let at = |d: u32, h: u32, m: u32| {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0)
            .single()
            .expect("time")
            .naive_utc()
    };
    let officer = |id: i32, unit: i32| {
        Actor::user(id, "x@kurum.gov.tr", &[Role::Officer], &[unit], "10.0.0.5")
    };
    let rows: Vec<(Actor, AuditAction, String, &str, _)> = vec![
        (
            officer(app.officer_a, app.unit_a),
            AuditAction::RequestCreated,
            format!("request:{req_a}"),
            "A talebi",
            at(20, 9, 0),
        ),
        (
            officer(app.officer_b, app.unit_b),
            AuditAction::RequestCreated,
            format!("request:{req_b}"),
            "B talebi",
            at(20, 9, 5),
        ),
        (
            officer(app.officer_b, app.unit_b),
            AuditAction::StaffUpdated,
            format!("staff:{staff_b}"),
            "B personeli",
            at(21, 10, 0),
        ),
        (
            Actor::system("10.9.9.9"),
            AuditAction::LoginFailed,
            "kimse@kurum.gov.tr".into(),
            "başarısız",
            at(22, 8, 0),
        ),
        // 23:59 and 00:00 in Istanbul (UTC+3).
        (
            Actor::system("zamanlayıcı"),
            AuditAction::Request(mobilimza::domain::workflow::Action::Expire),
            format!("request:{req_a}"),
            "gece yarısından önce",
            at(23, 20, 59),
        ),
        (
            Actor::system("zamanlayıcı"),
            AuditAction::BillingRun,
            "2026-10".into(),
            "gece yarısından sonra",
            at(23, 21, 0),
        ),
    ];
    for (actor, action, target, detail, now) in rows {
        service::audit(&mut app.conn(), &actor, action, &target, detail, now).expect("row");
    }
    (req_a, req_b)
}

#[tokio::test]
async fn filters_narrow_the_rows() {
    let app = spawn_org().await;
    let (req_a, _) = varied_rows(&app);
    // One more row: the admin's login, 23.11.2026 12:00 in Istanbul.
    let admin = app.login_admin().await;
    let all = [
        "A talebi",
        "B talebi",
        "B personeli",
        "başarısız",
        "gece yarısından önce",
        "gece yarısından sonra",
    ];
    let cases: Vec<(String, Vec<&str>, usize)> = vec![
        (String::new(), all.to_vec(), 7),
        (
            format!("kim={}", app.officer_b),
            vec!["B talebi", "B personeli"],
            2,
        ),
        (
            "kim=sistem".into(),
            vec!["başarısız", "gece yarısından önce", "gece yarısından sonra"],
            3,
        ),
        ("islem=login.failed".into(), vec!["başarısız"], 1),
        (
            "islem=request.create".into(),
            vec!["A talebi", "B talebi"],
            2,
        ),
        (
            "baslangic=2026-11-21&bitis=2026-11-23".into(),
            vec!["B personeli", "başarısız", "gece yarısından önce"],
            4,
        ),
        (
            "baslangic=24.11.2026&bitis=24.11.2026".into(),
            vec!["gece yarısından sonra"],
            1,
        ),
        (
            format!("talep={req_a}"),
            vec!["A talebi", "gece yarısından önce"],
            2,
        ),
        (
            format!("birim={}", app.unit_b),
            vec!["B talebi", "B personeli"],
            2,
        ),
        (
            format!("birim={}&islem=staff.updated", app.unit_b),
            vec!["B personeli"],
            1,
        ),
    ];
    for (query, want, total) in cases {
        let page = admin.get(&format!("/yonetim/denetim?{query}")).await;
        assert_eq!(page.status, 200, "{query}");
        let rows = table_rows(&page.body);
        assert_eq!(rows.len(), total, "{query}");
        let shown: Vec<&str> = all
            .iter()
            .copied()
            .filter(|d| rows.iter().any(|r| r.contains(&format!("<td>{d}</td>"))))
            .collect();
        assert_eq!(shown, want, "{query}");
        assert_eq!(
            total_line(&page.body),
            format!("Toplam {total} kayıt · sayfa 1 / 1"),
            "{query}"
        );
    }
    let page = admin
        .get(&format!("/yonetim/denetim?kim={}", app.officer_b))
        .await;
    assert!(
        page.body.contains("<td>Diğer Sorumlu</td>"),
        "who acted, by name"
    );
    let rows = table_rows(&page.body).concat();
    assert!(rows.contains("Talep oluşturuldu") && rows.contains("Personel kaydı güncellendi"));
    let page = admin.get("/yonetim/denetim?kim=sistem").await;
    assert!(
        page.body.contains("<td>Sistem (zamanlayıcı)</td>"),
        "{}",
        page.body
    );
    let rows = table_rows(&page.body).concat();
    assert!(rows.contains("Talep: Süresi doldu") && rows.contains("Aylık ücretler, Ekim 2026"));
    assert!(
        page.body
            .contains(&format!("<a href=\"/talep/{req_a}\">Talep #{req_a}</a>"))
    );

    let page = admin.get("/yonetim/denetim?baslangic=31.02.2026").await;
    assert!(
        page.body.contains("Başlangıç “31.02.2026” bir tarih değil"),
        "{}",
        page.body
    );
    let reviewer = app.logged_in(REVIEWER_EMAIL).await;
    assert_eq!(reviewer.get("/yonetim/denetim").await.status, 403);
    assert_eq!(reviewer.get("/yonetim/denetim.csv").await.status, 403);
}

#[tokio::test]
async fn pages_of_fifty_with_a_total_and_previous_next_links() {
    let app = spawn_org().await;
    write_rows(&app, 120);
    let admin = app.login_admin().await;
    let first = admin.get("/yonetim/denetim?islem=settings.updated").await;
    assert_eq!(table_rows(&first.body).len(), 50);
    assert_eq!(total_line(&first.body), "Toplam 120 kayıt · sayfa 1 / 3");
    assert!(
        first.body.contains("Bekleme süresi: 119 saat → 120 saat"),
        "newest first"
    );
    assert!(!first.body.contains("← Önceki"));
    assert!(
        first.body.contains(
            "href=\"/yonetim/denetim?islem=settings.updated&#38;sayfa=2\" rel=\"next\">Sonraki →"
        ),
        "{}",
        first.body
    );
    let last = admin
        .get("/yonetim/denetim?islem=settings.updated&sayfa=3")
        .await;
    assert_eq!(table_rows(&last.body).len(), 20);
    assert_eq!(total_line(&last.body), "Toplam 120 kayıt · sayfa 3 / 3");
    assert!(last.body.contains("Bekleme süresi: 0 saat → 1 saat"));
    assert!(last.body.contains("← Önceki") && !last.body.contains("Sonraki →"));
    // A page past the end shows the last one.
    let past = admin
        .get("/yonetim/denetim?islem=settings.updated&sayfa=99")
        .await;
    assert_eq!(total_line(&past.body), "Toplam 120 kayıt · sayfa 3 / 3");
}

#[tokio::test]
async fn the_csv_holds_the_filtered_rows_and_the_export_is_audited() {
    let app = spawn_org().await;
    varied_rows(&app);
    let admin = app.login_admin().await;
    let page = admin
        .get(&format!("/yonetim/denetim?birim={}", app.unit_b))
        .await;
    let href = format!("/yonetim/denetim.csv?birim={}", app.unit_b);
    assert!(
        page.body.contains(&format!("href=\"{href}\"")),
        "{}",
        page.body
    );
    let bytes = admin.get_bytes(&href).await;
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "Kayıt No",
            "Zaman",
            "Kim",
            "E-posta",
            "İşlem",
            "İşlem kodu",
            "Hedef",
            "Hedef kodu",
            "Ayrıntı",
            "IP / kaynak"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let details: Vec<&str> = rows.iter().map(|r| &r[8]).collect();
    assert_eq!(
        details,
        ["B personeli", "B talebi"],
        "newest first, unit B only"
    );
    let staff = &rows[0];
    assert_eq!(&staff[1], "21.11.2026 13:00:00");
    assert_eq!(&staff[2], "Diğer Sorumlu");
    assert_eq!(&staff[3], "diger@kurum.gov.tr");
    assert_eq!(&staff[4], "Personel kaydı güncellendi");
    assert_eq!(&staff[5], "staff.updated");
    assert!(staff[6].starts_with("Personel #"), "{:?}", staff);
    assert_eq!(
        app.count(&format!(
            "audit_log WHERE action = 'export.audit' AND detail = '2 satır, CSV; birim: {}'",
            "Kadıköy Kaymakamlığı"
        )),
        1
    );
}
