//! The subcommands behind `main.rs`: serve, migrate, create-user, seed-demo,
//! demo, billing-run, audit-verify, anonymise.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::db;
use crate::demo::{self, DemoLogin, SeedError};
use crate::domain::auth::check_new_password;
use crate::domain::email::Email;
use crate::domain::role::Role;
use crate::password::PasswordHasher;
use crate::service::Actor;
use crate::service::accounts::{self, UserInput, UserSaved};
use crate::service::audit_trail::{self, ChainReport};
use crate::service::maintenance;

#[derive(Debug, Parser)]
#[command(name = "mobilimza", version, about = "Mobil İmza Talep Portalı")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Veritabanını günceller ve portalı sunar.
    Serve,
    /// Yalnızca veritabanı göçlerini (migrations) çalıştırır.
    Migrate {
        /// Hiçbir şeyi değiştirmeden söyler: güncel (0), geride (1: göç bekliyor)
        /// ya da ileride (3: veritabanı bu sürümden yeni; portal onu açmaz).
        #[arg(long)]
        check: bool,
    },
    /// SQLite veritabanının çalışırken tutarlı bir kopyasını alır (PostgreSQL: pg_dump).
    Backup {
        /// Yedek dosyası (var olmamalı)
        path: std::path::PathBuf,
    },
    /// Bir yedeği denetleyip (bütünlük, şema, denetim zinciri) veritabanının yerine koyar.
    Restore {
        /// Yedek dosyası
        path: std::path::PathBuf,
        /// Veritabanı dosyası varken de geri yükle (önce portalı durdurun; eski dosya saklanır)
        #[arg(long)]
        force: bool,
    },
    /// Kullanıcı oluşturur; parola standart girdiden okunur ya da sorulur.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Virgülle ayrılmış roller: officer, reviewer, finance, staff, admin
        #[arg(long, value_delimiter = ',', required = true)]
        roles: Vec<String>,
        /// Proje Sorumlusu için birim numaraları (virgülle ayrılmış)
        #[arg(long, value_delimiter = ',')]
        units: Vec<i32>,
    },
    /// Boş bir veritabanına demo kurumu ve her rol için bir demo hesabı yükler.
    SeedDemo {
        /// Demo hesaplarına yeni parolalar verir ve yazdırır.
        #[arg(long)]
        new_passwords: bool,
        /// Ulusal ölçekte veri: N talep (örn. 150000), ~1 000 birim, N/3 personel,
        /// ücretler ve 36 aylık faturalama (yük ölçümü için).
        #[arg(long, value_name = "N", conflicts_with = "new_passwords")]
        scale: Option<usize>,
    },
    /// migrate + (boşsa) seed-demo + serve: denemek için tek komut.
    Demo,
    /// Bir ayın kullanım ücreti satırlarını üretir (aynı ay yeniden çalıştırılabilir; kapalı ay reddedilir).
    BillingRun {
        /// yyyy-aa; verilmezse geçen ay
        #[arg(long)]
        month: Option<String>,
    },
    /// Denetim kaydının mühür zincirini baştan sona doğrular; bozuksa ilk bozuk kaydı adıyla söyler (çıkış kodu 1).
    AuditVerify,
    /// KVKK: saklama süresi dolmuş kapanmış kayıtlardaki kişileri anonimleştirir
    /// (ad, T.C., sicil, e-posta, telefon; istatistik ve ücretler kalır).
    Anonymise {
        /// Saklama süresi: 5y (yıl), 36m (ay) ya da 400d (gün); en az 30 gün
        #[arg(long, value_name = "SÜRE")]
        older_than: String,
        /// Neyin değişeceğini yazar, hiçbir şeyi değiştirmez.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Runs one subcommand; the exit code is 1 when `audit-verify` finds the
/// chain broken (errors are returned instead).
pub async fn run(cli: Cli, config: Config) -> anyhow::Result<ExitCode> {
    if !matches!(
        cli.command,
        Command::Migrate { .. } | Command::Backup { .. }
    ) {
        // Every other command may write audit rows (or checks them).
        crate::app::install_audit_key(&config)?;
    }
    match cli.command {
        Command::AuditVerify => audit_verify(&config),
        Command::Migrate { check: true } => migrate_check(&config),
        command => run_other(command, config).await.map(|()| ExitCode::SUCCESS),
    }
}

async fn run_other(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => crate::app::serve(config).await,
        Command::Migrate { .. } => {
            let mut conn = db::connect(&config.database)?;
            let n = db::run_migrations(&mut conn)?;
            println!("Veritabanı güncel ({n} göç uygulandı).");
            Ok(())
        }
        Command::CreateUser {
            email,
            name,
            roles,
            units,
        } => create_user(&config, &email, &name, &roles, &units),
        Command::SeedDemo {
            new_passwords,
            scale: None,
        } => {
            let logins = seed_demo(&config, new_passwords)?;
            print_logins(&config, &logins);
            Ok(())
        }
        Command::SeedDemo { scale: Some(n), .. } => {
            let logins = seed_demo_scaled(&config, n)?;
            print_logins(&config, &logins);
            Ok(())
        }
        Command::BillingRun { month } => billing_run(&config, month.as_deref()),
        Command::Anonymise {
            older_than,
            dry_run,
        } => anonymise(&config, &older_than, dry_run),
        Command::Demo => {
            match seed_demo(&config, false) {
                Ok(logins) => print_logins(&config, &logins),
                Err(SeedError::AlreadySeeded) => println!(
                    "Demo verisi zaten yüklü; parolalar ilk yüklemede yazdırıldı. \
                     Yeni parolalar için: mobilimza seed-demo --new-passwords"
                ),
                Err(e) => return Err(e.into()),
            }
            crate::app::serve(config).await
        }
        Command::AuditVerify => Ok(()),
        Command::Backup { path } => backup(&config, &path),
        Command::Restore { path, force } => restore(&config, &path, force),
    }
}

