//! Expiry after 3 years, reminders once each at 90/30/7 days, renewal from 3
//! months before expiry, the expiring list, and reconciliation.

use chrono::{Duration, Months, TimeZone, Utc};
use mobilimza::clock::Clock as _;
use mobilimza::db::requests::RequestUpdate;
use mobilimza::domain::workflow::State;
use mobilimza::service::expiry;

use crate::helpers::{Org, spawn_org_with};

async fn setup() -> (Org, i32, i32) {
    let app = spawn_org_with(&[
        ("SESSION_IDLE_MINUTES", "100000000"),
        ("SESSION_MAX_HOURS", "1000000"),
    ])
    .await;
    let staff = app.add_staff_record();
    let produced = Utc
        .with_ymd_and_hms(2026, 1, 15, 9, 0, 0)
        .single()
        .expect("t")
        .naive_utc();
    let id = app.add_request(staff, State::Active, app.officer_a);
    app.set_request(
        id,
        &RequestUpdate {
            produced_at: Some(produced),
            activated_at: Some(produced),
            valid_until: produced.checked_add_months(Months::new(36)),
            ..Default::default()
        },
    );
    (app, staff, id)
}

#[tokio::test]
async fn expiry_exactly_after_three_years_and_each_reminder_once() {
    let (app, _, id) = setup().await;
    let until = app.request(id).valid_until.expect("valid until");
    assert_eq!(until.to_string(), "2029-01-15 09:00:00");
    let run = |at: chrono::NaiveDateTime| {
        app.clock.set(at.and_utc());
        expiry::run(&mut app.conn(), at).expect("job")
    };
    assert_eq!(run(until - Duration::days(91)).reminders, 0);
    // Holder and officer: two notices per threshold, however often it runs.
    assert_eq!(run(until - Duration::days(90)).reminders, 2);
    for _ in 0..5 {
        assert_eq!(
            run(until - Duration::days(90) + Duration::hours(3)).reminders,
            0
        );
    }
    assert_eq!(run(until - Duration::days(30)).reminders, 2);
    assert_eq!(run(until - Duration::days(29)).reminders, 0);
    assert_eq!(run(until - Duration::days(7)).reminders, 2);
    assert_eq!(app.count("notices"), 6);
    assert_eq!(run(until - Duration::seconds(1)).expired, 0);
    assert_eq!(app.request(id).state, State::Active);
    assert_eq!(run(until).expired, 1);
    assert_eq!(app.request(id).state, State::Expired);
    assert_eq!(run(until + Duration::days(1)).expired, 0, "once");
    let me = app.login_staff().await;
    let home = me.get("/").await;
    assert!(
        home.body.contains("7 gün kala hatırlatma") && home.body.contains("süresi doldu"),
        "{}",
        home.body
    );
    assert!(
        me.get("/bilgilerim")
            .await
            .body
            .contains("<dt>Mobil imza</dt><dd>Yok</dd>")
    );
}

#[tokio::test]
async fn renewal_opens_three_months_before_expiry_and_is_prefilled() {
    let (app, staff, id) = setup().await;
    let until = app.request(id).valid_until.expect("valid until");
    let officer = app.login_officer_a().await;
    let form = officer
        .get(&format!("/talepler/yeni?personel={staff}&gerekce=yenileme"))
        .await;
    assert!(
        form.body.contains("<option value=\"yenileme\" selected>"),
        "prefilled"
    );
    let fields = |token: &'static str| {
        vec![
            ("token", token),
            ("reason", "yenileme"),
            ("kvkk", "on"),
            ("gonder", "1"),
        ]
    };
    let s = staff.to_string();
    app.clock.set((until - Duration::days(100)).and_utc());
    let mut f = fields("yenileme-erken-0000001");
    f.push(("personel", &s));
    let r = officer.post("/talepler/yeni", &f).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Yenileme, geçerlilik bitimine 3 ay kala"),
        "{}",
        r.body
    );
    assert_eq!(app.count("requests"), 1);
    app.clock.set((until - Duration::days(80)).and_utc());
    let mut f = fields("yenileme-zamaninda-001");
    f.push(("personel", &s));
    assert_eq!(officer.post("/talepler/yeni", &f).await.status, 303);
    assert_eq!(app.count("requests WHERE reason = 'yenileme'"), 1);
}

