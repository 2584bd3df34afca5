//! KVKK: closed records past retention are anonymised by a command (names
//! and numbers go, states, dates and fees stay), and a full T.C. number is
//! shown only behind an audited "Göster".

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use mobilimza::clock::Clock as _;
use mobilimza::db::{self, requests::RequestUpdate, schema::staff};
use mobilimza::domain::kvkk::Retention;
use mobilimza::domain::tckn::mask;
use mobilimza::domain::workflow::State;
use mobilimza::service::{Actor, kvkk};

use crate::helpers::{Org, TestApp, spawn_org, tckn};

fn day(y: i32, m: u32, d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .expect("date")
}

/// A request produced through the portal (so its fee accrues), then closed
/// long ago with personal details in its note, reference and timeline.
async fn old_produced_request(org: &Org, staff: i32) -> i32 {
    let id = org.add_request(staff, State::SmsHold, org.officer_a);
    let sms = org.clock.now_naive() - chrono::Duration::hours(7);
    let hold = RequestUpdate {
        sms_at: Some(sms),
        ..Default::default()
    };
    org.set_request(id, &hold);
    let reviewer = org.login_reviewer().await;
    let r = reviewer
        .act(id, &[("action", "produce"), ("serial", "KSM-ESKI-77")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let closed = RequestUpdate {
        state: Some(State::Revoked),
        ended_at: Some(day(2020, 3, 1)),
        note: Some("Zeynep Hanım 0532 999 88 77 numarasından aradı".into()),
        docs_ref: Some("KEP-ZEYNEP-2019".into()),
        ..Default::default()
    };
    org.set_request(id, &closed);
    let entry = db::requests::HistoryEntry {
        at: day(2020, 3, 1),
        actor_id: Some(org.reviewer),
        action: "revoke",
        from_state: State::Active,
        to_state: State::Revoked,
        note: "Zeynep Kaya istifa etti",
    };
    db::requests::add_history(&mut org.conn(), id, &entry).expect("history");
    id
}

/// A request in `state` that ended (`ended_at`, or only `updated_at`) at `end`.
fn closed_request(org: &Org, staff: i32, state: State, end: NaiveDateTime, ended: bool) -> i32 {
    let id = org.add_request(staff, state, org.officer_a);
    let update = RequestUpdate {
        updated_at: Some(end),
        ended_at: ended.then_some(end),
        ..Default::default()
    };
    org.set_request(id, &update);
    id
}

fn first_name(app: &TestApp, id: i32) -> String {
    staff::table
        .find(id)
        .select(staff::first_name)
        .first(&mut app.conn())
        .expect("staff")
}

fn stored_tckn(app: &TestApp, id: i32) -> String {
    staff::table
        .find(id)
        .select(staff::tckn)
        .first(&mut app.conn())
        .expect("staff")
}

fn run(app: &TestApp, older_than: &str, dry_run: bool) -> kvkk::Report {
    let retention = Retention::parse(older_than).expect("period");
    let now = app.clock.now_naive();
    kvkk::anonymise(
        &mut app.conn(),
        &Actor::system("test"),
        retention,
        dry_run,
        now,
    )
    .expect("anonymise")
}

/// The fee totals of the finance page.
async fn fee_totals(org: &Org) -> String {
    let page = org.login_finance().await.get("/mali").await;
    assert_eq!(page.status, 200);
    let start = page.body.find("<h2>Toplamlar</h2>").expect("totals");
    let end = page.body.find("<h2>Ücret satırları</h2>").expect("lines");
    page.body[start..end].to_owned()
}

#[tokio::test]
async fn closed_records_past_retention_are_anonymised_once_and_the_rest_kept() {
    let org = spawn_org().await;
    let unit = org.unit_a;
    let old = org.add_staff(unit, 11, "Zeynep", "Kaya", "zeynep@kurum.gov.tr");
    let produced = old_produced_request(&org, old).await;
    // Closed before `ended_at` was kept: its last change counts.
    let rejected = closed_request(&org, old, State::Rejected, day(2019, 5, 2), false);
    let officer = org.login_officer_a().await;
    let change = db::contact::NewChange {
        staff_id: old,
        at: day(2019, 6, 1),
        actor_id: org.officer_a,
        old: &db::staff::find(&mut org.conn(), old)
            .expect("q")
            .expect("staff")
            .contact(),
        new: &mobilimza::domain::contact::Contact {
            phone: "+905339998877".into(),
            ..db::staff::find(&mut org.conn(), old)
                .expect("q")
                .expect("staff")
                .contact()
        },
        kinds: "numara",
        invalidated_request_id: None,
    };
    db::contact::record(&mut org.conn(), &change).expect("change");
    let link = format!("/talep/{produced}");
    let text = "Zeynep Kaya: mobil imzanın süresi doldu.";
    db::contact::notify(&mut org.conn(), org.officer_a, day(2020, 3, 1), text, &link)
        .expect("notice");
    let rows = format!("[{{\"tckn\":\"{}\",\"ad\":\"Zeynep\"}}]", tckn(11));
    let old_import = db::imports::create(
        &mut org.conn(),
        org.officer_a,
        "eski.csv",
        &rows,
        day(2019, 1, 1),
    )
    .expect("import");
    let new_import = db::imports::create(
        &mut org.conn(),
        org.officer_a,
        "yeni.csv",
        &rows,
        org.clock.now_naive(),
    )
    .expect("import");

    // Kept: a recent closed request, an active signature next to an old
    // closed one, and a record without requests.
    let recent = org.add_staff(unit, 12, "Recep", "Yeni", "recep@kurum.gov.tr");
    closed_request(&org, recent, State::Cancelled, day(2026, 1, 10), true);
    let active = org.add_staff(unit, 13, "Aktif", "İmzalı", "aktif@kurum.gov.tr");
    closed_request(&org, active, State::Expired, day(2018, 1, 1), true);
    org.add_request(active, State::Active, org.officer_a);
    let none = org.add_staff(unit, 14, "Hiç", "Talepsiz", "hic@kurum.gov.tr");

    let totals = fee_totals(&org).await;
    assert!(totals.contains("id=\"toplam-adet\">1<"), "{totals}");

    // A dry run says what would change and changes nothing.
    let dry = run(&org, "5y", true);
    assert_eq!(dry.staff.len(), 1, "{dry:?}");
    assert_eq!(dry.staff[0].staff_id, old);
    assert_eq!(dry.staff[0].requests, vec![produced, rejected]);
    assert_eq!(
        (dry.requests, dry.history_notes, dry.contact_changes),
        (2, 2, 1)
    );
    assert_eq!((dry.notices, dry.imports), (1, 1));
    assert!(
        dry.summary().starts_with(
            "Deneme (--dry-run), hiçbir kayıt değişmedi: 1 personel, 2 talep anonimleştirilecekti"
        ),
        "{}",
        dry.summary()
    );
    assert_eq!(first_name(&org, old), "Zeynep");
    assert_eq!(stored_tckn(&org, old), tckn(11));
    assert_eq!(org.count("imports WHERE rows_json = '[]'"), 0);
    // The production's note (the serial) and the revocation's.
    assert_eq!(org.count("request_history WHERE note <> ''"), 2);
    assert_eq!(org.count("audit_log WHERE action = 'kvkk.anonymised'"), 0);

    let report = run(&org, "5y", false);
    assert_eq!(report.staff.len(), 1);
    assert_eq!(
        (
            report.requests,
            report.history_notes,
            report.contact_changes
        ),
        (2, 2, 1)
    );
    assert_eq!((report.notices, report.imports), (1, 1));
    assert!(
        report
            .summary()
            .starts_with("1 personel, 2 talep anonimleştirildi;"),
        "{}",
        report.summary()
    );
    assert!(
        report
            .summary()
            .contains("kesim tarihi 23.11.2021 12:00 (saklama süresi 5 yıl)")
    );
    let audit = format!(
        "audit_log WHERE action = 'kvkk.anonymised' AND actor_id IS NULL AND ip = 'test' AND detail = '{}'",
        report.summary()
    );
    assert_eq!(org.count(&audit), 1);

    // Names and numbers are gone from the staff page, the list and the request page.
    let record = officer.get(&format!("/personel/{old}")).await;
    assert_eq!(record.status, 200);
    assert!(
        record.body.contains(&format!("Anonim Kişi #{old}")),
        "{}",
        record.body
    );
    assert!(record.body.contains("anonimleştirildi"));
    for gone in [
        "Zeynep",
        "Kaya",
        &tckn(11),
        &mask(&tckn(11)),
        "zeynep@kurum.gov.tr",
        "Göster",
    ] {
        assert!(!record.body.contains(gone), "{gone}: {}", record.body);
    }
    let list = officer.get("/personel").await;
    assert!(list.body.contains(&format!("Anonim Kişi #{old}")));
    assert!(!list.body.contains("Zeynep") && list.body.contains("Recep Yeni"));
    let reviewer = org.login_reviewer().await;
    let page = reviewer.get(&format!("/talep/{produced}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("Anonim Kişi #{old}")));
    for gone in [
        "Zeynep",
        "Kaya",
        "KSM-ESKI-77",
        "KEP-ZEYNEP",
        "0532 999 88 77",
        "0532 123 45 67",
        "istifa",
    ] {
        assert!(!page.body.contains(gone), "{gone}: {}", page.body);
    }
    assert!(
        page.body.contains("İptal edildi (sertifika)"),
        "the state stays"
    );
    let home = officer.get("/").await;
    assert!(!home.body.contains("Zeynep"), "{}", home.body);
    assert_eq!(
        org.count("contact_changes WHERE old_phone <> '' OR new_phone <> ''"),
        0
    );
    assert_eq!(
        org.count("contact_changes WHERE new_operator = 'turkcell'"),
        1
    );
    let emptied = format!("imports WHERE rows_json = '[]' AND id = {old_import}");
    assert_eq!(org.count(&emptied), 1);
    assert_eq!(
        org.count(&format!(
            "imports WHERE rows_json = '[]' AND id = {new_import}"
        )),
        0
    );

    // Statistics and fees stay.
    assert_eq!(fee_totals(&org).await, totals);
    assert_eq!(org.count("fee_accruals"), 1);
    let kept = format!(
        "requests WHERE staff_id = {old} AND unit_id = {unit} AND operator = 'turkcell' \
         AND line_type = 'faturali' AND produced_at IS NOT NULL AND ended_at IS NOT NULL"
    );
    assert_eq!(org.count(&kept), 1);
    assert_eq!(org.request(rejected).state, State::Rejected);
    assert_eq!(org.request(rejected).updated_at, day(2019, 5, 2));

    // The others are untouched.
    assert_eq!(first_name(&org, recent), "Recep");
    assert_eq!(first_name(&org, active), "Aktif");
    assert_eq!(first_name(&org, none), "Hiç");
    assert_eq!(stored_tckn(&org, active), tckn(13));

    // An anonymised record takes no edit and no new request.
    let r = officer
        .post(
            &format!("/personel/{old}"),
            &[
                ("first_name", "Zeynep"),
                ("last_name", "Kaya"),
                ("unit_id", &unit.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(first_name(&org, old), "Anonim");
    let r = officer.get(&format!("/talepler/yeni?personel={old}")).await;
    assert_eq!(r.status, 404);

    // A second run finds nothing left to do.
    let again = run(&org, "5y", false);
    assert!(again.staff.is_empty());
    let counts = (
        again.requests,
        again.history_notes,
        again.contact_changes,
        again.notices,
        again.imports,
    );
    assert_eq!(counts, (0, 0, 0, 0, 0));
    assert!(again.summary().starts_with("0 personel, 0 talep"));
    assert_eq!(stored_tckn(&org, old), format!("ANON{old:07}"));
    assert_eq!(org.count("audit_log WHERE action = 'kvkk.anonymised'"), 2);

    // A shorter period reaches the recent one.
    assert_eq!(run(&org, "300d", false).staff.len(), 1);
    assert_eq!(first_name(&org, recent), "Anonim");
    assert_eq!(first_name(&org, active), "Aktif");
}

#[tokio::test]
async fn the_command_refuses_short_periods_and_prints_a_dry_run_in_turkish() {
    let org = spawn_org().await;
    let old = org.add_staff(org.unit_a, 11, "Zeynep", "Kaya", "zeynep@kurum.gov.tr");
    let id = closed_request(&org, old, State::Cancelled, day(2019, 1, 1), true);

    let (code, _, err) = org.cli(&["anonymise", "--older-than", "10d"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("--older-than: Saklama süresi en az 30 gün (1 ay) olmalı (verilen: 10 gün)"),
        "{err}"
    );
    let (code, _, err) = org.cli(&["anonymise", "--older-than", "5 hafta"]);
    assert_eq!(code, 1);
    assert!(err.contains("5y (yıl), 36m (ay) ya da 400d (gün)"), "{err}");

    let (code, out, err) = org.cli(&["anonymise", "--older-than", "5y", "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!(
            "personel #{old}: 1 talep (#{id}), son bitiş 01.01.2019 12:00"
        )),
        "{out}"
    );
    assert!(
        out.contains(
            "Deneme (--dry-run), hiçbir kayıt değişmedi: 1 personel, 1 talep anonimleştirilecekti"
        ),
        "{out}"
    );
    assert!(!out.contains("Zeynep"), "no names on the terminal: {out}");
    assert_eq!(first_name(&org, old), "Zeynep");

    let (code, out, err) = org.cli(&["anonymise", "--older-than", "5y"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("1 personel, 1 talep anonimleştirildi;"),
        "{out}"
    );
    assert_eq!(first_name(&org, old), "Anonim");
    let audit = "audit_log WHERE action = 'kvkk.anonymised' AND ip = 'cli'";
    assert_eq!(org.count(audit), 1);
}

#[tokio::test]
async fn the_staff_page_masks_the_number_until_an_audited_goster() {
    let org = spawn_org().await;
    let id = org.add_staff_record();
    let full = tckn(crate::helpers::STAFF_TCKN_N);
    let officer = org.login_officer_a().await;
    let page = officer.get(&format!("/personel/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&mask(&full)), "{}", page.body);
    assert!(!page.body.contains(&full), "{}", page.body);
    assert!(page.body.contains("Göster"));
    assert!(page.body.contains(&format!("action=\"/personel/{id}/tc\"")));

    let shown = officer.post(&format!("/personel/{id}/tc"), &[]).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(shown.body.contains(&full), "{}", shown.body);
    assert!(shown.body.contains("denetim kaydına yazıldı"));
    let audit = format!(
        "audit_log WHERE action = 'staff.tckn_shown' AND target = 'staff:{id}' AND actor_id = {}",
        org.officer_a
    );
    assert_eq!(org.count(&audit), 1);
    assert_eq!(
        org.count(&format!("audit_log WHERE detail LIKE '%{full}%'")),
        0,
        "no number in the log"
    );

    // Another unit's officer: not found, nothing audited; there is no GET.
    let other = org.login_officer_b().await;
    assert_eq!(
        other.post(&format!("/personel/{id}/tc"), &[]).await.status,
        404
    );
    assert_eq!(other.get(&format!("/personel/{id}")).await.status, 404);
    assert_eq!(officer.get(&format!("/personel/{id}/tc")).await.status, 404);
    assert_eq!(org.count("audit_log WHERE action = 'staff.tckn_shown'"), 1);
    // Without the CSRF token: refused.
    let r = officer.post_raw(&format!("/personel/{id}/tc"), &[]).await;
    assert_eq!(r.status, 403);
    assert_eq!(org.count("audit_log WHERE action = 'staff.tckn_shown'"), 1);
}

#[tokio::test]
async fn an_empty_tc_field_keeps_the_stored_number_and_a_typed_one_replaces_it() {
    let org = spawn_org().await;
    let id = org.add_staff_record();
    let full = tckn(crate::helpers::STAFF_TCKN_N);
    let officer = org.login_officer_a().await;
    let unit = org.unit_a.to_string();
    let edit = |tc: &'static str| {
        vec![
            ("tckn", tc),
            ("first_name", "İlknur"),
            ("last_name", "Yıldız"),
            ("sicil_no", "1234"),
            ("title", "Şef"),
            ("email", crate::helpers::STAFF_EMAIL),
            ("unit_id", unit.as_str()),
        ]
    };
    let path = format!("/personel/{id}");
    let r = officer.post(&path, &edit("")).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(stored_tckn(&org, id), full);
    let title: String = staff::table
        .find(id)
        .select(staff::title)
        .first(&mut org.conn())
        .expect("staff");
    assert_eq!(title, "Şef");

    // A bad number is reported; the form shows what was typed, not the stored one.
    let r = officer.post(&path, &edit("17291716050")).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("kontrol haneleri tutmuyor"), "{}", r.body);
    assert!(!r.body.contains(&full), "{}", r.body);
    assert!(r.body.contains(&mask(&full)));
    assert_eq!(stored_tckn(&org, id), full);

    let r = officer.post(&path, &edit("172 917 160 60")).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(stored_tckn(&org, id), "17291716060");
}