/// `mobilimza migrate --check`: exit 0 current, 1 behind, 3 ahead.
fn migrate_check(config: &Config) -> anyhow::Result<ExitCode> {
    let mut conn = db::connect(&config.database)?;
    Ok(match db::migration_state(&mut conn)? {
        db::MigrationState::Current => {
            println!("Veritabanı güncel.");
            ExitCode::SUCCESS
        }
        db::MigrationState::Behind(pending) => {
            println!(
                "Veritabanı geride: {} göç bekliyor ({}); `mobilimza migrate` ya da `serve` uygular.",
                pending.len(),
                pending.join(", ")
            );
            ExitCode::from(1)
        }
        db::MigrationState::Ahead(newer) => {
            println!(
                "Veritabanı bu sürümden yeni (bilinmeyen göçler: {}); bu sürüm onu açmaz.",
                newer.join(", ")
            );
            ExitCode::from(3)
        }
    })
}

/// `mobilimza backup PATH`.
fn backup(config: &Config, path: &std::path::Path) -> anyhow::Result<()> {
    let mut conn = db::connect(&config.database)?;
    let copy = maintenance::backup(&mut conn, path)?;
    println!(
        "Yedek alındı: {} ({} bayt, {} talep, {} denetim kaydı).",
        copy.path.display(),
        copy.bytes,
        copy.requests,
        copy.audit_rows
    );
    Ok(())
}

/// `mobilimza restore PATH [--force]`.
fn restore(config: &Config, path: &std::path::Path, force: bool) -> anyhow::Result<()> {
    let target = config.database.sqlite_path().ok_or_else(|| {
        anyhow::anyhow!("geri yükleme SQLite içindir; PostgreSQL için pg_restore kullanın")
    })?;
    let (copy, kept) = maintenance::restore(path, target, force, SystemClock.now_naive())?;
    if let Some(old) = kept {
        println!("Önceki veritabanı saklandı: {}", old.display());
    }
    println!(
        "Geri yüklendi: {} ({} talep, {} denetim kaydı; bütünlük, şema ve denetim zinciri sağlam).",
        copy.path.display(),
        copy.requests,
        copy.audit_rows
    );
    Ok(())
}

