//! Every route of the portal as data: its method, its path pattern (as the
//! route table in [`super::routes`] registers it), who may use it and how far
//! each grant reaches over the record its `{id}` names. Nothing here runs a
//! request; it is the one list the tests and the documentation read:
//!
//! - the tests below fail when the route table and this list disagree (a
//!   route registered but not listed, listed but not registered, or guarded
//!   by another role than listed);
//! - the HTTP matrix test (`tests/http/matrix.rs`) asks every route as every
//!   kind of account on records of two units and expects what this list says,
//!   and the CSRF test sends every POST route without a token and from a
//!   foreign origin;
//! - `docs/routes.md` (routes × roles) is rendered from it (a test checks it
//!   is current; `UPDATE_ROUTES_DOC=1 cargo test --lib inventory` rewrites it).

use crate::domain::role::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// How far a grant reaches over the records of a route's `{id}` (and what a
/// list shows): a record outside it answers 404.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every record.
    All,
    /// Records of the units the officer is responsible for.
    OwnUnits,
    /// The account's own records: a staff member's own staff record and
    /// requests (matched by e-mail), an officer's own staff imports.
    Own,
}

/// One role's right to a route, reaching as far as `scope`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub scope: Scope,
}

/// Who may use a route. An account with several roles gets the union.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account; anonymous visitors are sent to the login page.
    SignedIn,
    /// An area guarded by role: an account holding none of the grants' roles
    /// gets 403; a record outside the scope of every grant it holds, 404.
    Area(&'static [Grant]),
    /// A record page several roles share, with no role guard: whoever cannot
    /// see the record gets 404 (an id reveals nothing), whoever sees it but is
    /// not among `acts` 403.
    Shared {
        sees: &'static [Grant],
        acts: &'static [Grant],
    },
    /// A machine's endpoint, not a person's: it answers only a request
    /// bearing its configured token and is "not found" to every account.
    Token,
}

/// What a route's `{id}` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// No record id in the path.
    None,
    Request,
    Batch,
    /// A staff record (personel).
    Staff,
    /// A staff import, owned by the officer who uploaded it.
    Import,
    User,
    Unit,
    /// An "İstek bildir" thread.
    Thread,
    /// An officer's cover letter (üst yazı), of one unit.
    CoverLetter,
    /// A stored operator bill reconciliation.
    BillReconciliation,
}

impl Record {
    pub fn label(self) -> &'static str {
        match self {
            Record::None => "",
            Record::Request => "request",
            Record::Batch => "batch",
            Record::Staff => "staff record",
            Record::Import => "staff import",
            Record::User => "user",
            Record::Unit => "unit",
            Record::Thread => "thread",
            Record::CoverLetter => "cover letter",
            Record::BillReconciliation => "bill reconciliation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: Method,
    /// The full pattern, e.g. `/talep/{id}/islem`.
    pub path: &'static str,
    pub access: Access,
    pub record: Record,
}

impl Route {
    /// The roles named by this route's grants (none for public and
    /// signed-in routes).
    pub fn roles(&self) -> Vec<Role> {
        let mut roles: Vec<Role> = match self.access {
            Access::Public | Access::SignedIn | Access::Token => Vec::new(),
            Access::Area(g) => g.iter().map(|g| g.role).collect(),
            Access::Shared { sees, acts } => sees.iter().chain(acts).map(|g| g.role).collect(),
        };
        roles.sort();
        roles.dedup();
        roles
    }

