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
    offending_where(rel, |code| {
        needles
            .iter()
            .find(|needle| code.contains(*needle))
            .map(|needle| needle.to_string())
    })
}

/// Every line of the files under `rel` for which `rule` names a fault,
/// looking at the code outside comments.
fn offending_where(rel: &str, rule: impl Fn(&str) -> Option<String>) -> Vec<String> {
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
            if let Some(fault) = rule(code) {
                let name = file
                    .strip_prefix(src(""))
                    .unwrap_or(&file)
                    .display()
                    .to_string();
                hits.push(format!("src/{name}:{}: {fault}: {}", n + 1, line.trim()));
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
    // paths.rs is shared by services (notice links) and the web layer.
    for part in ["service", "jobs", "cli.rs", "paths.rs"] {
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
fn handlers_reach_the_database_through_services() {
    // `db::module::function(`: a call into the query layer; `db::module::Type`
    // (rows the services hand back) is fine.
    let calls_db = |code: &str| {
        code.match_indices("db::").any(|(at, _)| {
            let rest = &code[at + 4..];
            let mut parts = rest.splitn(3, "::");
            let (Some(module), Some(item)) = (parts.next(), parts.next()) else {
                return false;
            };
            let name: String = item
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            module.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                && name.starts_with(|c: char| c.is_ascii_lowercase())
                && item[name.len()..].starts_with('(')
        })
    };
    let hits = offending_where("web", |code| calls_db(code).then(|| "db call".to_owned()));
    assert_none("src/web calls the db layer directly", hits);
}

/// `(first line, length, name)` of every `fn` in `text` whose body is
/// braces (comments and string contents are skipped when counting).
fn functions(text: &str) -> Vec<(usize, usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let code = lines[i].split("//").next().unwrap_or("").trim_start();
        let header = code
            .trim_start_matches("pub ")
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("async ");
        let Some(rest) = header.strip_prefix("fn ") else {
            i += 1;
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let (mut depth, mut opened, mut j) = (0i32, false, i);
        while j < lines.len() {
            let mut in_str = false;
            let mut prev = ' ';
            for c in lines[j].split("//").next().unwrap_or("").chars() {
                match c {
                    '"' if prev != '\\' => in_str = !in_str,
                    '{' if !in_str => {
                        depth += 1;
                        opened = true;
                    }
                    '}' if !in_str => depth -= 1,
                    _ => {}
                }
                prev = c;
            }
            if (opened && depth <= 0) || (!opened && lines[j].trim_end().ends_with(';')) {
                break;
            }
            j += 1;
        }
        if opened {
            out.push((i + 1, j - i + 1, name));
        }
        i = j + 1;
    }
    out
}

/// Handlers parse, call one service function and render: none is long.
const LONGEST_WEB_FUNCTION: usize = 60;

#[test]
fn handlers_stay_short() {
    let mut long = Vec::new();
    for file in rust_files(&src("web")) {
        let text = fs::read_to_string(&file).expect("read file");
        for (line, len, name) in functions(&text) {
            if len > LONGEST_WEB_FUNCTION {
                let rel = file
                    .strip_prefix(src(""))
                    .unwrap_or(&file)
                    .display()
                    .to_string();
                long.push(format!("src/{rel}:{line}: fn {name} has {len} lines"));
            }
        }
    }
    assert_none(
        &format!("functions in src/web over {LONGEST_WEB_FUNCTION} lines"),
        long,
    );
}

#[test]
fn the_function_measure_counts_lines_from_fn_to_its_brace() {
    let text = "fn a() {\n    let s = \"{\";\n}\n\npub async fn b(x: i32) -> i32 {\n    if x > 0 {\n        1\n    } else {\n        2\n    }\n}\n";
    assert_eq!(
        functions(text),
        vec![(1, 3, "a".to_owned()), (5, 7, "b".to_owned())]
    );
}

#[test]
fn the_rule_finder_sees_a_planted_violation() {
    // The checks above pass on an empty search too; make sure they search.
    let hits = offending("web/mod.rs", &["pub fn routes"]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0].starts_with("src/web/mod.rs:"));
}

/// The browser tests' clock (`POST /test/saat`, `clock::offset`) exists only
/// in builds with the `test-clock` feature: the feature is off by default,
/// and every line of `src/` that names the test clock outside its own module
/// files sits right under `#[cfg(feature = "test-clock")]`.
#[test]
fn the_test_clock_is_compiled_only_behind_its_feature() {
    let manifest = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .expect("read Cargo.toml");
    let features = manifest
        .split("[features]")
        .nth(1)
        .and_then(|s| s.split("\n[").next())
        .unwrap_or("");
    let default = features
        .lines()
        .find(|l| l.trim_start().starts_with("default"))
        .unwrap_or("");
    assert!(
        !default.contains("test-clock"),
        "the test clock is a default feature: {default}"
    );

    const GATE: &str = "#[cfg(feature = \"test-clock\")]";
    let mut ungated = Vec::new();
    for file in rust_files(&src("")) {
        let text = fs::read_to_string(&file).expect("read file");
        let lines: Vec<&str> = text.lines().collect();
        let rel = file
            .strip_prefix(src(""))
            .unwrap_or(&file)
            .display()
            .to_string();
        if rel == "web/test_clock.rs" {
            continue;
        }
        // The `offset` module in clock.rs: everything from its gate on.
        let end = if rel == "clock.rs" {
            let at = lines.iter().position(|l| l.contains("pub mod offset"));
            let at = at.expect("clock.rs has the offset module");
            assert_eq!(lines[at - 1].trim(), GATE, "src/clock.rs:{}", at + 1);
            at
        } else {
            lines.len()
        };
        for (n, line) in lines[..end].iter().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let names = ["test_clock", "OffsetClock", "clock::offset"]
                .iter()
                .any(|needle| code.contains(needle));
            let gated = n > 0 && lines[n - 1].trim() == GATE;
            if names && !gated {
                ungated.push(format!("src/{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        ungated.is_empty(),
        "the test clock named outside `{GATE}`:\n{}",
        ungated.join("\n")
    );
}
