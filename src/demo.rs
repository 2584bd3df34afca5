//! The demo organisation: a few units in real provinces, one account per
//! role, a handful of hand-made requests (the demo staff member's own among
//! them) and about four years of generated history for the organisation
//! ([`scale::generate_organisation`]), all flagged as demo data so it never
//! mixes with real accounts.

use chrono::NaiveDateTime;
use rand::Rng;

use crate::db::{self, AnyConnection, requests::CREATED, units::NewUnit, users::NewUser};
use crate::domain::audit::AuditAction;
use crate::domain::request::{DocsWay, Reason};
use crate::domain::role::Role;
use crate::domain::staff::{LineType, Operator};
use crate::domain::unit::UnitKind;
use crate::domain::workflow::State;
use crate::password::PasswordHasher;

pub mod scale;

pub const DEMO_DOMAIN: &str = "demo.mobilimza.test";

/// One printed login.
pub struct DemoLogin {
    pub role: Role,
    pub email: String,
    pub password: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(
        "Bu veritabanında gerçek (demo olmayan) kullanıcılar var; demo verisi gerçek veriyle karışmasın diye yükleme yapılmadı. Demo için boş bir veritabanı kullanın (örn. DATABASE_URL=sqlite://demo.db)."
    )]
    RealData,
    #[error("Demo verisi zaten yüklü.")]
    AlreadySeeded,
    #[error("Bu veritabanında demo verisi yok.")]
    NotDemo,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for SeedError {
    fn from(e: diesel::result::Error) -> Self {
        SeedError::Other(e.into())
    }
}

const UNITS: &[(i32, &str, UnitKind)] = &[
    (
        6,
        "Ankara Valiliği Bilgi İşlem Şube Müdürlüğü",
        UnitKind::Valilik,
    ),
    (6, "Çankaya Kaymakamlığı", UnitKind::Kaymakamlik),
    (34, "Kadıköy Kaymakamlığı", UnitKind::Kaymakamlik),
    (35, "İzmir İl Müdürlüğü", UnitKind::IlMudurlugu),
    (76, "Iğdır Valiliği", UnitKind::Valilik),
];

/// How the organisation's generated staff are spread over [`UNITS`]: the
/// demo officer's two units hold most of them.
const UNIT_WEIGHTS: [u32; 5] = [5, 4, 2, 2, 1];

/// Requests generated for the demo organisation (about a third as many
/// staff), over three to four years back from the day of the seed.
pub const ORGANISATION_REQUESTS: usize = 540;

/// (role, e-mail local part, name, indexes into UNITS for officers)
const ACCOUNTS: &[(Role, &str, &str, &[usize])] = &[
    (Role::Admin, "yonetici", "Zeynep Aydın", &[]),
    (Role::Officer, "sorumlu", "Mehmet Öztürk", &[0, 1]),
    (Role::Reviewer, "sef", "Ayşe Çelik", &[]),
    (Role::Finance, "mali", "Hüseyin Şahin", &[]),
    (Role::Staff, "personel", "İlknur Yıldız", &[]),
];