    const fn on(self, record: Record) -> Route {
        Route { record, ..self }
    }
}

const fn get(path: &'static str, access: Access) -> Route {
    Route {
        method: Method::Get,
        path,
        access,
        record: Record::None,
    }
}

const fn post(path: &'static str, access: Access) -> Route {
    Route {
        method: Method::Post,
        path,
        access,
        record: Record::None,
    }
}

const fn grant(role: Role, scope: Scope) -> Grant {
    Grant { role, scope }
}

use Access::{Area, Public, Shared, SignedIn};
use Scope::{All, Own, OwnUnits};

const OFFICER: Access = Area(&[grant(Role::Officer, OwnUnits)]);
/// Staff imports belong to the officer who uploaded them.
const OFFICER_OWN: Access = Area(&[grant(Role::Officer, Own)]);
const REVIEWER: Access = Area(&[grant(Role::Reviewer, All)]);
const FINANCE: Access = Area(&[grant(Role::Finance, All)]);
const STAFF: Access = Area(&[grant(Role::Staff, Own)]);
const ADMIN: Access = Area(&[grant(Role::Admin, All)]);

/// Who sees a request: its unit's officers, reviewers, finance and the staff
/// member it is for. Admins do not (README "Roles").
pub const REQUEST_READERS: &[Grant] = &[
    grant(Role::Officer, OwnUnits),
    grant(Role::Reviewer, All),
    grant(Role::Finance, All),
    grant(Role::Staff, Own),
];
/// Who acts on a request (the state machine decides which action when).
pub const REQUEST_ACTORS: &[Grant] = &[
    grant(Role::Officer, OwnUnits),
    grant(Role::Reviewer, All),
    grant(Role::Staff, Own),
];
/// Who sees a batch: reviewers and finance every line, officers the lines of
/// their units (a batch without one is "not found").
pub const BATCH_READERS: &[Grant] = &[
    grant(Role::Officer, OwnUnits),
    grant(Role::Reviewer, All),
    grant(Role::Finance, All),
];
/// The reconciliation list: officers for their units, reviewers for all
/// (guarded in its handler: others get 403).
const RECONCILERS: Access = Area(&[grant(Role::Officer, OwnUnits), grant(Role::Reviewer, All)]);

/// Who opens threads ("İstek bildir"): officers for their units, staff
/// for themselves (guarded in the handlers: others get 403).
const ASKERS: Access = Area(&[grant(Role::Officer, OwnUnits), grant(Role::Staff, Own)]);
/// Who sees a thread: reviewers every one, officers their units', the
/// asker their own; all of them write messages on it.
pub const THREAD_READERS: &[Grant] = &[
    grant(Role::Officer, OwnUnits),
    grant(Role::Reviewer, All),
    grant(Role::Staff, Own),
];
/// Who takes and closes a thread: the e-İmza Şefliği.
pub const THREAD_ACTORS: &[Grant] = &[grant(Role::Reviewer, All)];

/// Every route, in the order of the route table.
pub const ROUTES: &[Route] = &[
    get("/healthz", Public),
    get("/static/app.css", Public),
    get("/static/app.js", Public),
    get("/metrics", Access::Token),
    get("/giris", Public),
    post("/giris", Public),
    post("/cikis", Public),
    get("/parola-sifirla", Public),
    post("/parola-sifirla", Public),
    get("/parola-sifirla/{token}", Public),
    post("/parola-sifirla/{token}", Public),
    get("/bilgilendirme", Public),
    get("/bilgilendirme/{sayfa}", Public),
    get("/hesap/parola", SignedIn),
    post("/hesap/parola", SignedIn),
    post("/hesap/eposta", SignedIn),
    // officer
    get("/talepler", OFFICER),
    get("/talepler/yeni", OFFICER),
    post("/talepler/yeni", OFFICER),
    get("/talepler/ust-yazi", OFFICER),
    get("/talepler/ust-yazi/yeni", OFFICER),
    post("/talepler/ust-yazi/yeni", OFFICER),
    get("/talepler/ust-yazi/{id}/pdf", OFFICER).on(Record::CoverLetter),
    get("/talepler/ust-yazi/{id}", OFFICER).on(Record::CoverLetter),
    get("/personel", OFFICER),
    get("/personel/yeni", OFFICER),
    post("/personel/yeni", OFFICER),
    get("/personel/ice-aktar", OFFICER),
    post("/personel/ice-aktar", OFFICER),
    get("/personel/ice-aktar/sablon.{format}", OFFICER),
    get("/personel/ice-aktar/{id}", OFFICER_OWN).on(Record::Import),
    post("/personel/ice-aktar/{id}", OFFICER_OWN).on(Record::Import),
    get("/personel/{id}/iletisim", OFFICER).on(Record::Staff),
    post("/personel/{id}/iletisim", OFFICER).on(Record::Staff),
    post("/personel/{id}/tc", OFFICER).on(Record::Staff),
    get("/personel/{id}", OFFICER).on(Record::Staff),
    post("/personel/{id}", OFFICER).on(Record::Staff),
    // reviewer
    get("/inceleme", REVIEWER),
    post("/inceleme/toplu", REVIEWER),
    get("/inceleme/suresi-dolacak", REVIEWER),
    get("/inceleme/suresi-dolacak.{format}", REVIEWER),
    get("/inceleme/partiler", REVIEWER),
    get("/inceleme/partiler/{id}/liste.{format}", REVIEWER).on(Record::Batch),
    get("/inceleme/bildirimler", REVIEWER),
    // shared
    get(
        "/talep/{id}",
        Shared {
            sees: REQUEST_READERS,
            acts: REQUEST_READERS,
        },
    )
    .on(Record::Request),
    post(
        "/talep/{id}/islem",
        Shared {
            sees: REQUEST_READERS,
            acts: REQUEST_ACTORS,
        },
    )
    .on(Record::Request),
    get("/mutabakat", RECONCILERS),
    get(
        "/parti/{id}",
        Shared {
            sees: BATCH_READERS,
            acts: BATCH_READERS,
        },
    )
    .on(Record::Batch),
    get("/bildirim", ASKERS),
    get("/bildirim/yeni", ASKERS),
    post("/bildirim/yeni", ASKERS),
    get(
        "/bildirim/{id}",
        Shared {
            sees: THREAD_READERS,
            acts: THREAD_READERS,
        },
    )
    .on(Record::Thread),
    post(
        "/bildirim/{id}/yanit",
        Shared {
            sees: THREAD_READERS,
            acts: THREAD_READERS,
        },
    )
    .on(Record::Thread),
    post(
        "/bildirim/{id}/islem",
        Shared {
            sees: THREAD_READERS,
            acts: THREAD_ACTORS,
        },
    )
    .on(Record::Thread),
    // finance
    get("/mali", FINANCE),
    post("/mali/fatura", FINANCE),
    get("/mali/grafikler", FINANCE),
    get("/mali/aylik", FINANCE),
    post("/mali/aylik", FINANCE),
    get("/mali/aylik/{month}.{format}", FINANCE),
    get("/mali/fatura-mutabakati", FINANCE),
    post("/mali/fatura-mutabakati", FINANCE),
    get("/mali/fatura-mutabakati/{id}", FINANCE).on(Record::BillReconciliation),
    get("/mali/fatura-mutabakati/{id}/liste.{format}", FINANCE).on(Record::BillReconciliation),
    get("/mali/ucretler.{format}", FINANCE),
    // staff
    get("/bilgilerim", STAFF),
    get("/bilgilerim/iletisim", STAFF),
    post("/bilgilerim/iletisim", STAFF),
    // admin
    get("/yonetim", ADMIN),
    get("/yonetim/kullanicilar", ADMIN),
    get("/yonetim/kullanicilar/yeni", ADMIN),
    post("/yonetim/kullanicilar/yeni", ADMIN),
    get("/yonetim/kullanicilar/{id}", ADMIN).on(Record::User),
    post("/yonetim/kullanicilar/{id}", ADMIN).on(Record::User),
    get("/yonetim/birimler", ADMIN),
    get("/yonetim/birimler/yeni", ADMIN),
    post("/yonetim/birimler/yeni", ADMIN),
    get("/yonetim/birimler/{id}", ADMIN).on(Record::Unit),
    post("/yonetim/birimler/{id}", ADMIN).on(Record::Unit),
    get("/yonetim/denetim", ADMIN),
    get("/yonetim/denetim.csv", ADMIN),
    get("/yonetim/ayarlar", ADMIN),
    post("/yonetim/ayarlar", ADMIN),
    post("/yonetim/ayarlar/iletisim", ADMIN),
    get("/yonetim/ucretler", ADMIN),
    post("/yonetim/ucretler", ADMIN),
    get("/yonetim/eposta", ADMIN),
    post("/yonetim/eposta", ADMIN),
    // home
    get("/", SignedIn),
];

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::dev::Service;
    use actix_web::test::{TestRequest, init_service, read_body};
    use actix_web::{App, HttpResponse};
    use std::collections::BTreeMap;

    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Tok {
        Str(String),
        Word(String),
        Open,
        Close,
    }

