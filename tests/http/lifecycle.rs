//! The request lifecycle through HTTP: the full walk, every (state, action,
//! role) triple, the NES SMS hold, "bilgim dışında", concurrent reviewers.

use chrono::Duration;
use mobilimza::clock::Clock as _;
use mobilimza::db::requests::RequestUpdate;
use mobilimza::domain::role::Role;
use mobilimza::domain::workflow::{Action, Actor, State, allowed_triples};

use crate::helpers::{Browser, TestApp, World, spawn_world_with};

async fn world() -> World {
    // The clock jumps hours ahead here; sessions must outlive that.
    spawn_world_with(&[
        ("SESSION_IDLE_MINUTES", "1440"),
        ("SESSION_MAX_HOURS", "48"),
    ])
    .await
}

fn request_id(location: Option<&str>) -> i32 {
    location
        .and_then(|l| l.strip_prefix("/talep/"))
        .and_then(|s| s.parse().ok())
        .expect("redirect to /talep/ID")
}

async fn shows(b: &Browser, id: i32, text: &str) {
    let page = b.get(&format!("/talep/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(text),
        "expected {text:?} on request {id}:\n{}",
        page.body
    );
}

#[tokio::test]
async fn one_request_walks_from_draft_to_active() {
    let w = world().await;
    let staff = w.staff.to_string();
    let form = w
        .officer
        .get(&format!("/talepler/yeni?personel={staff}"))
        .await;
    assert!(form.body.contains("İlknur Yıldız"));
    let token = {
        let marker = "name=\"token\" value=\"";
        let s = form.body.find(marker).expect("token") + marker.len();
        form.body[s..s + form.body[s..].find('"').expect("end")].to_owned()
    };
    let r = w
        .officer
        .post(
            "/talepler/yeni",
            &[
                ("token", &token),
                ("personel", &staff),
                ("reason", "ilk_basvuru"),
                ("note", "Yeni atama"),
                ("gonder", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let id = request_id(r.location.as_deref());
    shows(&w.officer, id, "Taslak").await;

    let r = w
        .officer
        .act(
            id,
            &[
                ("action", "submit"),
                ("reason", "ilk_basvuru"),
                ("note", "Yeni atama"),
                ("kvkk", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    shows(&w.reviewer, id, "İnceleme bekliyor").await;

    assert_eq!(
        w.reviewer.act(id, &[("action", "approve")]).await.status,
        303
    );
    shows(&w.officer, id, "Onaylandı").await;

    let queue = w.reviewer.get("/inceleme?sekme=approved").await;
    assert!(queue.body.contains(&format!("#{id}")));
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
    assert_eq!(r.status, 303);
    let batch = r.location.expect("batch page");
    assert!(batch.starts_with("/parti/"), "{batch}");
    let page = w.reviewer.get(&batch).await;
    assert!(page.body.contains("İlknur") && page.body.contains("Parti no"));
    shows(&w.officer, id, "Kamu SM&#39;de").await;

    for (who, action) in [(&w.reviewer, "form_emailed"), (&w.officer, "form_signed")] {
        assert_eq!(
            who.act(id, &[("action", action)]).await.status,
            303,
            "{action}"
        );
    }
    let r = w
        .officer
        .act(
            id,
            &[
                ("action", "docs_sent"),
                ("docs_way", "kep"),
                ("docs_ref", "KEP-2026-118"),
                ("docs_date", "2026-11-23"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    shows(&w.reviewer, id, "KEP-2026-118").await;
    assert_eq!(
        w.reviewer
            .act(id, &[("action", "docs_received")])
            .await
            .status,
        303
    );

    // SMS at 12:00 Istanbul (09:00 UTC, the test clock's time).
    assert_eq!(
        w.reviewer
            .act(id, &[("action", "sms"), ("sms_at", "2026-11-23T12:00")])
            .await
            .status,
        303
    );
    shows(
        &w.reviewer,
        id,
        "SMS beklemesinde — üretim en erken 23.11.2026 18:00 (6 saat kaldı)",
    )
    .await;

    let r = w
        .reviewer
        .act(id, &[("action", "produce"), ("serial", "KSM-123456")])
        .await;
    assert_eq!(r.status, 409);
    shows(
        &w.reviewer,
        id,
        "NES SMS beklemesi sürüyor: üretim en erken 23.11.2026 18:00 (6 saat kaldı).",
    )
    .await;

    w.app.clock.advance(Duration::hours(6));
    assert_eq!(
        w.reviewer
            .act(id, &[("action", "produce"), ("serial", "KSM-123456")])
            .await
            .status,
        303
    );
    shows(&w.officer, id, "Üretildi").await;
    assert_eq!(
        w.reviewer.act(id, &[("action", "activate")]).await.status,
        303
    );
    shows(&w.person, id, "Aktif").await;
    shows(&w.person, id, "Geçerlilik sonu").await;
    assert!(w.app.request(id).valid_until.is_some());
    let me = w.person.get("/bilgilerim").await;
    assert!(
        me.body.contains("<dt>Mobil imza</dt><dd>Var</dd>"),
        "{}",
        me.body
    );

    let history = w.officer.get(&format!("/talep/{id}")).await;
    for step in [
        "Talep oluşturuldu",
        "Gönderildi",
        "Onaylandı",
        "Kamu SM&#39;ye iletildi",
        "NES SMS&#39;i gönderildi",
        "Sertifika üretildi",
        "Mobil imza etkinleştirildi",
    ] {
        assert!(history.body.contains(step), "timeline has {step}");
    }
}

/// Facts that satisfy the precondition of `action`, so only state and role decide.
fn facts_for(action: Action, app: &TestApp) -> RequestUpdate {
    let now = app.clock.now_naive();
    let mut u = RequestUpdate::default();
    match action {
        Action::RecordDocsReceived => u.docs_sent_at = Some(now),
        Action::RecordSms => {
            u.form_signed_at = Some(now);
            u.docs_received_at = Some(now);
        }
        Action::Produce => u.sms_at = Some(now - Duration::hours(7)),
        Action::Activate => u.certificate_serial = Some("KSM-1".into()),
        _ => {}
    }
    u
}

#[tokio::test]
async fn every_state_action_role_triple_is_allowed_exactly_when_the_table_says() {
    let w = world().await;
    let allowed = allowed_triples();
    let roles: [(Actor, &Browser); 3] = [
        (Actor::Officer, &w.officer),
        (Actor::Reviewer, &w.reviewer),
        (Actor::Staff, &w.person),
    ];
    let mut checked = 0;
    for state in State::ALL {
        for action in Action::ALL {
            for (actor, browser) in roles {
                // A fresh request in `state`; earlier ones are closed so the
                // one-open-request rule does not interfere.
                w.app.set_request_state_all_closed(w.staff);
                let id = w.app.add_request(w.staff, state, w.app.officer_a);
                w.app.set_request(id, &facts_for(action, &w.app));
                let before = w.app.request(id);
                let history_before = w
                    .app
                    .count(&format!("request_history WHERE request_id = {id}"));
                let r = browser
                    .post(
                        &format!("/talep/{id}/islem"),
                        &[
                            ("action", action.code()),
                            ("version", &before.version.to_string()),
                            ("note", "açıklama"),
                            ("reason", "ilk_basvuru"),
                            ("kvkk", "on"),
                            ("docs_way", "kep"),
                            ("docs_ref", "KEP-1"),
                            ("serial", "KSM-9"),
                        ],
                    )
                    .await;
                let after = w.app.request(id);
                let expected = allowed.contains(&(state, action, actor));
                if expected {
                    assert_eq!(
                        r.status, 303,
                        "{state:?} {action:?} {actor:?} should succeed"
                    );
                    assert_eq!(after.version, before.version + 1);
                } else {
                    assert!(
                        matches!(r.status, 403 | 409),
                        "{state:?} {action:?} {actor:?} → {}",
                        r.status
                    );
                    assert_eq!(
                        (after.version, after.state.code()),
                        (before.version, before.state.code()),
                        "{state:?} {action:?} {actor:?} changed the row"
                    );
                    assert_eq!(
                        w.app
                            .count(&format!("request_history WHERE request_id = {id}")),
                        history_before
                    );
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, State::ALL.len() * Action::ALL.len() * 3);
}

impl TestApp {
    fn set_request_state_all_closed(&self, staff: i32) {
        use diesel::prelude::*;
        use mobilimza::db::schema::requests;
        diesel::update(requests::table.filter(requests::staff_id.eq(staff)))
            .set(requests::state.eq("rejected"))
            .execute(&mut self.conn())
            .expect("close");
    }
}

#[tokio::test]
async fn production_waits_exactly_six_hours_after_the_sms() {
    let w = world().await;
    let id = w.app.add_request(w.staff, State::SmsHold, w.app.officer_a);
    let sms = w.app.clock.now_naive();
    w.app.set_request(
        id,
        &RequestUpdate {
            sms_at: Some(sms),
            ..Default::default()
        },
    );
    w.app
        .clock
        .advance(Duration::hours(5) + Duration::minutes(59));
    let r = w
        .reviewer
        .act(id, &[("action", "produce"), ("serial", "KSM-1")])
        .await;
    assert_eq!(r.status, 409);
    shows(&w.reviewer, id, "(1 dakika kaldı)").await;
    assert_eq!(w.app.request(id).state, State::SmsHold);
    w.app.clock.advance(Duration::minutes(1));
    assert_eq!(
        w.reviewer
            .act(id, &[("action", "produce"), ("serial", "KSM-1")])
            .await
            .status,
        303
    );
    assert_eq!(w.app.request(id).state, State::Produced);
}

#[tokio::test]
async fn the_reviewer_is_told_of_holds_ending_within_the_hour() {
    let w = world().await;
    let now = w.app.clock.now_naive();
    // SMS 7 h ago (ended), 5 h 30 min ago (ends within the hour), 4 h 10 min ago
    // and just now (still running past the hour).
    let sent = [7 * 60, 5 * 60 + 30, 4 * 60 + 10, 0];
    for (i, minutes) in sent.into_iter().enumerate() {
        let n = 900 + i as u32;
        let staff = w.app.add_staff(
            w.app.unit_a,
            n,
            "Bekleyen",
            &format!("Kişi{i}"),
            &format!("bekleyen{i}@kurum.gov.tr"),
        );
        let id = w.app.add_request(staff, State::SmsHold, w.app.officer_a);
        w.app.set_request(
            id,
            &RequestUpdate {
                sms_at: Some(now - Duration::minutes(minutes)),
                ..Default::default()
            },
        );
    }
    let notice = "2 talebin SMS beklemesi bir saat içinde bitiyor ya da bitti.";
    let queue = w.reviewer.get("/inceleme").await;
    assert!(queue.body.contains(notice), "{}", queue.body);
    // An hour later the one sent 4 h 10 min before is within the hour too.
    w.app.clock.advance(Duration::hours(1));
    let queue = w.reviewer.get("/inceleme").await;
    assert!(
        queue
            .body
            .contains("3 talebin SMS beklemesi bir saat içinde bitiyor ya da bitti."),
        "{}",
        queue.body
    );
}

#[tokio::test]
async fn the_staff_member_can_stop_an_application_during_the_hold_only() {
    let w = world().await;
    let id = w.app.add_request(w.staff, State::SmsHold, w.app.officer_a);
    w.app.set_request(
        id,
        &RequestUpdate {
            sms_at: Some(w.app.clock.now_naive()),
            ..Default::default()
        },
    );
    let me = w.person.get("/bilgilerim").await;
    assert!(me.body.contains("Bu başvuru bilgim dışında yapıldı"));
    assert!(me.body.contains("SMS beklemesinde — üretim en erken"));
    let r = w.person.act(id, &[("action", "not_mine")]).await;
    assert_eq!(r.status, 303);
    let req = w.app.request(id);
    assert_eq!(req.state, State::Cancelled);
    assert!(req.flagged && req.not_mine_at.is_some());
    let flagged = w.reviewer.get("/inceleme?sekme=flagged").await;
    assert!(flagged.body.contains(&format!("#{id}")) && flagged.body.contains("Bildirildi"));
    // The tab's count and the home notice are read from the kept counts.
    assert!(
        flagged
            .body
            .contains("Bildirilen <span class=\"count\">1</span>"),
        "{}",
        flagged.body
    );
    assert!(
        w.reviewer
            .get("/")
            .await
            .body
            .contains("1 talep personel tarafından &#34;bilgim dışında&#34; olarak bildirildi.")
    );
    shows(
        &w.reviewer,
        id,
        "Personel: &#34;Bu başvuru bilgim dışında yapıldı&#34;",
    )
    .await;

    // After production the action is neither offered nor accepted.
    let id = w.app.add_request(w.staff, State::Produced, w.app.officer_a);
    let me = w.person.get("/bilgilerim").await;
    assert!(!me.body.contains("bilgim dışında yapıldı</button>"));
    assert!(
        !w.person
            .get(&format!("/talep/{id}"))
            .await
            .body
            .contains("bilgim dışında yapıldı</button>")
    );
    let version = w.app.request(id).version.to_string();
    let r = w
        .person
        .post(
            &format!("/talep/{id}/islem"),
            &[("action", "not_mine"), ("version", &version)],
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(w.app.request(id).state, State::Produced);
}

#[tokio::test]
async fn two_reviewers_at_once_one_wins_the_other_is_told() {
    let w = world().await;
    let id = w
        .app
        .add_request(w.staff, State::Submitted, w.app.officer_a);
    w.app
        .add_user("sef2@kurum.gov.tr", "Hasan Kaya", &[Role::Reviewer], &[]);
    let second = w.app.logged_in("sef2@kurum.gov.tr").await;
    let v = w.reviewer.get(&format!("/talep/{id}")).await.version();
    assert_eq!(second.get(&format!("/talep/{id}")).await.version(), v);
    let path = format!("/talep/{id}/islem");
    let approve = [("action", "approve"), ("version", v.as_str())];
    let ret = [
        ("action", "return"),
        ("version", v.as_str()),
        ("note", "Sicil no eksik"),
    ];
    let (a, b) = tokio::join!(w.reviewer.post(&path, &approve), second.post(&path, &ret));
    let statuses = [a.status, b.status];
    assert!(
        statuses.contains(&303) && statuses.contains(&409),
        "{statuses:?}"
    );
    let loser = if a.status == 409 {
        &w.reviewer
    } else {
        &second
    };
    shows(loser, id, "Bu talep sizden önce değiştirildi").await;
    assert_eq!(
        w.app
            .count(&format!("request_history WHERE request_id = {id}")),
        1
    );
    assert_eq!(w.app.request(id).version, 1);
}

#[tokio::test]
async fn one_open_request_per_staff_member_and_a_double_click_files_once() {
    let w = world().await;
    let staff = w.staff.to_string();
    let fields = [
        ("token", "tekrar-gonderim-0001"),
        ("personel", staff.as_str()),
        ("reason", "ilk_basvuru"),
        ("kvkk", "on"),
        ("gonder", "1"),
    ];
    let (a, b) = tokio::join!(
        w.officer.post("/talepler/yeni", &fields),
        w.officer.post("/talepler/yeni", &fields)
    );
    assert_eq!((a.status, b.status), (303, 303), "{}\n{}", a.body, b.body);
    assert_eq!(
        a.location, b.location,
        "both clicks land on the same request"
    );
    assert_eq!(w.app.count("requests"), 1);
    let id = request_id(a.location.as_deref());

    let again = [
        ("token", "baska-bir-form-0002"),
        ("personel", staff.as_str()),
        ("reason", "ilk_basvuru"),
        ("kvkk", "on"),
        ("gonder", "1"),
    ];
    let r = w.officer.post("/talepler/yeni", &again).await;
    assert_eq!(r.status, 409);
    assert!(
        r.body.contains(&format!("href=\"/talep/{id}\"")),
        "links to the open request"
    );
    assert!(r.body.contains("açık talebi var"));
    assert_eq!(w.app.count("requests"), 1);
}

#[tokio::test]
async fn bad_input_on_actions_is_explained_and_changes_nothing() {
    let w = world().await;
    let id = w
        .app
        .add_request(w.staff, State::Submitted, w.app.officer_a);
    let r = w
        .reviewer
        .act(id, &[("action", "return"), ("note", "  ")])
        .await;
    assert_eq!(r.status, 409);
    shows(
        &w.reviewer,
        id,
        "Bu işlem için bir açıklama yazmanız gerekir.",
    )
    .await;
    let r = w.reviewer.act(id, &[("action", "reject")]).await;
    assert_eq!(r.status, 409);
    assert_eq!(w.app.request(id).state, State::Submitted);
    let draft = w.app.add_request(
        w.app
            .add_staff(w.app.unit_a, 2, "Ali", "Can", "ali@kurum.gov.tr"),
        State::Draft,
        w.app.officer_a,
    );
    let r = w
        .officer
        .act(draft, &[("action", "submit"), ("reason", "ilk_basvuru")])
        .await;
    assert_eq!(r.status, 409);
    shows(&w.officer, draft, "KVKK aydınlatma metnini").await;
    assert_eq!(w.app.request(draft).state, State::Draft);
}

#[tokio::test]
async fn bulk_approve_and_return_report_each_row() {
    let w = world().await;
    let a = w
        .app
        .add_request(w.staff, State::Submitted, w.app.officer_a);
    let other = w
        .app
        .add_staff(w.app.unit_a, 3, "Cem", "Ak", "cem@kurum.gov.tr");
    let b = w.app.add_request(other, State::Submitted, w.app.officer_a);
    let r = w
        .reviewer
        .post(
            "/inceleme/toplu",
            &[
                ("action", "return"),
                ("sec", &format!("{a}:0")),
                ("sec", &format!("{b}:0")),
                ("geri", "/inceleme"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = w.reviewer.get("/inceleme").await;
    assert!(
        page.body.contains("2 talep işlenemedi"),
        "a note is required"
    );
    let r = w
        .reviewer
        .post(
            "/inceleme/toplu",
            &[
                ("action", "approve"),
                ("sec", &format!("{a}:0")),
                ("sec", &format!("{b}:5")),
                ("geri", "/inceleme"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = w.reviewer.get("/inceleme").await;
    assert!(page.body.contains("1 talep işlendi."));
    assert!(
        page.body
            .contains(&format!("#{b}: Bu talep sizden önce değiştirildi"))
    );
    assert_eq!(
        (w.app.request(a).state.code(), w.app.request(b).state.code()),
        ("approved", "submitted")
    );
}

/// 160 forged ids once overflowed the session cookie after the valid row was
/// committed (a 500). Now: the valid row is done, the failures are summed up
/// in a short message, and more than 200 ids are refused before any work.
#[tokio::test]
async fn a_bulk_action_with_many_forged_ids_never_answers_500() {
    let w = world().await;
    let a = w
        .app
        .add_request(w.staff, State::Submitted, w.app.officer_a);
    let forged: Vec<String> = (0..160).map(|i| format!("{}:0", 900_000 + i)).collect();
    let mut fields = vec![("action", "approve"), ("geri", "/inceleme")];
    let valid = format!("{a}:0");
    fields.push(("sec", &valid));
    fields.extend(forged.iter().map(|f| ("sec", f.as_str())));
    let r = w.reviewer.post("/inceleme/toplu", &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = w.reviewer.get("/inceleme").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("1 talep işlendi."), "{}", page.body);
    assert!(
        page.body
            .contains("160 talep işlenemedi: #900000: talep bulunamadı.")
    );
    assert!(page.body.contains("ve 157 talep daha."));
    assert_eq!(w.app.request(a).state, State::Approved);

    let b = w.app.add_request(
        w.app
            .add_staff(w.app.unit_a, 4, "Cem", "Ak", "cem@kurum.gov.tr"),
        State::Submitted,
        w.app.officer_a,
    );
    let many: Vec<String> = (0..201).map(|i| format!("{}:0", 800_000 + i)).collect();
    let mut fields = vec![("action", "approve"), ("geri", "/inceleme")];
    let valid = format!("{b}:0");
    fields.push(("sec", &valid));
    fields.extend(many.iter().map(|f| ("sec", f.as_str())));
    let r = w.reviewer.post("/inceleme/toplu", &fields).await;
    assert_eq!(r.status, 303);
    let page = w.reviewer.get("/inceleme").await;
    assert!(
        page.body
            .contains("Bir seferde en fazla 200 talep seçilebilir; hiçbir talep işlenmedi.")
    );
    assert_eq!(w.app.request(b).state, State::Submitted, "nothing done");
}

#[tokio::test]
async fn an_admin_changes_the_hold_length_and_bad_values_are_refused() {
    let w = world().await;
    let admin = w.app.login_admin().await;
    let form = admin.get("/yonetim/ayarlar").await;
    assert!(form.body.contains("value=\"6\"") && form.body.contains("value=\"2025-05-05\""));
    let r = admin
        .post("/yonetim/ayarlar", &[("hours", "99"), ("start", "dün")])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("0 ile 72 saat") && r.body.contains("Yürürlük tarihini"));
    assert_eq!(
        admin
            .post(
                "/yonetim/ayarlar",
                &[("hours", "8"), ("start", "2025-05-05")]
            )
            .await
            .status,
        303
    );
    assert_eq!(w.reviewer.get("/yonetim/ayarlar").await.status, 403);
    let id = w.app.add_request(w.staff, State::SmsHold, w.app.officer_a);
    w.app.set_request(
        id,
        &RequestUpdate {
            sms_at: Some(w.app.clock.now_naive()),
            ..Default::default()
        },
    );
    shows(&w.reviewer, id, "(8 saat kaldı)").await;
    assert_eq!(
        w.app.count("audit_log WHERE action = 'settings.updated'"),
        1
    );
}