pub fn random_password() -> String {
    // No look-alike characters (0/O, 1/l/I): the password is read off a terminal.
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Seeds an empty database (or one with only demo data when `new_passwords`
/// is set: then only fresh passwords are issued and printed).
pub fn seed(
    conn: &mut AnyConnection,
    hasher: &PasswordHasher,
    now: NaiveDateTime,
    new_passwords: bool,
) -> Result<Vec<DemoLogin>, SeedError> {
    seed_with(conn, hasher, now, new_passwords, None).map(|(logins, _)| logins)
}

/// The demo organisation plus a national dataset of `n` requests
/// ([`scale::generate`]) in the same transaction, under one audit row.
pub fn seed_scaled(
    conn: &mut AnyConnection,
    hasher: &PasswordHasher,
    now: NaiveDateTime,
    n: usize,
) -> Result<(Vec<DemoLogin>, scale::ScaleReport), SeedError> {
    let (logins, report) = seed_with(conn, hasher, now, false, Some(n))?;
    Ok((logins, report.unwrap_or_default()))
}

fn seed_with(
    conn: &mut AnyConnection,
    hasher: &PasswordHasher,
    now: NaiveDateTime,
    new_passwords: bool,
    scale: Option<usize>,
) -> Result<(Vec<DemoLogin>, Option<scale::ScaleReport>), SeedError> {
    if db::users::count_real(conn)? > 0 {
        return Err(SeedError::RealData);
    }
    let seeded = db::settings::is_demo(conn)?;
    if new_passwords {
        if !seeded {
            return Err(SeedError::NotDemo);
        }
        return reset_passwords(conn, hasher, now).map(|l| (l, None));
    }
    if seeded || db::users::count_all(conn)? > 0 {
        return Err(SeedError::AlreadySeeded);
    }
    // Hash before the transaction: a write lock is not held during Argon2.
    let logins: Vec<DemoLogin> = ACCOUNTS
        .iter()
        .map(|(role, local, _, _)| DemoLogin {
            role: *role,
            email: format!("{local}@{DEMO_DOMAIN}"),
            password: random_password(),
        })
        .collect();
    let hashes = logins
        .iter()
        .map(|l| hasher.hash(&l.password))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let report = db::transaction(conn, |conn| {
        let mut unit_ids = Vec::new();
        for (province, name, kind) in UNITS {
            unit_ids.push(db::units::create(
                conn,
                &NewUnit {
                    province_id: *province,
                    name,
                    kind: kind.code(),
                    active: true,
                    created_at: now,
                },
            )?);
        }
        for ((login, hash), (_, _, name, units)) in logins.iter().zip(&hashes).zip(ACCOUNTS) {
            let units: Vec<i32> = units.iter().map(|i| unit_ids[*i]).collect();
            let new = NewUser {
                email: &login.email,
                name,
                password_hash: hash,
                active: true,
                is_demo: true,
                created_at: now,
                updated_at: now,
            };
            db::users::create(conn, &new, &[login.role], &units)?;
        }
        seed_staff_and_requests(conn, &unit_ids, now)?;
        let actors = scale::actors(conn)?;
        let report = match scale {
            Some(n) => scale::generate(conn, n, actors, now)?,
            None => {
                let units: Vec<(i32, u32)> = unit_ids.iter().copied().zip(UNIT_WEIGHTS).collect();
                scale::generate_organisation(conn, &units, ORGANISATION_REQUESTS, actors, now)?
            }
        };
        db::settings::set(conn, db::settings::DEMO, "true")?;
        let detail = format!("scale={}", scale.unwrap_or(ORGANISATION_REQUESTS));
        crate::service::audit(
            conn,
            &crate::service::Actor::system("cli"),
            AuditAction::DemoSeeded,
            "database",
            &detail,
            now,
        )
        .map_err(anyhow::Error::from)?;
        Ok::<_, SeedError>(report)
    })?;
    db::staff::fill_sort_names(conn)?;
    db::demo_scale::analyze(conn)?;
    Ok((logins, Some(report)))
}

/// One demo staff member and the state of their request, if any.
struct DemoStaff(
    usize,
    &'static str,
    &'static str,
    &'static str,
    Operator,
    Option<State>,
);

/// (unit index, first, last, e-mail local part, operator, request state)
const STAFF: &[DemoStaff] = &[
    DemoStaff(
        0,
        "İlknur",
        "Yıldız",
        "personel",
        Operator::Turkcell,
        Some(State::SmsHold),
    ),
    DemoStaff(
        0,
        "Çağrı",
        "Işık",
        "cagri.isik",
        Operator::Vodafone,
        Some(State::Submitted),
    ),
    DemoStaff(
        0,
        "Osman",
        "Kaya",
        "osman.kaya",
        Operator::Turkcell,
        Some(State::Approved),
    ),
    DemoStaff(
        1,
        "Şule",
        "Demir",
        "sule.demir",
        Operator::TurkTelekom,
        Some(State::Forwarded),
    ),
    DemoStaff(
        1,
        "Ömer",
        "Güneş",
        "omer.gunes",
        Operator::Turkcell,
        Some(State::Active),
    ),
    DemoStaff(
        1,
        "Elif",
        "Arslan",
        "elif.arslan",
        Operator::Turkcell,
        Some(State::Returned),
    ),
    DemoStaff(0, "Hakan", "Doğan", "hakan.dogan", Operator::Vodafone, None),
    DemoStaff(1, "Gülşen", "Koç", "gulsen.koc", Operator::Turkcell, None),
];

/// A valid (fictional) T.C. kimlik no from a 9-digit base.
fn demo_tckn(n: u32) -> String {
    let base = format!("{:09}", 200_000_000 + n * 7_919);
    let d: Vec<i32> = base.bytes().map(|b| i32::from(b - b'0')).collect();
    let d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])).rem_euclid(10);
    let d11 = (d.iter().sum::<i32>() + d10) % 10;
    format!("{base}{d10}{d11}")
}

