//! Running the portal: an online backup under write load that restores to a
//! verified database, and the schema check before serving.

use std::process::Command;

use crate::helpers::{spawn_world, test_vars};

/// Runs the built binary with the tests' configuration on `database_url`:
/// (exit code, standard output + error).
fn mobilimza(database_url: &str, args: &[&str]) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mobilimza"));
    cmd.args(args)
        .env_remove("AUDIT_KEY")
        .env_remove("BASE_URL")
        .env("RUST_LOG", "warn");
    for (k, v) in test_vars(database_url) {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run mobilimza");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// Officers keep submitting while `mobilimza backup` copies the live file;
/// the copy restores (with its checks) to a database whose audit chain
/// verifies and which holds every request acknowledged before the backup
/// began.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_under_write_load_restores_to_a_verified_database() {
    if crate::helpers::backend().is_some() {
        eprintln!("backup/restore is SQLite's; PostgreSQL uses pg_dump (skipped)");
        return;
    }
    let w = spawn_world().await;
    let staff: Vec<i32> = (0..60)
        .map(|n| {
            w.app.add_staff(
                w.app.unit_a,
                500 + n,
                "Yük",
                &format!("Testi{n}"),
                &format!("y{n}@kurum.gov.tr"),
            )
        })
        .collect();
    let submit = |n: usize, id: i32| {
        let officer = w.officer.clone();
        async move {
            let (person, token) = (id.to_string(), format!("yedek-yuk-testi-{n:06}"));
            let fields = [
                ("personel", person.as_str()),
                ("token", token.as_str()),
                ("reason", "ilk_basvuru"),
                ("kvkk", "on"),
                ("gonder", "1"),
            ];
            officer.post("/talepler/yeni", &fields).await.status
        }
    };
    // The first 20 are acknowledged before the backup starts.
    for (n, id) in staff[..20].iter().enumerate() {
        assert_eq!(submit(n, *id).await, 303);
    }
    let dir = tempfile::tempdir().expect("dir");
    let copy = dir.path().join("yedek.db");
    let load = futures_util::future::join_all(
        staff[20..]
            .iter()
            .enumerate()
            .map(|(n, id)| submit(n + 20, *id)),
    );
    let url = w.app.database_url();
    let copy_arg = copy.display().to_string();
    let backup = tokio::task::spawn_blocking(move || mobilimza(&url, &["backup", &copy_arg]));
    let (statuses, backup) = tokio::join!(load, backup);
    let (code, out) = backup.expect("backup task");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Yedek alındı:"), "{out}");
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");

    let restored = dir.path().join("geri.db");
    let restored_url = format!("sqlite://{}", restored.display());
    let (code, out) = mobilimza(&restored_url, &["restore", &copy.display().to_string()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("denetim zinciri sağlam"), "{out}");
    let (code, out) = mobilimza(&restored_url, &["audit-verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Denetim kaydı sağlam"), "{out}");
    let in_copy = {
        use diesel::prelude::*;
        let mut conn = diesel::SqliteConnection::establish(&restored.display().to_string())
            .expect("open restored");
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let sql = format!(
            "SELECT COUNT(*) AS n FROM requests WHERE staff_id IN ({})",
            staff[..20]
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(",")
        );
        diesel::sql_query(sql)
            .get_result::<N>(&mut conn)
            .expect("count")
            .n
    };
    assert_eq!(in_copy, 20, "every request acknowledged before the backup");

    // A restore over an existing database needs --force and keeps the old one.
    let (code, out) = mobilimza(&restored_url, &["restore", &copy.display().to_string()]);
    assert_ne!(code, 0);
    assert!(out.contains("--force"), "{out}");
    let (code, out) = mobilimza(
        &restored_url,
        &["restore", "--force", &copy.display().to_string()],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Önceki veritabanı saklandı"), "{out}");
    // A damaged backup replaces nothing.
    let bad = dir.path().join("bozuk.db");
    std::fs::write(&bad, b"SQLite format 3\0 but not really").expect("write");
    let (code, out) = mobilimza(
        &restored_url,
        &["restore", "--force", &bad.display().to_string()],
    );
    assert_ne!(code, 0, "{out}");
}

/// `migrate --check` says behind, current or ahead; a database ahead of the
/// binary is not served.
#[test]
fn the_schema_check_says_behind_current_or_ahead() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("portal.db").display());
    let (code, out) = mobilimza(&url, &["migrate", "--check"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Veritabanı geride"), "{out}");
    assert_eq!(mobilimza(&url, &["migrate"]).0, 0);
    let (code, out) = mobilimza(&url, &["migrate", "--check"]);
    assert_eq!((code, out.trim()), (0, "Veritabanı güncel."));
    {
        use diesel::prelude::*;
        let mut conn = diesel::SqliteConnection::establish(
            &dir.path().join("portal.db").display().to_string(),
        )
        .expect("open");
        diesel::sql_query(
            "INSERT INTO __diesel_schema_migrations (version) VALUES ('29991231000000')",
        )
        .execute(&mut conn)
        .expect("a newer migration");
    }
    let (code, out) = mobilimza(&url, &["migrate", "--check"]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("29991231000000"), "{out}");
    let (code, out) = mobilimza(&url, &["serve"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("bu sürümden yeni"), "{out}");
}

/// Three instances starting together on one empty PostgreSQL database: the
/// migrations run once (an advisory lock), every instance starts.
#[test]
fn migrations_run_once_when_instances_start_together() {
    let Some(admin) = crate::helpers::backend() else {
        eprintln!(
            "concurrent migrations: PostgreSQL only (SQLite is one instance per file), skipped"
        );
        return;
    };
    let url = mobilimza::config::DatabaseUrl::Postgres(crate::helpers::pg_empty_database(&admin));
    let applied: Vec<usize> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..3)
            .map(|_| {
                s.spawn(|| {
                    let mut conn = mobilimza::db::connect(&url).expect("connect");
                    mobilimza::db::run_migrations(&mut conn).expect("migrate")
                })
            })
            .collect();
        runs.into_iter()
            .map(|r| r.join().expect("thread"))
            .collect()
    });
    let mut conn = mobilimza::db::connect(&url).expect("connect");
    assert_eq!(
        mobilimza::db::migration_state(&mut conn).expect("state"),
        mobilimza::db::MigrationState::Current
    );
    let total: usize = applied.iter().sum();
    assert_eq!(applied.iter().filter(|n| **n > 0).count(), 1, "{applied:?}");
    assert!(total > 5, "{applied:?}");
}

