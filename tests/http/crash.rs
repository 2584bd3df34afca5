//! Crash safety and the single-instance rule, against the real binary: a
//! server killed with SIGKILL in the middle of a write load loses no
//! acknowledged request and leaves nothing half-written; a second server on
//! the same SQLite file refuses to start.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mobilimza::domain::role::Role;

use crate::helpers::{Browser, Org, PASSWORD, spawn_org, test_vars};

/// `mobilimza serve` on the organisation's database, on a free port.
fn start_server(org: &Org) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mobilimza"));
    cmd.arg("serve")
        .env_remove("AUDIT_KEY")
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("BASE_URL", &base)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in test_vars(&org.database_url()) {
        cmd.env(k, v);
    }
    (cmd.spawn().expect("start mobilimza serve"), base)
}

async fn wait_until_up(base: &str) {
    for _ in 0..200 {
        if let Ok(r) = reqwest::get(format!("{base}/healthz")).await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not come up at {base}");
}

async fn officer_on(base: &str) -> Browser {
    let b = Browser::new(base);
    assert_eq!(
        b.login(Org::email(Role::Officer), PASSWORD).await.status,
        303
    );
    b
}

fn scalar(org: &Org, sql: &str) -> i64 {
    org.count(sql)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sigkill_mid_load_loses_no_acknowledged_request() {
    if crate::helpers::backend().is_some() {
        eprintln!("SIGKILL test: run on SQLite (the embedded default), skipped on PostgreSQL");
        return;
    }
    let org = spawn_org().await;
    let staff: Vec<i32> = (0..400)
        .map(|n| {
            org.add_staff(
                org.unit_a,
                2_000 + n,
                "Çökme",
                &format!("Testi{n}"),
                &format!("c{n}@kurum.gov.tr"),
            )
        })
        .collect();
    let (mut server, base) = start_server(&org);
    wait_until_up(&base).await;
    let officer = officer_on(&base).await;

    // 16 officers' tabs submit one request after another; each 303 is an
    // acknowledgement the portal must keep.
    let acked = Arc::new(Mutex::new(Vec::new()));
    let mut load = tokio::task::JoinSet::new();
    for lane in 0..16 {
        let (officer, acked) = (officer.clone(), acked.clone());
        let mine: Vec<i32> = staff.iter().copied().skip(lane).step_by(16).collect();
        load.spawn(async move {
            for id in mine {
                let (person, token) = (id.to_string(), format!("cokme-testi-{id:08}"));
                let fields = [
                    ("personel", person.as_str()),
                    ("token", token.as_str()),
                    ("reason", "ilk_basvuru"),
                    ("kvkk", "on"),
                    ("gonder", "1"),
                ];
                match officer.try_post("/talepler/yeni", &fields).await {
                    Some(303) => acked.lock().expect("lock").push(id),
                    Some(_) | None => return,
                }
            }
        });
    }
    // Let the load run, then pull the plug.
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if acked.lock().expect("lock").len() >= 60 {
            break;
        }
    }
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    while load.join_next().await.is_some() {}
    let acked = acked.lock().expect("lock").clone();

    let (mut server, base) = start_server(&org);
    wait_until_up(&base).await;
    let found = acked
        .iter()
        .filter(|id| scalar(&org, &format!("requests WHERE staff_id = {id}")) == 1)
        .count();
    let doubled = scalar(
        &org,
        "(SELECT staff_id FROM requests GROUP BY staff_id HAVING COUNT(*) > 1) AS d",
    );
    let without_history = scalar(
        &org,
        "requests r WHERE NOT EXISTS (SELECT 1 FROM request_history h WHERE h.request_id = r.id)",
    );
    let outbox_doubled = scalar(
        &org,
        "(SELECT dedupe_key FROM outbox WHERE dedupe_key IS NOT NULL GROUP BY dedupe_key HAVING COUNT(*) > 1) AS d",
    );
    println!(
        "SIGKILL mid-load: {} acknowledged, {found} found after restart, lost {}, doubled {doubled}, \
         without history {without_history}, outbox doubled {outbox_doubled} ({} requests in all)",
        acked.len(),
        acked.len() - found,
        scalar(&org, "requests")
    );
    assert!(acked.len() >= 60);
    assert_eq!(found, acked.len(), "every acknowledged request is there");
    assert_eq!((doubled, without_history, outbox_doubled), (0, 0, 0));
    // The restarted server serves the officer again.
    let officer = officer_on(&base).await;
    assert_eq!(officer.get("/talepler").await.status, 200);
    server.kill().expect("stop");
    let _ = server.wait();
}

#[tokio::test]
async fn a_second_server_on_the_same_sqlite_file_refuses_to_start() {
    if crate::helpers::backend().is_some() {
        eprintln!("single-instance rule: SQLite only, skipped on PostgreSQL");
        return;
    }
    let org = spawn_org().await;
    let (mut first, base) = start_server(&org);
    wait_until_up(&base).await;
    let (second, _) = start_server(&org);
    let out = second.wait_with_output().expect("second server");
    assert_eq!(out.status.code(), Some(2));
    first.kill().expect("stop");
    let _ = first.wait();
}

/// SIGTERM in the middle of a write load: the server stops accepting, lets
/// the requests in flight finish and exits 0; every acknowledged request is
/// there and nothing is half-written.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_mid_load_finishes_in_flight_work_and_exits_cleanly() {
    if crate::helpers::backend().is_some() {
        eprintln!("SIGTERM test: run on SQLite, skipped on PostgreSQL");
        return;
    }
    let org = spawn_org().await;
    let staff: Vec<i32> = (0..200)
        .map(|n| {
            org.add_staff(
                org.unit_a,
                4_000 + n,
                "Kapanış",
                &format!("Testi{n}"),
                &format!("k{n}@kurum.gov.tr"),
            )
        })
        .collect();
    let (mut server, base) = start_server(&org);
    wait_until_up(&base).await;
    let officer = officer_on(&base).await;
    let acked = Arc::new(Mutex::new(Vec::new()));
    let mut load = tokio::task::JoinSet::new();
    for lane in 0..8 {
        let (officer, acked) = (officer.clone(), acked.clone());
        let mine: Vec<i32> = staff.iter().copied().skip(lane).step_by(8).collect();
        load.spawn(async move {
            for id in mine {
                let (person, token) = (id.to_string(), format!("kapanis-testi-{id:08}"));
                let fields = [
                    ("personel", person.as_str()),
                    ("token", token.as_str()),
                    ("reason", "ilk_basvuru"),
                    ("kvkk", "on"),
                    ("gonder", "1"),
                ];
                match officer.try_post("/talepler/yeni", &fields).await {
                    Some(303) => acked.lock().expect("lock").push(id),
                    _ => return,
                }
            }
        });
    }
    while acked.lock().expect("lock").len() < 30 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let term = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(term.success());
    let exited = tokio::task::spawn_blocking(move || server.wait().expect("wait"))
        .await
        .expect("join");
    while load.join_next().await.is_some() {}
    let acked = acked.lock().expect("lock").clone();
    let found = acked
        .iter()
        .filter(|id| scalar(&org, &format!("requests WHERE staff_id = {id}")) == 1)
        .count();
    let without_history = scalar(
        &org,
        "requests r WHERE NOT EXISTS (SELECT 1 FROM request_history h WHERE h.request_id = r.id)",
    );
    println!(
        "SIGTERM mid-load: exit {:?}, {} acknowledged, {found} found, without history {without_history}",
        exited.code(),
        acked.len()
    );
    assert_eq!(exited.code(), Some(0), "a clean exit");
    assert_eq!(found, acked.len());
    assert_eq!(without_history, 0);
}

