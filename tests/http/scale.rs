//! `seed-demo --scale N`: the national dataset the load benchmark runs on.

use mobilimza::clock::Clock as _;
use mobilimza::domain::role::Role;
use mobilimza::domain::workflow::State;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_small_scale_seed_covers_every_state_fees_and_history() {
    let app = spawn_app().await;
    let hasher = mobilimza::password::PasswordHasher::new(app.state.config.argon2).expect("hasher");
    let (logins, report) =
        mobilimza::demo::seed_scaled(&mut app.conn(), &hasher, app.clock.now_naive(), 500)
            .expect("scaled seed");
    assert_eq!(logins.len(), 5);
    assert_eq!(report.requests, 500);
    for state in State::ALL {
        let n = app.count(&format!("requests WHERE state = '{}'", state.code()));
        assert!(n > 0, "no request in state {}", state.code());
    }
    assert!(app.count("units") >= 900, "about 1 000 units");
    assert_eq!(app.count("(SELECT DISTINCT province_id FROM units) p"), 81);
    assert!(app.count("staff") >= 500 / 3);
    // Every request has its timeline.
    assert_eq!(
        app.count(
            "requests r WHERE NOT EXISTS \
             (SELECT 1 FROM request_history h WHERE h.request_id = r.id)"
        ),
        0
    );
    // Fees on both sides of the KDV change (10.07.2023): 76,70 TL and 78,00 TL.
    assert!(
        app.count(
            "fee_accruals WHERE accrued_on < '2023-07-10' AND kdv_bp = 1800 AND gross_kurus = 7670"
        ) > 0
    );
    assert!(
        app.count(
            "fee_accruals WHERE accrued_on >= '2023-07-10' AND kdv_bp = 2000 AND gross_kurus = 7800"
        ) > 0
    );
    assert_eq!(
        app.count("fee_accruals WHERE (accrued_on < '2023-07-10') <> (kdv_bp = 1800)"),
        0
    );
    assert_eq!(app.count("billing_months"), 36);
    assert!(app.count("billing_lines") > 0);
    assert!(app.count("contact_changes WHERE invalidated_request_id IS NOT NULL") > 0);
    assert_eq!(app.count("audit_log WHERE action = 'demo.seeded'"), 1);

    // The portal works on it: the reviewer's queue and a request page.
    let sef = logins
        .iter()
        .find(|l| l.role == Role::Reviewer)
        .expect("reviewer");
    let b = app.browser();
    assert_eq!(b.login(&sef.email, &sef.password).await.status, 303);
    let queue = b.get("/inceleme?sekme=all").await;
    assert_eq!(queue.status, 200);
    let page = b.get("/talep/100").await;
    assert_eq!(page.status, 200, "{}", page.body);
}

#[tokio::test]
async fn the_scale_seed_refuses_a_database_with_real_users() {
    let app = spawn_app().await;
    app.add_user("gercek@kurum.gov.tr", "Gerçek Kişi", &[Role::Admin], &[]);
    let hasher = mobilimza::password::PasswordHasher::new(app.state.config.argon2).expect("hasher");
    let err = mobilimza::demo::seed_scaled(&mut app.conn(), &hasher, app.clock.now_naive(), 500)
        .err()
        .expect("must refuse");
    assert!(err.to_string().contains("gerçek (demo olmayan)"), "{err}");
    assert_eq!(app.count("requests"), 0);
}

/// The load benchmark's ceiling route exists only with `--features bench`.
#[cfg(feature = "bench")]
#[tokio::test]
async fn the_ceiling_route_escapes_and_sorts() {
    let app = spawn_app().await;
    let page = app.browser().get("/bench/fortunes").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("&#60;script&#62;alert("), "escaped");
    assert!(!page.body.contains("<script>"));
    assert!(page.body.contains("フレームワークのベンチマーク"));
    assert!(
        page.body
            .contains("Ek bir fortune: ekleme istek sırasında yapıldı.")
    );
    assert_eq!(page.body.matches("<tr><td>").count(), 13);
}

#[cfg(not(feature = "bench"))]
#[tokio::test]
async fn the_ceiling_route_is_not_in_the_normal_binary() {
    let app = spawn_app().await;
    assert_eq!(app.browser().get("/bench/fortunes").await.status, 404);
}