/// 16 officers' tabs submitting 400 requests at once: every one answered
/// 303 (no "database is locked" reaches anyone), every one stored once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_submissions_lose_and_double_nothing() {
    let w = spawn_world().await;
    let staff: Vec<i32> = (0..400)
        .map(|n| {
            w.app.add_staff(
                w.app.unit_a,
                3_000 + n,
                "Eşzamanlı",
                &format!("Kişi{n}"),
                &format!("e{n}@kurum.gov.tr"),
            )
        })
        .collect();
    let started = std::time::Instant::now();
    let mut lanes = tokio::task::JoinSet::new();
    for lane in 0..16 {
        let officer = w.officer.clone();
        let mine: Vec<i32> = staff.iter().copied().skip(lane).step_by(16).collect();
        lanes.spawn(async move {
            let mut statuses = Vec::new();
            for id in mine {
                let (person, token) = (id.to_string(), format!("eszamanli-{id:08}"));
                let fields = [
                    ("personel", person.as_str()),
                    ("token", token.as_str()),
                    ("reason", "ilk_basvuru"),
                    ("kvkk", "on"),
                    ("gonder", "1"),
                ];
                statuses.push(officer.post("/talepler/yeni", &fields).await.status);
            }
            statuses
        });
    }
    let mut statuses = Vec::new();
    while let Some(lane) = lanes.join_next().await {
        statuses.extend(lane.expect("lane"));
    }
    let stored = w.app.count("requests");
    let doubled = w
        .app
        .count("(SELECT staff_id FROM requests GROUP BY staff_id HAVING COUNT(*) > 1) AS d");
    println!(
        "concurrent submissions: {} sent by 16 tabs in {:?}, {} answered 303, {stored} stored, \
         lost {}, doubled {doubled}",
        statuses.len(),
        started.elapsed(),
        statuses.iter().filter(|s| **s == 303).count(),
        400 - stored
    );
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!((stored, doubled), (400, 0));
}

/// Two instances on one PostgreSQL database: while one runs a scheduled
/// job's step, the other's tick skips it (the job runs once, not twice).
#[test]
fn a_job_step_runs_in_one_instance_at_a_time() {
    let Some(admin) = crate::helpers::backend() else {
        eprintln!("job lock: PostgreSQL only (SQLite serves one instance per file), skipped");
        return;
    };
    use mobilimza::service::maintenance::exclusively;
    let url = mobilimza::config::DatabaseUrl::Postgres(crate::helpers::pg_empty_database(&admin));
    let mut first = mobilimza::db::connect(&url).expect("connect");
    let mut second = mobilimza::db::connect(&url).expect("connect");
    let outer = exclusively(&mut first, "billing", |_| {
        let inner = exclusively(&mut second, "billing", |_| Ok("twice")).expect("second");
        assert_eq!(inner, None, "the other instance skips the step");
        let other_job = exclusively(&mut second, "expiry", |_| Ok("other")).expect("other job");
        assert_eq!(other_job, Some("other"), "another job is not held up");
        Ok("once")
    })
    .expect("first");
    assert_eq!(outer, Some("once"));
    let after = exclusively(&mut second, "billing", |_| Ok("next tick")).expect("after");
    assert_eq!(after, Some("next tick"), "released after the step");
}
