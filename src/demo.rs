//! The demo organisation: a few units in real provinces and one account per
//! role, flagged as demo data so it never mixes with real accounts.

use chrono::NaiveDateTime;
use rand::Rng;

use crate::db::{self, AnyConnection, units::NewUnit, users::NewUser};
use crate::domain::role::Role;
use crate::domain::unit::UnitKind;
use crate::password::PasswordHasher;

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
    if db::users::count_real(conn)? > 0 {
        return Err(SeedError::RealData);
    }
    let seeded = db::settings::is_demo(conn)?;
    if new_passwords {
        if !seeded {
            return Err(SeedError::NotDemo);
        }
        return reset_passwords(conn, hasher, now);
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
    db::transaction(conn, |conn| {
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
        db::settings::set(conn, db::settings::DEMO, "true")?;
        db::audit::record(
            conn,
            &db::audit::AuditEntry {
                at: now,
                actor_id: None,
                action: "demo.seeded",
                target: "database",
                detail: "",
                ip: "cli",
            },
        )?;
        Ok::<_, SeedError>(())
    })?;
    Ok(logins)
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