/// Two `serve` instances on one PostgreSQL database behind any proxy: a
/// session made on one works on the other, and work alternates between them.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_postgresql_share_sessions_and_work() {
    if crate::helpers::backend().is_none() {
        eprintln!("two instances: PostgreSQL only (SQLite serves one instance per file), skipped");
        return;
    }
    let org = spawn_org().await;
    let staff: Vec<i32> = (0..6)
        .map(|n| {
            org.add_staff(
                org.unit_a,
                5_000 + n,
                "İki",
                &format!("Sunucu{n}"),
                &format!("s{n}@kurum.gov.tr"),
            )
        })
        .collect();
    let (mut one, base_one) = start_server(&org);
    let (mut two, base_two) = start_server(&org);
    wait_until_up(&base_one).await;
    wait_until_up(&base_two).await;
    let on_one = officer_on(&base_one).await;
    let on_two = on_one.at(&base_two);
    for (n, id) in staff.iter().enumerate() {
        let b = if n % 2 == 0 { &on_one } else { &on_two };
        let (person, token) = (id.to_string(), format!("iki-sunucu-{id:08}"));
        let fields = [
            ("personel", person.as_str()),
            ("token", token.as_str()),
            ("reason", "ilk_basvuru"),
            ("kvkk", "on"),
            ("gonder", "1"),
        ];
        assert_eq!(
            b.try_post("/talepler/yeni", &fields).await,
            Some(303),
            "request {n}"
        );
    }
    let list = on_two.get("/talepler").await;
    assert_eq!(
        list.status, 200,
        "the session from the first instance works on the second"
    );
    assert!(list.body.contains("Sunucu5"), "{}", list.body);
    assert_eq!(scalar(&org, "requests"), 6);
    one.kill().expect("stop");
    two.kill().expect("stop");
    let _ = (one.wait(), two.wait());
}

