//! `seed-demo` (and `demo`): one organisation with three to four years of
//! history, so that every role's pages have something real to show.

use mobilimza::clock::Clock as _;
use mobilimza::demo::DemoLogin;
use mobilimza::domain::role::Role;

use crate::helpers::{Browser, TestApp, spawn_app};

async fn seeded() -> (TestApp, Vec<DemoLogin>) {
    let app = spawn_app().await;
    let hasher = mobilimza::password::PasswordHasher::new(app.state.config.argon2).expect("hasher");
    let logins = mobilimza::demo::seed(&mut app.conn(), &hasher, app.clock.now_naive(), false)
        .expect("seed demo");
    (app, logins)
}

async fn login(app: &TestApp, logins: &[DemoLogin], role: Role) -> Browser {
    let l = logins
        .iter()
        .find(|l| l.role == role)
        .expect("a login per role");
    let b = app.browser();
    assert_eq!(b.login(&l.email, &l.password).await.status, 303);
    b
}

#[tokio::test]
async fn the_demo_organisation_has_years_of_history_in_every_corner() {
    let (app, _) = seeded().await;
    // The test clock stands at 23.11.2026 09:00.
    assert!(app.count("requests") > 500);
    assert!(app.count("staff") > 150);
    for state in ["returned", "rejected", "invalidated", "expired", "active"] {
        assert!(
            app.count(&format!("requests WHERE state = '{state}'")) > 0,
            "{state}"
        );
    }
    // Certificates produced before and after the KDV change (10.07.2023).
    assert!(app.count("fee_accruals WHERE accrued_on < '2023-07-10' AND gross_kurus = 7670") > 0);
    assert!(app.count("fee_accruals WHERE accrued_on >= '2023-07-10' AND gross_kurus = 7800") > 0);
    // 36 billed months, all but the last closed by finance.
    assert_eq!(app.count("billing_months"), 36);
    assert_eq!(app.count("billing_months WHERE closed_at IS NOT NULL"), 35);
    // Signatures that expire within the next 90 days.
    assert!(
        app.count(
            "requests WHERE state = 'active' AND valid_until > '2026-11-23 09:00:00' \
             AND valid_until <= '2027-02-21 09:00:00'"
        ) > 0
    );
    // A signature invalidated after the number was ported to another operator.
    assert!(
        app.count(
            "contact_changes c JOIN requests r ON r.id = c.invalidated_request_id \
             WHERE c.old_operator <> c.new_operator AND r.state = 'invalidated'"
        ) > 0
    );
    // A staff member's "bilgim dışında" report.
    assert!(app.count("requests WHERE not_mine_at IS NOT NULL") > 0);
    assert!(app.count("batches") > 10);
}

#[tokio::test]
async fn every_role_of_the_demo_sees_real_content() {
    let (app, logins) = seeded().await;

    let officer = login(&app, &logins, Role::Officer).await;
    let staff = officer.get("/personel").await;
    assert_eq!(staff.status, 200);
    assert!(
        staff.body.matches("/personel/").count() > 50,
        "officer's staff list"
    );
    let requests = officer.get("/talepler?sekme=all").await;
    assert!(
        requests.body.contains("Düzeltmeye gönderildi") || requests.body.contains("Reddedildi")
    );

    let reviewer = login(&app, &logins, Role::Reviewer).await;
    let expiring = reviewer.get("/inceleme/suresi-dolacak").await;
    assert_eq!(expiring.status, 200);
    assert!(
        !expiring.body.contains("süresi dolacak imza yok"),
        "signatures expire within 90 days"
    );
    let batches = reviewer.get("/inceleme/partiler").await;
    assert!(batches.body.contains("/parti/"), "batches are listed");

    let finance = login(&app, &logins, Role::Finance).await;
    let fees = finance.get("/mali").await;
    assert!(fees.body.contains("78,00"), "fee after the KDV change");
    let old = finance.get("/mali?bitis=2023-07-09").await;
    assert!(old.body.contains("76,70"), "fee before the KDV change");
    let monthly = finance.get("/mali/aylik").await;
    assert!(monthly.body.contains("Son çalıştırma"), "{}", monthly.body);
    assert!(
        monthly.body.contains("(kapalı)"),
        "closed months are listed"
    );
}
