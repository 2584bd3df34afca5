//! Bad configuration stops the binary with a message naming the variable.

use std::process::Command;

fn run(dir: &std::path::Path, vars: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mobilimza"));
    cmd.current_dir(dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("SESSION_KEY")
        .env_remove("BASE_URL");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run mobilimza");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_unknown_database_scheme_is_refused_and_no_file_is_created() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, err) = run(
        dir.path(),
        &[("DATABASE_URL", "mysql://root:gizli@localhost/db")],
        &["migrate"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("DATABASE_URL") && err.contains("'mysql' şeması desteklenmiyor"),
        "{err}"
    );
    assert!(err.contains("sqlite://") && err.contains("postgres://"));
    assert!(!err.contains("gizli"), "the password is not echoed");
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("read").count(),
        0,
        "nothing was created"
    );
}

#[test]
fn https_without_a_session_key_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, err) = run(
        dir.path(),
        &[("BASE_URL", "https://mobilimza.example.gov.tr")],
        &["serve"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("SESSION_KEY") && err.contains("zorunludur"),
        "{err}"
    );
}

#[test]
fn https_without_smtp_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let key = "a".repeat(88);
    let (code, err) = run(
        dir.path(),
        &[
            ("BASE_URL", "https://mobilimza.example.gov.tr"),
            ("SESSION_KEY", &key),
            ("DATABASE_URL", "sqlite://portal.db"),
        ],
        &["serve"],
    );
    assert_eq!(code, 2, "a configuration error: {err}");
    assert!(
        err.contains("Yapılandırma hatası: SMTP_HOST") && err.contains("gönderilmelidir"),
        "{err}"
    );
}

/// A port in use is a configuration problem like any other: exit 2 and the
/// same wording, no "Hata:" in front.
#[test]
fn a_port_in_use_is_a_configuration_error() {
    let dir = tempfile::tempdir().expect("dir");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let (code, err) = run(
        dir.path(),
        &[
            ("BIND", addr.as_str()),
            ("DATABASE_URL", "sqlite://portal.db"),
        ],
        &["serve"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("Yapılandırma hatası: BIND:") && err.contains("dinlenemiyor"),
        "{err}"
    );
    assert!(!err.contains("Hata: Yapılandırma"), "{err}");
}

#[test]
fn a_bad_bind_address_names_bind() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, err) = run(dir.path(), &[("BIND", "her-yer")], &["serve"]);
    assert_eq!(code, 2);
    assert!(err.contains("Yapılandırma hatası: BIND"), "{err}");
}

#[test]
fn migrate_on_the_default_creates_the_sqlite_file() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, err) = run(
        dir.path(),
        &[("DATABASE_URL", "sqlite://portal.db")],
        &["migrate"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("portal.db").exists());
}
