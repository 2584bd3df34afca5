//! E-mail: the outbox rows each change writes, delivery with retries, the
//! reviewers' digest, the admin page, two workers on one PostgreSQL
//! database, and one walk against a real SMTP server (aiosmtpd).

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use mobilimza::clock::Clock;
use mobilimza::jobs::mail::deliver_due;
use mobilimza::mailer::{Mailer, Sent};

use crate::helpers::{
    OFFICER_A_EMAIL, REVIEWER_EMAIL, STAFF_EMAIL, STAFF_NAME, World, spawn_world_with,
};

const LONG_SESSIONS: [(&str, &str); 2] = [
    ("SESSION_IDLE_MINUTES", "1440"),
    ("SESSION_MAX_HOURS", "48"),
];

async fn world() -> World {
    spawn_world_with(&LONG_SESSIONS).await
}

fn form_token(body: &str) -> String {
    let marker = "name=\"token\" value=\"";
    let s = body.find(marker).expect("token") + marker.len();
    body[s..s + body[s..].find('"').expect("end")].to_owned()
}

/// Files and submits a request for the world's staff member; its id.
async fn file_submitted(w: &World) -> i32 {
    let staff = w.staff.to_string();
    let form = w
        .officer
        .get(&format!("/talepler/yeni?personel={staff}"))
        .await;
    let token = form_token(&form.body);
    let r = w
        .officer
        .post(
            "/talepler/yeni",
            &[
                ("token", &token),
                ("personel", &staff),
                ("reason", "ilk_basvuru"),
                ("note", "Yeni atama"),
                ("kvkk", "on"),
                ("gonder", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    r.location
        .as_deref()
        .and_then(|l| l.strip_prefix("/talep/"))
        .and_then(|s| s.parse().ok())
        .expect("redirect to /talep/ID")
}

async fn ok(who: &crate::helpers::Browser, id: i32, fields: &[(&str, &str)]) {
    let r = who.act(id, fields).await;
    assert_eq!(r.status, 303, "{fields:?}: {}", r.body);
}

/// Forwards a request in a new batch, as the queue's bulk form does.
async fn forward(w: &World, id: i32) {
    let version = w.reviewer.get(&format!("/talep/{id}")).await.version();
    let r = w
        .reviewer
        .post(
            "/inceleme/toplu",
            &[
                ("action", "batch"),
                ("sec", &format!("{id}:{version}")),
                ("geri", "/inceleme"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

/// submit → approve → forward → form steps → SMS (12:00 Istanbul), then six
/// hours later produce → activate.
async fn walk(w: &World) -> i32 {
    let id = file_submitted(w).await;
    ok(&w.reviewer, id, &[("action", "approve")]).await;
    forward(w, id).await;
    ok(&w.reviewer, id, &[("action", "form_emailed")]).await;
    ok(&w.officer, id, &[("action", "form_signed")]).await;
    ok(
        &w.officer,
        id,
        &[
            ("action", "docs_sent"),
            ("docs_way", "kep"),
            ("docs_ref", "KEP-1"),
            ("docs_date", "2026-11-23"),
        ],
    )
    .await;
    ok(&w.reviewer, id, &[("action", "docs_received")]).await;
    ok(
        &w.reviewer,
        id,
        &[("action", "sms"), ("sms_at", "2026-11-23T12:00")],
    )
    .await;
    w.app.clock.advance(Duration::hours(6));
    ok(
        &w.reviewer,
        id,
        &[("action", "produce"), ("serial", "KSM-1")],
    )
    .await;
    ok(&w.reviewer, id, &[("action", "activate")]).await;
    id
}

/// The subjects each recipient is expected to get from [`walk`].
fn walk_expected(id: i32) -> Vec<(String, String)> {
    let mut v = vec![
        (
            REVIEWER_EMAIL.to_owned(),
            "İnceleme bekleyen talepler: 1".to_owned(),
        ),
        (
            OFFICER_A_EMAIL.to_owned(),
            format!("Talep #{id} onaylandı: {STAFF_NAME}"),
        ),
        (
            STAFF_EMAIL.to_owned(),
            format!("Mobil imza başvurunuz Kamu SM'ye iletildi (talep #{id})"),
        ),
        (
            STAFF_EMAIL.to_owned(),
            format!("NES SMS beklemesi başladı (talep #{id})"),
        ),
        (
            STAFF_EMAIL.to_owned(),
            format!("Mobil imza sertifikanız üretildi (talep #{id})"),
        ),
        (
            STAFF_EMAIL.to_owned(),
            format!("Mobil imzanız etkinleştirildi (talep #{id})"),
        ),
    ];
    v.sort();
    v
}

fn pairs(sent: &[Sent]) -> Vec<(String, String)> {
    let mut v: Vec<_> = sent
        .iter()
        .map(|s| (s.to.clone(), s.subject.clone()))
        .collect();
    v.sort();
    v
}

async fn deliver(w: &World, mailer: &Mailer) -> usize {
    deliver_due(&w.app.state.pool, w.app.clock.as_ref(), mailer)
        .await
        .expect("deliver")
}

#[tokio::test]
async fn a_walk_queues_each_message_for_its_recipient() {
    let w = world().await;
    let id = walk(&w).await;
    // The digest waits for the end of its hour (10:00 UTC); the clock is
    // past it after the 6-hour hold.
    let mailer = Mailer::memory();
    assert_eq!(deliver(&w, &mailer).await, 6);
    let sent = mailer.sent();
    assert_eq!(pairs(&sent), walk_expected(id));
    let forwarded = sent
        .iter()
        .find(|s| s.subject.contains("Kamu SM'ye iletildi"))
        .expect("forwarded mail");
    for line in [
        "e-İmzanızla imzalayın",
        "6 saat",
        "yalnızca bir operatörde",
        "taşıma",
        "ayda 4 TL",
        &format!("http://127.0.0.1:8080/talep/{id}"),
    ] {
        assert!(forwarded.text.contains(line), "{line}: {}", forwarded.text);
    }
    let hold = sent
        .iter()
        .find(|s| s.subject.contains("NES SMS"))
        .expect("hold mail");
    assert!(
        hold.text.contains("en erken 23.11.2026 18:00"),
        "{}",
        hold.text
    );
    // Nothing is sent twice.
    assert_eq!(deliver(&w, &mailer).await, 0);
    assert_eq!(w.app.count("outbox WHERE sent_at IS NULL"), 0);
}

#[tokio::test]
async fn return_and_reject_tell_the_officer_the_note() {
    let w = world().await;
    let id = file_submitted(&w).await;
    ok(
        &w.reviewer,
        id,
        &[("action", "return"), ("note", "İmza sirküleri eksik")],
    )
    .await;
    let mailer = Mailer::memory();
    deliver(&w, &mailer).await;
    let sent = mailer.sent();
    let returned = sent
        .iter()
        .find(|s| s.subject.contains("iade edildi"))
        .expect("return mail");
    assert_eq!(returned.to, OFFICER_A_EMAIL);
    assert!(returned.text.contains("İade notu: İmza sirküleri eksik"));

    let other = w
        .app
        .add_staff(w.app.unit_a, 77, "Şule", "Güneş", "sule@kurum.gov.tr");
    let id2 = w.app.add_request(
        other,
        mobilimza::domain::workflow::State::Submitted,
        w.app.officer_a,
    );
    ok(
        &w.reviewer,
        id2,
        &[("action", "reject"), ("note", "Kadro dışı personel")],
    )
    .await;
    deliver(&w, &mailer).await;
    let rejected = mailer
        .sent()
        .into_iter()
        .find(|s| s.subject == format!("Talep #{id2} reddedildi: Şule Güneş"))
        .expect("reject mail");
    assert!(rejected.text.contains("Ret gerekçesi: Kadro dışı personel"));
    assert_eq!(rejected.to, OFFICER_A_EMAIL);
}

#[tokio::test]
async fn the_digest_is_one_per_reviewer_and_hour_and_can_be_turned_off() {
    let w = world().await;
    file_submitted(&w).await;
    let other = w
        .app
        .add_staff(w.app.unit_a, 78, "Oğuz", "Çakır", "oguz@kurum.gov.tr");
    let staff = other.to_string();
    let form = w
        .officer
        .get(&format!("/talepler/yeni?personel={staff}"))
        .await;
    let r = w
        .officer
        .post(
            "/talepler/yeni",
            &[
                ("token", &form_token(&form.body)),
                ("personel", &staff),
                ("reason", "ilk_basvuru"),
                ("kvkk", "on"),
                ("gonder", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(w.app.count("outbox WHERE kind = 'digest'"), 1);
    let mailer = Mailer::memory();
    assert_eq!(deliver(&w, &mailer).await, 0, "not before the hour ends");
    w.app.clock.advance(Duration::hours(1));
    deliver(&w, &mailer).await;
    let sent = mailer.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].subject, "İnceleme bekleyen talepler: 2");
    assert!(sent[0].text.contains("Oğuz Çakır") && sent[0].text.contains(STAFF_NAME));

    // Turned off on the account page: the next hour brings none.
    let page = w.reviewer.get("/hesap/parola").await;
    assert!(
        page.body.contains("İnceleme bekleyen yeni talepler"),
        "{}",
        page.body
    );
    let r = w.reviewer.post("/hesap/eposta", &[("ozet", "0")]).await;
    assert_eq!(r.status, 303);
    let third = w
        .app
        .add_staff(w.app.unit_a, 79, "Ece", "Işık", "ece@kurum.gov.tr");
    let id = w.app.add_request(
        third,
        mobilimza::domain::workflow::State::Returned,
        w.app.officer_a,
    );
    ok(
        &w.officer,
        id,
        &[
            ("action", "submit"),
            ("reason", "ilk_basvuru"),
            ("kvkk", "on"),
        ],
    )
    .await;
    assert_eq!(w.app.count("outbox WHERE kind = 'digest'"), 1);
}

#[tokio::test]
async fn an_outage_delays_mail_and_loses_none() {
    let w = world().await;
    let id = file_submitted(&w).await;
    ok(&w.reviewer, id, &[("action", "approve")]).await;
    forward(&w, id).await;
    let mailer = Mailer::memory();
    mailer.set_down(true);
    assert_eq!(deliver(&w, &mailer).await, 2);
    assert_eq!(
        w.app
            .count("outbox WHERE attempts = 1 AND last_error IS NOT NULL"),
        2
    );
    // Not due again until the backoff has passed.
    assert_eq!(deliver(&w, &mailer).await, 0);
    mailer.set_down(false);
    w.app.clock.advance(Duration::minutes(2));
    assert_eq!(deliver(&w, &mailer).await, 2);
    w.app.clock.advance(Duration::hours(2));
    deliver(&w, &mailer).await;
    let mut subjects: Vec<String> = mailer.sent().into_iter().map(|s| s.subject).collect();
    subjects.sort();
    let before = subjects.len();
    subjects.dedup();
    assert_eq!(before, subjects.len(), "each message once");
    assert_eq!(subjects.len(), 3, "{subjects:?}");
    assert_eq!(w.app.count("outbox WHERE sent_at IS NULL"), 0);
}

#[tokio::test]
async fn mail_fails_after_eight_attempts_and_an_admin_resends_it() {
    let w = world().await;
    let id = file_submitted(&w).await;
    ok(&w.reviewer, id, &[("action", "approve")]).await;
    let mailer = Mailer::memory();
    mailer.set_down(true);
    // Nine rounds an hour apart: the digest, due an hour later, gets its
    // eighth attempt in the last.
    for _ in 0..9 {
        deliver(&w, &mailer).await;
        w.app.clock.advance(Duration::minutes(61));
    }
    // The digest (due at the hour) and the approval both gave up.
    assert_eq!(
        w.app
            .count("outbox WHERE failed_at IS NOT NULL AND attempts = 8"),
        2
    );
    let admin = w.app.login_admin().await;
    let page = admin.get("/yonetim/eposta").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Gönderilemeyen: 2"), "{}", page.body);
    assert!(page.body.contains("Yeniden gönder"));
    assert_eq!(w.officer.get("/yonetim/eposta").await.status, 403);
    let failed: i64 = w.app.count("outbox WHERE kind = 'approved'");
    assert_eq!(failed, 1);
    let row = outbox_id(&w, "approved");
    let r = admin
        .post("/yonetim/eposta", &[("id", &row.to_string())])
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(w.app.count("audit_log WHERE action = 'mail.resend'"), 1);
    mailer.set_down(false);
    deliver(&w, &mailer).await;
    assert_eq!(mailer.sent().len(), 1);
    assert_eq!(mailer.sent()[0].to, OFFICER_A_EMAIL);
}

fn outbox_id(w: &World, kind: &str) -> i32 {
    use diesel::prelude::*;
    use mobilimza::db::schema::outbox;
    outbox::table
        .filter(outbox::kind.eq(kind))
        .select(outbox::id)
        .first(&mut w.app.conn())
        .expect("outbox row")
}

#[tokio::test]
async fn two_workers_on_one_postgres_database_send_each_message_once() {
    if crate::helpers::backend().is_none() {
        eprintln!(
            "two_workers_on_one_postgres_database: PostgreSQL only (SKIP LOCKED); skipped on SQLite"
        );
        return;
    }
    let w = world().await;
    let ids: Vec<i32> = (0..60)
        .map(|n| {
            let s = w.app.add_staff(
                w.app.unit_a,
                100 + n,
                "Ali",
                "Kaya",
                &format!("ali{n}@kurum.gov.tr"),
            );
            w.app.add_request(
                s,
                mobilimza::domain::workflow::State::Submitted,
                w.app.officer_a,
            )
        })
        .collect();
    for id in &ids {
        ok(&w.reviewer, *id, &[("action", "approve")]).await;
    }
    assert_eq!(w.app.count("outbox WHERE kind = 'approved'"), 60);
    let a = Arc::new(Mailer::memory());
    let b = Arc::new(Mailer::memory());
    // A second pool: another instance of the portal on the same database.
    let other_pool = mobilimza::db::open(&w.app.state.config.database).expect("pool");
    let clock = w.app.clock.clone();
    let (ra, rb) = tokio::join!(
        deliver_due(&w.app.state.pool, clock.as_ref(), &a),
        deliver_due(&other_pool, clock.as_ref(), &b),
    );
    let total = ra.expect("worker a") + rb.expect("worker b");
    assert_eq!(total, 60);
    let mut all: Vec<i32> = a
        .sent()
        .iter()
        .chain(b.sent().iter())
        .map(|s| s.outbox_id)
        .collect();
    all.sort_unstable();
    let n = all.len();
    all.dedup();
    assert_eq!(n, all.len(), "a message was sent twice");
    assert_eq!(n, 60);
    println!(
        "two workers: {} and {} messages",
        a.sent().len(),
        b.sent().len()
    );
}

// ------------------------------------------------------------ real SMTP

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// `python3 -m aiosmtpd` with the sink handler of `tests/smtp_sink.py`.
struct SmtpSink {
    child: Child,
}

impl SmtpSink {
    fn start(port: u16, folder: &Path) -> Self {
        let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "smtp_sink.Sink"])
            .arg(folder)
            .env("PYTHONPATH", tests)
            .spawn()
            .expect("start python3 -m aiosmtpd");
        let deadline = Instant::now() + StdDuration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start");
            std::thread::sleep(StdDuration::from_millis(100));
        }
        Self { child }
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn aiosmtpd_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "aiosmtpd is missing (python3 -m pip install aiosmtpd)"
        );
        eprintln!("aiosmtpd missing: the real-SMTP mail test is skipped");
    }
    ok
}

/// `(recipient, decoded subject)` of every message the sink received.
fn received(folder: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(folder).expect("sink folder") {
        let path: PathBuf = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let meta: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
            for to in meta["to"].as_array().expect("to") {
                out.push((
                    to.as_str().expect("str").to_owned(),
                    meta["subject"].as_str().expect("subject").to_owned(),
                ));
            }
        }
    }
    out.sort();
    out
}

async fn wait_for(folder: &Path, n: usize) -> Vec<(String, String)> {
    let deadline = Instant::now() + StdDuration::from_secs(30);
    loop {
        let got = received(folder);
        if got.len() >= n || Instant::now() > deadline {
            // A little longer: anything sent twice would show now.
            tokio::time::sleep(StdDuration::from_millis(700)).await;
            return received(folder);
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_walk_through_a_real_smtp_server_survives_an_outage() {
    if !aiosmtpd_available() {
        return;
    }
    let port = free_port();
    let dir = tempfile::tempdir().expect("dir");
    let port_s = port.to_string();
    let mut vars = LONG_SESSIONS.to_vec();
    vars.extend([
        ("SMTP_HOST", "127.0.0.1"),
        ("SMTP_PORT", port_s.as_str()),
        ("SMTP_SECURITY", "none"),
        ("SMTP_FROM", "Mobil İmza Portalı <mobilimza@kurum.gov.tr>"),
    ]);
    let w = spawn_world_with(&vars).await;
    let mailer = Arc::new(Mailer::from_config(&w.app.state.config).expect("smtp mailer"));
    let clock: Arc<dyn Clock> = w.app.clock.clone();
    let worker = mobilimza::jobs::mail::spawn(
        w.app.state.pool.clone(),
        clock,
        mailer,
        StdDuration::from_millis(100),
    );

    // The server is down while the first steps happen.
    let id = file_submitted(&w).await;
    ok(&w.reviewer, id, &[("action", "approve")]).await;
    forward(&w, id).await;
    tokio::time::sleep(StdDuration::from_millis(600)).await;
    assert!(
        w.app.count("outbox WHERE attempts > 0 AND sent_at IS NULL") >= 2,
        "attempts were made during the outage"
    );
    let sink = SmtpSink::start(port, dir.path());
    w.app.clock.advance(Duration::minutes(5));
    let got = wait_for(dir.path(), 2).await;
    assert_eq!(got.len(), 2, "{got:?}");

    // The rest of the walk with the server up.
    ok(&w.reviewer, id, &[("action", "form_emailed")]).await;
    ok(&w.officer, id, &[("action", "form_signed")]).await;
    ok(
        &w.officer,
        id,
        &[
            ("action", "docs_sent"),
            ("docs_way", "kep"),
            ("docs_ref", "KEP-1"),
            ("docs_date", "2026-11-23"),
        ],
    )
    .await;
    ok(&w.reviewer, id, &[("action", "docs_received")]).await;
    ok(
        &w.reviewer,
        id,
        &[("action", "sms"), ("sms_at", "2026-11-23T12:00")],
    )
    .await;
    w.app.clock.advance(Duration::hours(6));
    ok(
        &w.reviewer,
        id,
        &[("action", "produce"), ("serial", "KSM-1")],
    )
    .await;
    ok(&w.reviewer, id, &[("action", "activate")]).await;
    let got = wait_for(dir.path(), 6).await;
    worker.abort();
    sink.stop();
    assert_eq!(got, walk_expected(id));
    let by_to: BTreeMap<&str, usize> = got.iter().fold(BTreeMap::new(), |mut m, (to, _)| {
        *m.entry(to.as_str()).or_default() += 1;
        m
    });
    assert_eq!(by_to.get(STAFF_EMAIL), Some(&4));
    assert_eq!(w.app.count("outbox WHERE sent_at IS NULL"), 0);
}

// ------------------------------------------------------------ password reset

/// The reset link's token from the newest password-reset mail to `to`.
fn reset_token(w: &World, to: &str) -> String {
    use diesel::prelude::*;
    use mobilimza::db::schema::outbox;
    let body: String = outbox::table
        .filter(outbox::kind.eq("password_reset"))
        .filter(outbox::recipient.eq(to))
        .order(outbox::id.desc())
        .select(outbox::body_text)
        .first(&mut w.app.conn())
        .expect("reset mail");
    let start = body.find("/parola-sifirla/").expect("link") + "/parola-sifirla/".len();
    body[start..]
        .split_whitespace()
        .next()
        .expect("token")
        .to_owned()
}

/// The answer of the request form without its CSRF token.
fn answer(page: &crate::helpers::Page) -> String {
    let token = page.csrf().unwrap_or_default();
    page.body.replace(&token, "")
}

#[tokio::test]
async fn password_reset_works_once_expires_and_hints_nothing() {
    let w = world().await;
    let login = w.app.browser().get("/giris").await;
    assert!(login.body.contains("Parolamı unuttum"));
    let anon = w.app.browser();
    let known = anon
        .post("/parola-sifirla", &[("email", " Sef@Kurum.gov.tr ")])
        .await;
    let unknown = anon
        .post("/parola-sifirla", &[("email", "yok@kurum.gov.tr")])
        .await;
    assert_eq!(known.status, 200);
    assert_eq!(known.status, unknown.status);
    assert_eq!(answer(&known), answer(&unknown), "the same answer");
    assert!(known.body.contains("Bu adres portalda bir hesaba aitse"));
    assert_eq!(w.app.count("outbox WHERE kind = 'password_reset'"), 1);
    assert_eq!(w.app.count("password_resets"), 1);
    let token = reset_token(&w, REVIEWER_EMAIL);
    assert_eq!(
        w.app
            .count(&format!("password_resets WHERE token_hash = '{token}'")),
        0,
        "only the hash is stored"
    );

    // The reviewer's open session ends with the reset.
    assert_eq!(w.reviewer.get("/inceleme").await.status, 200);
    let path = format!("/parola-sifirla/{token}");
    let form = anon.get(&path).await;
    assert_eq!(form.status, 200);
    let weak = anon
        .post(&path, &[("new", "kisa"), ("confirm", "kisa")])
        .await;
    assert_eq!(weak.status, 422);
    let new_password = "Yepyeni-Parola-Şubat-2027";
    let r = anon
        .post(&path, &[("new", new_password), ("confirm", new_password)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/giris"));
    let ended = w.reviewer.get("/inceleme").await;
    assert_eq!(ended.status, 303, "the old session is over");
    let b = w.app.browser();
    assert_eq!(b.login(REVIEWER_EMAIL, new_password).await.status, 303);
    assert_eq!(
        w.app
            .browser()
            .login(REVIEWER_EMAIL, crate::helpers::PASSWORD)
            .await
            .status,
        401
    );
    // Once only.
    assert_eq!(anon.get(&path).await.status, 410);
    let again = anon
        .post(
            &path,
            &[
                ("new", "Baska-Parola-Mart-2027"),
                ("confirm", "Baska-Parola-Mart-2027"),
            ],
        )
        .await;
    assert_eq!(again.status, 410);
    assert_eq!(w.app.count("audit_log WHERE action = 'password.reset'"), 1);

    // Expired after 30 minutes.
    anon.post("/parola-sifirla", &[("email", OFFICER_A_EMAIL)])
        .await;
    let token = reset_token(&w, OFFICER_A_EMAIL);
    w.app.clock.advance(Duration::minutes(31));
    assert_eq!(
        anon.get(&format!("/parola-sifirla/{token}")).await.status,
        410
    );
}

#[tokio::test]
async fn password_reset_requests_are_throttled_per_address_without_a_hint() {
    let w = world().await;
    let anon = w.app.browser();
    let mut answers = Vec::new();
    for _ in 0..5 {
        let page = anon
            .post("/parola-sifirla", &[("email", STAFF_EMAIL)])
            .await;
        assert_eq!(page.status, 200);
        answers.push(answer(&page));
    }
    answers.dedup();
    assert_eq!(answers.len(), 1, "every answer is the same");
    assert_eq!(w.app.count("outbox WHERE kind = 'password_reset'"), 3);
    assert_eq!(
        w.app
            .count("audit_log WHERE action = 'password.reset_throttled'"),
        2
    );
    w.app.clock.advance(Duration::minutes(61));
    anon.post("/parola-sifirla", &[("email", STAFF_EMAIL)])
        .await;
    assert_eq!(w.app.count("outbox WHERE kind = 'password_reset'"), 4);
}
