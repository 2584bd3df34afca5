//! Contact changes: what invalidates, the confirmation first, and what
//! happens to the signature, open requests and billing.

use chrono::{TimeZone, Utc};
use mobilimza::db::requests::RequestUpdate;
use mobilimza::domain::workflow::State;

use crate::helpers::{World, spawn_world};

pub fn active_signature(w: &World) -> i32 {
    let id = w.app.add_request(w.staff, State::Active, w.app.officer_a);
    let at = Utc
        .with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
        .single()
        .expect("t")
        .naive_utc();
    w.app.set_request(
        id,
        &RequestUpdate {
            activated_at: Some(at),
            ..Default::default()
        },
    );
    use diesel::prelude::*;
    use mobilimza::db::schema::staff;
    diesel::update(staff::table.find(w.staff))
        .set(staff::has_signature.eq(true))
        .execute(&mut w.app.conn())
        .expect("var");
    id
}

type Fields = Vec<(&'static str, &'static str)>;

const SAME: [(&str, &str); 4] = [
    ("phone", "0532 123 45 67"),
    ("operator", "turkcell"),
    ("line_type", "faturali"),
    ("has_signature", "on"),
];

fn with(changes: &[(&'static str, &'static str)]) -> Fields {
    let mut fields: Vec<(&str, &str)> = SAME
        .iter()
        .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
        .copied()
        .collect();
    fields.extend_from_slice(changes);
    fields
}

#[tokio::test]
async fn each_change_kind_invalidates_after_a_confirmation_and_nothing_else_does() {
    let cases: [(&str, Fields, bool); 5] = [
        ("SIM only", with(&[("kinds", "sim")]), true),
        (
            "number",
            with(&[("phone", "0533 999 88 77"), ("kinds", "numara")]),
            true,
        ),
        (
            "porting",
            with(&[("operator", "vodafone"), ("kinds", "tasima")]),
            true,
        ),
        ("line type only", with(&[("line_type", "faturasiz")]), false),
        ("nothing relevant", with(&[]), false),
    ];
    for (what, fields, invalidates) in cases {
        let w = spawn_world().await;
        let id = active_signature(&w);
        let r = w.person.post("/bilgilerim/iletisim", &fields).await;
        if invalidates {
            assert_eq!(r.status, 200, "{what}: confirmation first");
            assert!(
                r.body.contains("Aktif mobil imza (talep #")
                    && r.body.contains("kullanılamaz hale gelecek"),
                "{what}"
            );
            assert!(r.body.contains("kişisel ödemedir"));
            assert_eq!(
                w.app.request(id).state,
                State::Active,
                "{what}: nothing before the confirm"
            );
            let mut confirmed = fields.clone();
            confirmed.push(("onay", "1"));
            assert_eq!(
                w.person
                    .post("/bilgilerim/iletisim", &confirmed)
                    .await
                    .status,
                303
            );
            let req = w.app.request(id);
            assert_eq!(req.state, State::Invalidated, "{what}");
            assert!(req.ended_at.is_some());
            let me = w.person.get("/bilgilerim").await;
            assert!(
                me.body.contains("<dt>Mobil imza</dt><dd>Yok</dd>"),
                "{what}: the field says yok"
            );
            assert!(
                w.officer
                    .get("/")
                    .await
                    .body
                    .contains("aktif mobil imza geçersiz sayıldı (talep #"),
                "{what}: officer notified"
            );
            assert!(
                w.person
                    .get(&format!("/talep/{id}"))
                    .await
                    .body
                    .contains("Geçersiz kılındı")
            );
        } else {
            assert_eq!(r.status, 303, "{what}: saved without confirmation");
            assert_eq!(w.app.request(id).state, State::Active, "{what}");
        }
    }
}

#[tokio::test]
async fn cancelling_the_confirmation_changes_nothing() {
    let w = spawn_world().await;
    let id = active_signature(&w);
    let r = w
        .person
        .post(
            "/bilgilerim/iletisim",
            &with(&[("phone", "0533 999 88 77")]),
        )
        .await;
    assert!(r.body.contains("Vazgeç (hiçbir şey değişmez)"));
    // "Vazgeç" is a link back: following it posts nothing.
    assert!(
        w.person
            .get("/bilgilerim")
            .await
            .body
            .contains("0532 123 45 67")
    );
    assert_eq!(w.app.request(id).state, State::Active);
    assert_eq!(w.app.count("contact_changes"), 0);
}