/// `mobilimza audit-verify`: the verdict on standard output, exit code 1
/// when the chain is broken.
fn audit_verify(config: &Config) -> anyhow::Result<ExitCode> {
    let pool = db::open(&config.database)?;
    let mut conn = pool.get()?;
    let report = audit_trail::verify(&mut conn, SystemClock.now_naive())?;
    let (lines, ok) = verdict(&report);
    for line in lines {
        println!("{line}");
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The lines `audit-verify` prints, and whether the chain is intact.
pub fn verdict(report: &ChainReport) -> (Vec<String>, bool) {
    match &report.broken {
        None => {
            let mut lines = vec![format!("Denetim kaydı sağlam: {} kayıt", report.rows)];
            if let Some((id, hash)) = &report.last {
                lines.push(format!(
                    "Son kayıt #{id}, mühür {hash} (sondan silinen kayıtları görmek için bu satırı başka bir yerde saklayın)"
                ));
            }
            (lines, true)
        }
        Some(broken) => (vec![format!("Denetim kaydı bozuk: {broken}")], false),
    }
}

fn billing_run(config: &Config, month: Option<&str>) -> anyhow::Result<()> {
    use crate::domain::billing::BillingMonth;
    use crate::service::{Actor, billing};
    let now = SystemClock.now();
    let now = now.naive_utc();
    let month = match month {
        Some(m) => BillingMonth::parse(m).map_err(|e| anyhow::anyhow!("--month: {e}"))?,
        None => billing::previous_month(now),
    };
    let pool = db::open(&config.database)?;
    let mut conn = pool.get()?;
    match billing::run_month(&mut conn, &Actor::system("cli"), month, now)? {
        Ok(n) => {
            println!("{}: {n} satır üretildi.", month.label());
            let groups = billing::unbilled(&mut conn, month)?;
            if let Some(line) = crate::domain::billing::unbilled_summary(month, &groups) {
                println!("UYARI: {line}");
                for g in &groups {
                    let more = if g.more() > 0 {
                        format!(" ve {} kişi daha", g.more())
                    } else {
                        String::new()
                    };
                    println!("  {}: {}{more}", g.label(), g.names.join(", "));
                }
                println!(
                    "  Tarifeyi /yonetim/ucretler sayfasında tanımlayıp ayı yeniden çalıştırın."
                );
            }
            Ok(())
        }
        Err(crate::db::billing::RunError::Closed) => {
            anyhow::bail!("{} kapatılmış; yeniden çalıştırılamaz.", month.label())
        }
    }
}

fn anonymise(config: &Config, older_than: &str, dry_run: bool) -> anyhow::Result<()> {
    use crate::domain::kvkk::Retention;
    use crate::service::kvkk;
    let retention =
        Retention::parse(older_than).map_err(|m| anyhow::anyhow!("--older-than: {m}"))?;
    let pool = db::open(&config.database)?;
    let mut conn = pool.get()?;
    let now = SystemClock.now_naive();
    let report = kvkk::anonymise(&mut conn, &Actor::system("cli"), retention, dry_run, now)?;
    for line in report.lines() {
        println!("{line}");
    }
    Ok(())
}

fn seed_demo(config: &Config, new_passwords: bool) -> Result<Vec<DemoLogin>, SeedError> {
    let pool = db::open(&config.database)?;
    let hasher = PasswordHasher::new(config.argon2)?;
    let mut conn = pool.get().map_err(anyhow::Error::from)?;
    demo::seed(&mut conn, &hasher, SystemClock.now_naive(), new_passwords)
}

fn seed_demo_scaled(config: &Config, n: usize) -> Result<Vec<DemoLogin>, SeedError> {
    let pool = db::open(&config.database)?;
    let hasher = PasswordHasher::new(config.argon2)?;
    let mut conn = pool.get().map_err(anyhow::Error::from)?;
    let started = std::time::Instant::now();
    let (logins, r) = demo::seed_scaled(&mut conn, &hasher, SystemClock.now_naive(), n)?;
    println!(
        "Ölçekli demo verisi {:.1} sn'de yüklendi: {} birim, {} personel, {} talep, \
         {} geçmiş satırı, {} sertifika ücreti ({} tanesi 10.07.2023 KDV değişikliğinden önce), \
         {} faturalama satırı, {} iletişim değişikliği.",
        started.elapsed().as_secs_f64(),
        r.units,
        r.staff,
        r.requests,
        r.history,
        r.fees,
        r.fees_before_kdv_change,
        r.billing_lines,
        r.contact_changes
    );
    let states: Vec<String> = r
        .per_state
        .iter()
        .map(|(s, n)| format!("{s}={n}"))
        .collect();
    println!("Durumlara göre: {}", states.join(", "));
    Ok(logins)
}

fn print_logins(config: &Config, logins: &[DemoLogin]) {
    println!("\nDemo hesapları (parolalar yalnızca bu kez gösterilir):");
    for l in logins {
        println!("  {:<16} {:<34} {}", l.role.label(), l.email, l.password);
    }
    println!("\nAdres: {}/giris\n", config.base_url);
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Parola: ")?;
        let second = rpassword::prompt_password("Parola (tekrar): ")?;
        anyhow::ensure!(first == second, "Parolalar eşleşmiyor.");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

fn create_user(
    config: &Config,
    email: &str,
    name: &str,
    roles: &[String],
    units: &[i32],
) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(|m| anyhow::anyhow!("--email: {m}"))?;
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    anyhow::ensure!(
        name.chars().count() >= 2,
        "--name: ad soyad en az 2 karakter olmalı."
    );
    let roles = roles
        .iter()
        .map(|r| {
            Role::from_code(r).ok_or_else(|| {
                anyhow::anyhow!(
                    "--roles: '{r}' bilinmiyor (officer, reviewer, finance, staff, admin)"
                )
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let officer = roles.contains(&Role::Officer);
    anyhow::ensure!(
        !officer || !units.is_empty(),
        "--units: Proje Sorumlusu (officer) için en az bir birim gerekir."
    );
    anyhow::ensure!(
        officer || units.is_empty(),
        "--units: birim yalnızca officer rolüyle atanır."
    );

    let pool = db::open(&config.database)?;
    let mut conn = pool.get()?;
    anyhow::ensure!(
        !db::settings::is_demo(&mut conn)?,
        "Bu bir demo veritabanı; gerçek kullanıcılar demo verisiyle karışmasın diye eklenmedi."
    );
    anyhow::ensure!(
        !db::users::email_taken(&mut conn, email.as_str(), None)?,
        "Bu e-posta adresiyle bir kullanıcı zaten var."
    );
    anyhow::ensure!(
        db::units::active_ids(&mut conn, units)?.len() == units.len(),
        "--units: birimlerden biri bulunamadı ya da pasif."
    );

    let password = read_password()?;
    check_new_password(&password, &[&name, email.as_str()]).map_err(|m| anyhow::anyhow!("{m}"))?;
    let hasher = Arc::new(PasswordHasher::new(config.argon2)?);
    let hash = hasher.hash(&password)?;
    let now = SystemClock.now_naive();
    let input = UserInput {
        name: name.clone(),
        email: email.clone(),
        roles,
        units: units.to_vec(),
        active: true,
    };
    let saved = accounts::create_user(&mut conn, &Actor::system("cli"), &input, &hash, false, now)?;
    let id = match saved {
        UserSaved::Done(id) => id,
        UserSaved::EmailTaken => anyhow::bail!("Bu e-posta adresiyle bir kullanıcı zaten var."),
        UserSaved::UnknownUnit | UserSaved::NotFound => {
            anyhow::bail!("--units: birimlerden biri bulunamadı ya da pasif.")
        }
    };
    println!("Kullanıcı oluşturuldu: #{id} {name} <{email}>");
    Ok(())
}