#[tokio::test]
async fn reviewers_see_and_export_what_expires_in_90_days() {
    let (app, _, id) = setup().await;
    let until = app.request(id).valid_until.expect("valid until");
    let reviewer = app.login_reviewer().await;
    app.clock.set((until - Duration::days(120)).and_utc());
    assert!(
        reviewer
            .get("/inceleme/suresi-dolacak")
            .await
            .body
            .contains("süresi dolacak imza yok")
    );
    app.clock.set((until - Duration::days(60)).and_utc());
    let page = reviewer.get("/inceleme/suresi-dolacak").await;
    assert!(page.body.contains("İlknur Yıldız") && page.body.contains("15.01.2029 12:00"));
    let csv = reviewer.get("/inceleme/suresi-dolacak.csv").await;
    assert!(csv.body.contains("\"İlknur\";\"Yıldız\""), "{}", csv.body);
    assert_eq!(app.count("audit_log WHERE action = 'export.expiring'"), 1);
    let officer = app.login_officer_a().await;
    assert_eq!(officer.get("/inceleme/suresi-dolacak").await.status, 403);
    let _ = app.clock.now();
}

#[tokio::test]
async fn reconciliation_lists_exactly_the_mismatched_staff() {
    let (app, ilknur, _) = setup().await;
    let (unit, officer_id) = (app.unit_a, app.officer_a);
    use diesel::prelude::*;
    use mobilimza::db::schema::staff;
    // İlknur: active signature but the field says "yok".
    // Cem: field says "var" without an active signature.
    let cem = app.add_staff(unit, 2, "Cem", "Ak", "cem@kurum.gov.tr");
    diesel::update(staff::table.find(cem))
        .set(staff::has_signature.eq(true))
        .execute(&mut app.conn())
        .expect("var");
    // Deniz: active signature on another number than the one on file.
    let deniz = app.add_staff(unit, 3, "Deniz", "Er", "deniz@kurum.gov.tr");
    diesel::update(staff::table.find(deniz))
        .set(staff::has_signature.eq(true))
        .execute(&mut app.conn())
        .expect("var");
    let d = app.add_request(deniz, State::Active, officer_id);
    app.set_request(
        d,
        &RequestUpdate {
            activated_at: Some(app.clock.now_naive()),
            ..Default::default()
        },
    );
    diesel::update(staff::table.find(deniz))
        .set(staff::phone.eq("+905339998877"))
        .execute(&mut app.conn())
        .expect("phone");
    // Ece: consistent (active, var, same line).
    let ece = app.add_staff(unit, 4, "Ece", "Su", "ece@kurum.gov.tr");
    diesel::update(staff::table.find(ece))
        .set(staff::has_signature.eq(true))
        .execute(&mut app.conn())
        .expect("var");
    app.add_request(ece, State::Active, officer_id);
    // Another unit's mismatch is not the officer's business.
    let far = app.add_staff(app.unit_b, 5, "Uzak", "Kişi", "uzak@kurum.gov.tr");
    diesel::update(staff::table.find(far))
        .set(staff::has_signature.eq(true))
        .execute(&mut app.conn())
        .expect("var");

    let officer = app.login_officer_a().await;
    let page = officer.get("/mutabakat").await;
    assert_eq!(page.status, 200);
    let rows = page.body.matches("<tr><td>").count();
    assert_eq!(rows, 3, "{}", page.body);
    assert!(
        page.body.contains("İlknur Yıldız")
            && page
                .body
                .contains("“Mobil imza: yok” diyor ama aktif bir mobil imzası var.")
    );
    assert!(
        page.body.contains("Cem Ak")
            && page
                .body
                .contains("“Mobil imza: var” diyor ama aktif bir mobil imzası yok.")
    );
    assert!(
        page.body.contains("Deniz Er")
            && page.body.contains(
                "Aktif imza 0532 123 45 67 Turkcell hattında; kayıtta 0533 999 88 77 Turkcell."
            )
    );
    assert!(!page.body.contains("Ece Su") && !page.body.contains("Uzak Kişi"));
    let reviewer = app.login_reviewer().await;
    assert!(
        reviewer.get("/mutabakat").await.body.contains("Uzak Kişi"),
        "reviewers see every unit"
    );
    let staff_user = app.login_staff().await;
    assert_eq!(staff_user.get("/mutabakat").await.status, 403);
    let _ = ilknur;
}
