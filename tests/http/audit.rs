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
