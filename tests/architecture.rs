//! The layers and who may call whom, checked by reading `src/`:
//! `web/` → `service/` → `db/` and `domain/`; jobs and the CLI call
//! `service/`; `domain/` does no I/O. A rule broken here is a design
//! decision made by accident, so the test names the file and the line.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn src(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(rel)
}

/// Every line of the files under `rel` (a folder or one file) that contains
/// one of `needles`, outside comments.
fn offending(rel: &str, needles: &[&str]) -> Vec<String> {
    let root = src(rel);
    let files = if root.is_dir() {
        rust_files(&root)
    } else {
        vec![root]
    };
    let mut hits = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("read file");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if let Some(needle) = needles.iter().find(|needle| code.contains(*needle)) {
                let name = file
                    .strip_prefix(src(""))
                    .unwrap_or(&file)
                    .display()
                    .to_string();
                hits.push(format!("src/{name}:{}: {needle}: {}", n + 1, line.trim()));
            }
        }
    }
    hits
}

fn assert_none(rule: &str, hits: Vec<String>) {
    assert!(hits.is_empty(), "{rule}:\n{}", hits.join("\n"));
}

const IO_CRATES: &[&str] = &[
    "diesel",
    "actix_web",
    "actix_",
    "askama",
    "lettre",
    "std::fs",
    "std::net",
];
const HTTP: &[&str] = &[
    "actix_web",
    "actix_session",
    "actix_multipart",
    "askama",
    "HttpRequest",
    "HttpResponse",
];
const WEB: &[&str] = &["crate::web", "crate::app", "AppError", "CurrentUser"];

#[test]
fn domain_rules_do_no_io_and_know_no_other_layer() {
    let mut needles = IO_CRATES.to_vec();
    needles.extend(["crate::db", "crate::service", "crate::web", "crate::app"]);
    assert_none(
        "src/domain uses I/O or another layer",
        offending("domain", &needles),
    );
}

#[test]
fn services_jobs_and_the_cli_do_not_call_the_web_layer() {
    for part in ["service", "jobs", "cli.rs"] {
        assert_none(
            &format!("src/{part} names the web layer"),
            offending(part, &["crate::web", "AppError", "CurrentUser"]),
        );
    }
    assert_none("src/service knows HTTP", offending("service", HTTP));
    // The CLI starts the server (`crate::app::serve`); services and jobs are
    // handed what they need instead of the web layer's state.
    assert_none(
        "src/service uses the app state",
        offending("service", &["crate::app"]),
    );
    assert_none(
        "src/jobs uses the app state",
        offending("jobs", &["crate::app", "AppState"]),
    );
}

#[test]
fn queries_know_nothing_of_http_or_use_cases() {
    let mut needles = HTTP.to_vec();
    needles.extend(WEB);
    needles.push("crate::service");
    assert_none(
        "src/db uses HTTP, the web layer or services",
        offending("db", &needles),
    );
}

#[test]
fn handlers_run_no_queries_of_their_own() {
    let dsl = [
        "diesel::prelude",
        "diesel::insert_into",
        "diesel::update",
        "diesel::delete",
        "db::schema",
        "schema::",
        ".load(conn",
        ".execute(conn",
        ".get_result(conn",
        ".first(conn",
    ];
    assert_none("src/web contains query DSL", offending("web", &dsl));
}

#[test]
fn the_rule_finder_sees_a_planted_violation() {
    // The checks above pass on an empty search too; make sure they search.
    let hits = offending("web/mod.rs", &["pub fn routes"]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0].starts_with("src/web/mod.rs:"));
}