#[tokio::test]
async fn open_requests_are_returned_before_forwarding_and_cancelled_after() {
    for (state, expected) in [
        (State::Submitted, State::Returned),
        (State::Approved, State::Returned),
        (State::Forwarded, State::Cancelled),
        (State::SmsHold, State::Cancelled),
    ] {
        let w = spawn_world().await;
        let id = w.app.add_request(w.staff, state, w.app.officer_a);
        let fields = with(&[
            ("phone", "0533 999 88 77"),
            ("kinds", "numara"),
            ("onay", "1"),
        ]);
        // The officer makes the change for their unit's staff member.
        let r = w
            .officer
            .post(&format!("/personel/{}/iletisim", w.staff), &fields)
            .await;
        assert_eq!(r.status, 303, "{state:?}");
        assert_eq!(w.app.request(id).state, expected, "{state:?}");
        let page = w.officer.get(&format!("/talep/{id}")).await;
        assert!(
            page.body.contains("Numara değişikliği"),
            "{state}: the reason is in the history"
        );
        assert!(
            w.person
                .get("/")
                .await
                .body
                .contains(&format!("(talep #{id})")),
            "{state}: the staff member is told"
        );
        let staff_page = w.officer.get(&format!("/personel/{}", w.staff)).await;
        assert!(
            staff_page.body.contains("Mehmet Öztürk")
                && staff_page
                    .body
                    .contains("0532 123 45 67 Turkcell → 0533 999 88 77 Turkcell")
        );
    }
}

#[tokio::test]
async fn billing_stops_the_month_after_an_invalidation() {
    let w = spawn_world().await;
    let id = active_signature(&w);
    w.app.clock.set(
        Utc.with_ymd_and_hms(2026, 10, 15, 9, 0, 0)
            .single()
            .expect("t"),
    );
    let fields = with(&[("kinds", "sim"), ("onay", "1")]);
    assert_eq!(
        w.person.post("/bilgilerim/iletisim", &fields).await.status,
        303
    );
    let run = |m: &str| {
        let month = mobilimza::domain::billing::BillingMonth::parse(m).expect("month");
        mobilimza::service::billing::run_month(
            &mut w.app.conn(),
            &mobilimza::service::Actor::system("test"),
            month,
            w.app.clock.now_naive(),
        )
        .expect("run")
        .expect("an open month");
        mobilimza::db::billing::snapshot(&mut w.app.conn(), m).expect("lines")
    };
    assert_eq!(
        run("2026-10"),
        vec![(id, 800, 400)],
        "billed for the month of the invalidation"
    );
    assert_eq!(run("2026-11"), vec![], "not from the month after");
}

#[tokio::test]
async fn officers_reach_only_their_units_staff_and_bad_numbers_are_refused() {
    let w = spawn_world().await;
    let foreign = w
        .app
        .add_staff(w.app.unit_b, 9, "Başka", "Kişi", "b@kurum.gov.tr");
    assert_eq!(
        w.officer
            .get(&format!("/personel/{foreign}/iletisim"))
            .await
            .status,
        404
    );
    assert_eq!(
        w.officer
            .post(
                &format!("/personel/{foreign}/iletisim"),
                &with(&[("onay", "1")])
            )
            .await
            .status,
        404
    );
    let r = w
        .person
        .post(
            "/bilgilerim/iletisim",
            &with(&[("phone", "0312 123 45 67")]),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("5 ile başlayan 10 hane"));
    assert_eq!(w.app.count("contact_changes"), 0);
}

use mobilimza::clock::Clock as _;

#[tokio::test]
async fn after_an_invalidation_the_officer_files_for_the_new_line_and_imports_cannot_bypass_it() {
    let w = spawn_world().await;
    let id = active_signature(&w);
    let fields = with(&[("operator", "vodafone"), ("kinds", "tasima"), ("onay", "1")]);
    assert_eq!(
        w.officer
            .post(&format!("/personel/{}/iletisim", w.staff), &fields)
            .await
            .status,
        303
    );
    assert_eq!(w.app.request(id).state, State::Invalidated);
    let page = w.officer.get(&format!("/personel/{}", w.staff)).await;
    let link = format!(
        "/talepler/yeni?personel={}&#38;gerekce=hat_operator_degisikligi",
        w.staff
    );
    assert!(page.body.contains(&link), "{}", page.body);
    let form = w
        .officer
        .get(&format!(
            "/talepler/yeni?personel={}&gerekce=hat_operator_degisikligi",
            w.staff
        ))
        .await;
    assert!(
        form.body
            .contains("<option value=\"hat_operator_degisikligi\" selected>")
    );

    // A spreadsheet with a new number for someone with a live request is refused for that row.
    let other = w
        .app
        .add_staff(w.app.unit_a, 2, "Cem", "Ak", "cem@kurum.gov.tr");
    w.app.add_request(other, State::Submitted, w.app.officer_a);
    let csv = format!(
        "T.C. Kimlik No;Ad;Soyad;Sicil No;Unvan;Birim;Kurumsal E-posta;Cep Telefonu;Operatör;Hat Tipi;Mobil İmza\n{};Cem;Ak;1;Memur;Çankaya Kaymakamlığı;cem@kurum.gov.tr;0533 111 22 33;Turkcell;Faturalı;Yok\n",
        crate::helpers::tckn(2)
    );
    let r = w
        .officer
        .upload("/personel/ice-aktar", "l.csv", csv.into_bytes())
        .await;
    let preview = w.officer.get(r.location.as_deref().expect("preview")).await;
    assert!(
        preview
            .body
            .contains("“İletişim değişikliği” sayfasından yapılmalı"),
        "{}",
        preview.body
    );
}