fn seed_staff_and_requests(
    conn: &mut AnyConnection,
    unit_ids: &[i32],
    now: NaiveDateTime,
) -> Result<(), SeedError> {
    use crate::db::requests::{HistoryEntry, NewRequest, RequestUpdate};
    let officer = db::users::find_by_email(conn, &format!("sorumlu@{DEMO_DOMAIN}"))?
        .map(|u| u.id)
        .unwrap_or(1);
    for (i, DemoStaff(unit, first, last, local, operator, state)) in STAFF.iter().enumerate() {
        let tckn = demo_tckn(i as u32 + 1);
        let email = format!("{local}@{DEMO_DOMAIN}");
        let phone = format!("+90532{:07}", 1_000_000 + i * 1_111);
        let search = crate::domain::staff::search_key(&format!("{first} {last}"));
        let values = db::staff::StaffValues {
            tckn: &tckn,
            first_name: first,
            last_name: last,
            sicil_no: &format!("{}", 40_100 + i),
            title: "Veri Hazırlama ve Kontrol İşletmeni",
            unit_id: unit_ids[*unit],
            email: &email,
            phone: &phone,
            operator: *operator,
            line_type: LineType::Faturali,
            has_signature: *state == Some(State::Active),
            search_name: &search,
            sort_name: db::staff::sort_name(first, last),
            updated_at: now,
        };
        let staff_id = db::staff::insert(conn, &values, now)?;
        let Some(state) = state else { continue };
        let id = db::requests::insert(
            conn,
            &NewRequest {
                staff_id,
                unit_id: unit_ids[*unit],
                state: *state,
                reason: Reason::FirstApplication,
                note: "",
                kvkk_ack: true,
                phone: &phone,
                operator: *operator,
                line_type: LineType::Faturali,
                created_by: officer,
                created_at: now,
                updated_at: now,
                submitted_at: Some(now),
                form_token: None,
            },
        )?;
        let history = HistoryEntry {
            at: now,
            actor_id: Some(officer),
            action: CREATED,
            from_state: State::Draft,
            to_state: *state,
            note: "Demo verisi",
        };
        db::requests::add_history(conn, id, &history)?;
        let past = |h: i64| Some(now - chrono::Duration::hours(h));
        let facts = match *state {
            State::Forwarded => RequestUpdate {
                form_emailed_at: past(20),
                ..Default::default()
            },
            State::SmsHold => RequestUpdate {
                form_emailed_at: past(30),
                form_signed_at: past(28),
                docs_way: Some(DocsWay::Kep),
                docs_ref: Some("KEP-2026-0042".into()),
                docs_sent_at: past(26),
                docs_received_at: past(25),
                sms_at: past(2),
                ..Default::default()
            },
            State::Active => RequestUpdate {
                sms_at: past(60),
                produced_at: past(50),
                activated_at: past(48),
                certificate_serial: Some("KSM-DEMO-0001".into()),
                valid_until: (now - chrono::Duration::hours(50))
                    .checked_add_months(chrono::Months::new(36)),
                ..Default::default()
            },
            _ => RequestUpdate::default(),
        };
        if facts.sms_at.is_some() || facts.form_emailed_at.is_some() {
            db::requests::set_facts(conn, id, &facts)?;
        }
        if let Some(produced) = facts.produced_at {
            // The demo's active signature carries the fee it accrued.
            let day = crate::domain::time::local_day(produced);
            let fees = db::fees::fee_periods(conn, *operator)?;
            let kdv = db::fees::kdv_periods(conn)?;
            if let Ok(accrual) = crate::domain::fees::certificate_fee(&fees, &kdv, &[], false, day)
            {
                let new = db::fees::NewAccrual {
                    request_id: id,
                    staff_id,
                    unit_id: unit_ids[*unit],
                    operator: *operator,
                    accrual: &accrual,
                    exception_reason: None,
                    now,
                };
                db::fees::insert(conn, &new)?;
            }
        }
    }
    Ok(())
}

fn reset_passwords(
    conn: &mut AnyConnection,
    hasher: &PasswordHasher,
    now: NaiveDateTime,
) -> Result<Vec<DemoLogin>, SeedError> {
    let users = db::users::demo_users(conn)?;
    let mut out = Vec::new();
    for user in users {
        let role = db::users::roles_of(conn, user.id)?
            .first()
            .copied()
            .unwrap_or(Role::Staff);
        let password = random_password();
        let hash = hasher.hash(&password)?;
        db::transaction(conn, |conn| {
            db::users::set_password(conn, user.id, &hash, now)?;
            db::auth::delete_user_sessions(conn, user.id, None)?;
            Ok::<_, SeedError>(())
        })?;
        out.push(DemoLogin {
            role,
            email: user.email,
            password,
        });
    }
    Ok(out)
}