/// The database server drops every connection (a restart, a failover): the
/// pool notices. A connection is pinged at checkout unless it worked within
/// the last second, so after that second the next view works at once; a view
/// inside that second may get the error page, and the dead connection is
/// then replaced.
#[tokio::test]
async fn pages_work_again_after_postgresql_drops_every_connection() {
    if crate::helpers::backend().is_none() {
        eprintln!("dropped connections: PostgreSQL only, skipped");
        return;
    }
    let org = spawn_org().await;
    let reviewer = org.login_reviewer().await;
    assert_eq!(reviewer.get("/inceleme").await.status, 200);
    let url = match &org.state.config.database {
        mobilimza::config::DatabaseUrl::Postgres(url) => url.clone(),
        mobilimza::config::DatabaseUrl::Sqlite(_) => unreachable!("PostgreSQL run"),
    };
    let drop_every_connection = || {
        use diesel::prelude::*;
        let mut outside = diesel::PgConnection::establish(&url).expect("connect");
        let dropped: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "(SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid())",
        ))
        .get_result(&mut outside)
        .expect("terminate");
        assert!(dropped > 0, "the portal had open connections");
    };

    drop_every_connection();
    std::thread::sleep(Duration::from_millis(1_100));
    let page = reviewer.get("/inceleme").await;
    assert_eq!(page.status, 200, "{}", page.body);

    // Right away: at most one error page per dropped connection, then the
    // pages work again.
    drop_every_connection();
    let mut errors = 0;
    let page = loop {
        let page = reviewer.get("/inceleme").await;
        if page.status == 200 || errors > 10 {
            break page;
        }
        assert_eq!(page.status, 500);
        assert!(
            page.body.contains("Beklenmeyen bir hata oluştu"),
            "{}",
            page.body
        );
        errors += 1;
    };
    assert_eq!(
        page.status, 200,
        "after {errors} error pages: {}",
        page.body
    );
    for _ in 0..5 {
        assert_eq!(reviewer.get("/inceleme").await.status, 200);
    }
}