    /// Rust source as string literals, words (`web::scope`, `.route`) and
    /// parentheses; comments and other punctuation dropped.
    fn tokens(src: &str) -> Vec<Tok> {
        let mut out = Vec::new();
        let mut chars = src.chars().peekable();
        let mut word = String::new();
        while let Some(c) = chars.next() {
            let word_char = c.is_alphanumeric() || matches!(c, '_' | ':' | '.');
            if !word_char && !word.is_empty() {
                out.push(Tok::Word(std::mem::take(&mut word)));
            }
            match c {
                '/' if chars.peek() == Some(&'/') => {
                    chars.by_ref().find(|c| *c == '\n');
                }
                '"' => {
                    let mut s = String::new();
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' => s.extend(chars.next()),
                            '"' => break,
                            _ => s.push(c),
                        }
                    }
                    out.push(Tok::Str(s));
                }
                '(' => out.push(Tok::Open),
                ')' => out.push(Tok::Close),
                _ if word_char => word.push(c),
                _ => {}
            }
        }
        out
    }

    /// The guard a registration sits behind, as the route table says.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Guard {
        None,
        Login,
        Role(String),
    }

    /// The string literal at `i`, if there is one.
    fn str_at(toks: &[Tok], i: usize) -> Option<String> {
        match toks.get(i) {
            Some(Tok::Str(p)) => Some(p.clone()),
            _ => None,
        }
    }

    /// The first `web::get` or `web::post` from `i` on.
    fn method_from(toks: &[Tok], i: usize) -> Method {
        toks[i..]
            .iter()
            .find_map(|t| match t {
                Tok::Word(w) if w == "web::get" => Some(Method::Get),
                Tok::Word(w) if w == "web::post" => Some(Method::Post),
                _ => None,
            })
            .expect("a route names its method")
    }

    /// The guard after `.wrap(from_fn(role_guard(Role::X)))` (the word at
    /// `i` is `role_guard`) or `.wrap(from_fn(require_login))` on a scope
    /// that had `before`.
    fn guard_at(toks: &[Tok], i: usize, before: &Guard) -> Guard {
        match (&toks[i], toks.get(i + 2)) {
            (Tok::Word(w), Some(Tok::Word(r))) if w == "role_guard" => {
                Guard::Role(r.trim_start_matches("Role::").to_owned())
            }
            _ if *before == Guard::None => Guard::Login,
            _ => before.clone(),
        }
    }

    /// `(method, full path) → guard` of every `.route(…)` in `src`: scopes
    /// and resources give their path and guards to the routes chained on
    /// them, up to the parenthesis that closes the call they sit in.
    fn registrations(src: &str) -> BTreeMap<(Method, String), Guard> {
        let toks = tokens(src);
        let (mut depth, mut out) = (0i32, BTreeMap::new());
        // (path prefix, depth of the call the scope sits in, guard)
        let mut scopes: Vec<(String, i32, Guard)> = Vec::new();
        for (i, tok) in toks.iter().enumerate() {
            let w = match tok {
                Tok::Open => {
                    depth += 1;
                    continue;
                }
                Tok::Close => {
                    depth -= 1;
                    while scopes.last().is_some_and(|s| depth < s.1) {
                        scopes.pop();
                    }
                    continue;
                }
                Tok::Str(_) => continue,
                Tok::Word(w) => w.as_str(),
            };
            let (prefix, guard) = scopes
                .last()
                .map_or((String::new(), Guard::None), |s| (s.0.clone(), s.2.clone()));
            match w {
                "web::scope" | "web::resource" => {
                    let path = str_at(&toks, i + 2).expect("a scope or resource names its path");
                    scopes.push((format!("{prefix}{path}"), depth, guard));
                }
                "require_login" | "role_guard" => {
                    if let Some(s) = scopes.last_mut() {
                        s.2 = guard_at(&toks, i, &s.2);
                    }
                }
                _ if w.ends_with(".route") => {
                    let path = str_at(&toks, i + 2).unwrap_or_default();
                    out.insert((method_from(&toks, i), format!("{prefix}{path}")), guard);
                }
                _ => {}
            }
        }
        out
    }

    /// The route table's source, without its own tests.
    fn route_table() -> BTreeMap<(Method, String), Guard> {
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/mod.rs");
        let text = std::fs::read_to_string(file).expect("read src/web/mod.rs");
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        registrations(code)
    }

    #[test]
    fn the_route_reader_follows_scopes_resources_and_guards() {
        let src = r#"
            cfg.route("/a", web::get().to(x::a)) // .route("/comment", web::post())
                .service(
                    web::scope("/s")
                        .wrap(from_fn(role_guard(Role::Finance)))
                        .wrap(from_fn(require_login))
                        .route("", web::get().to(f(1)))
                        .route(
                            "/{id}.{format}",
                            web::post().to(s::b),
                        ),
                );
            cfg.service(web::resource("/r").wrap(from_fn(require_login)).route(web::get().to(r)))
                .route("/b", web::post().to(x::b));
        "#;
        let got: Vec<_> = registrations(src).into_iter().collect();
        let role = Guard::Role("Finance".into());
        let want = vec![
            ((Method::Get, "/a".into()), Guard::None),
            ((Method::Get, "/r".into()), Guard::Login),
            ((Method::Get, "/s".into()), role.clone()),
            ((Method::Post, "/b".into()), Guard::None),
            ((Method::Post, "/s/{id}.{format}".into()), role),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn the_inventory_lists_each_route_once() {
        let mut seen = std::collections::BTreeSet::new();
        for r in ROUTES {
            assert!(seen.insert((r.method, r.path)), "listed twice: {r:?}");
            assert_eq!(
                r.path.contains("{id}"),
                r.record != Record::None,
                "{} {}: an {{id}} names a record and only then",
                r.method.as_str(),
                r.path
            );
        }
    }

    /// The guard the route table must put in front of `route`: none for
    /// public routes, the login guard for signed-in and shared ones, the role
    /// guard of a one-role area (an area of several roles is checked in its
    /// handler, behind the login guard; the matrix test asks it).
    fn guard_of(route: &Route) -> Guard {
        match (route.access, route.roles().as_slice()) {
            (Access::Public | Access::Token, _) => Guard::None,
            (Access::Area(_), [one]) => Guard::Role(format!("{one:?}")),
            _ => Guard::Login,
        }
    }

    #[test]
    fn the_route_table_registers_exactly_the_inventory_behind_its_guards() {
        let mut table = route_table();
        assert!(table.len() > 40, "the reader found the routes: {table:?}");
        let mut wrong = Vec::new();
        for r in ROUTES {
            let (m, p) = (r.method.as_str(), r.path);
            match table.remove(&(r.method, r.path.to_owned())) {
                None => wrong.push(format!("{m} {p}: in the inventory, not registered")),
                Some(g) if g != guard_of(r) => wrong.push(format!(
                    "{m} {p}: registered behind {g:?}, the inventory says {:?}",
                    guard_of(r)
                )),
                Some(_) => {}
            }
        }
        for ((m, p), _) in table {
            wrong.push(format!(
                "{} {p}: registered, not in the inventory",
                m.as_str()
            ));
        }
        assert!(
            wrong.is_empty(),
            "route table vs inventory:\n{}",
            wrong.join("\n")
        );
    }

    /// `pattern` with its parameters filled: a path the router must match
    /// to exactly that pattern.
    fn sample(pattern: &str) -> String {
        pattern
            .replace("{id}", "7")
            .replace("{format}", "csv")
            .replace("{month}", "2026-10")
    }

    /// Builds the real route table and answers each request with the pattern
    /// the router matched (no guard or handler runs).
    #[actix_web::test]
    async fn every_inventory_pattern_is_the_one_the_router_matches() {
        let app = init_service(
            App::new()
                .configure(super::super::routes)
                .wrap_fn(|req, _| {
                    let pattern = req.match_pattern().unwrap_or_else(|| "(no route)".into());
                    let resp = HttpResponse::Ok().body(pattern);
                    std::future::ready(Ok(req.into_response(resp)))
                }),
        )
        .await;
        for r in ROUTES {
            let req = TestRequest::default()
                .method(r.method.as_str().parse().expect("method"))
                .uri(&sample(r.path))
                .to_request();
            let resp = app.call(req).await.expect("routing answers");
            let got = read_body(resp).await;
            assert_eq!(got, r.path.as_bytes(), "{}", sample(r.path));
        }
    }

    const ROLES: [(Role, &str); 5] = [
        (Role::Officer, "officer"),
        (Role::Reviewer, "reviewer"),
        (Role::Finance, "finance"),
        (Role::Staff, "staff"),
        (Role::Admin, "admin"),
    ];

    fn reach(grants: &[Grant], role: Role) -> Option<&'static str> {
        grants
            .iter()
            .find(|g| g.role == role)
            .map(|g| match g.scope {
                Scope::All => "✓",
                Scope::OwnUnits => "own units",
                Scope::Own => "own",
            })
    }

    /// What an account with only `role` (`None`: anonymous) gets.
    fn cell(route: &Route, role: Option<Role>) -> String {
        let Some(role) = role else {
            return match route.access {
                Access::Public => "✓",
                Access::Token => "token",
                _ => "→ login",
            }
            .into();
        };
        match route.access {
            Access::Public | Access::SignedIn => "✓".into(),
            Access::Token => "404 (token)".into(),
            Access::Area(g) => reach(g, role).unwrap_or("403").into(),
            Access::Shared { sees, acts } => match (reach(acts, role), reach(sees, role)) {
                (Some(r), _) => r.into(),
                (None, Some(_)) => "403 (sees it)".into(),
                (None, None) => "404".into(),
            },
        }
    }

    /// `docs/routes.md`: every route × every role, from [`ROUTES`].
    fn routes_doc() -> String {
        let mut out = String::from(
            "# Routes × roles\n\n\
             Rendered from `src/web/inventory.rs` (do not edit by hand: \
             `UPDATE_ROUTES_DOC=1 cargo test --lib inventory` rewrites it).\n\n\
             A cell is what an account holding only that role gets: ✓ allowed; \
             *own units* allowed for records (and list rows) of the units the \
             officer is responsible for, other units' records answer 404; *own* \
             allowed for the account's own records only (a staff member's own \
             record and requests, an officer's own imports), others 404; 403 \
             refused; 404 the record does not exist for that account; \
             *403 (sees it)* the record is visible but the action is not this \
             role's; → login: anonymous visitors are sent to `/giris` (GET and \
             POST alike, after the CSRF check). An account with several roles \
             gets the union.\n\n\
             | method | path | `{id}` | anonymous | officer | reviewer | finance | staff | admin |\n\
             |---|---|---|---|---|---|---|---|---|\n",
        );
        for r in ROUTES {
            let mut row = format!(
                "| {} | `{}` | {} | {} |",
                r.method.as_str(),
                r.path,
                r.record.label(),
                cell(r, None)
            );
            for (role, _) in ROLES {
                row.push_str(&format!(" {} |", cell(r, Some(role))));
            }
            out.push_str(&row);
            out.push('\n');
        }
        out
    }

    #[test]
    fn the_routes_doc_is_rendered_from_the_inventory() {
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/routes.md");
        let want = routes_doc();
        if std::env::var_os("UPDATE_ROUTES_DOC").is_some() {
            std::fs::write(file, &want).expect("write docs/routes.md");
        }
        let got = std::fs::read_to_string(file).unwrap_or_default();
        assert!(
            got == want,
            "docs/routes.md is not the inventory's; run \
             UPDATE_ROUTES_DOC=1 cargo test --lib inventory"
        );
        assert_eq!(ROLES.map(|r| r.0), Role::ALL);
        assert!(ROLES.iter().all(|(r, code)| r.code() == *code));
    }
}
