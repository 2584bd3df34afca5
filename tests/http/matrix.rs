//! The access matrix: every route of the inventory (`src/web/inventory.rs`)
//! × every kind of account × a record of unit A and one of unit B, each cell
//! expecting exactly what the inventory says: anonymous visitors are sent to
//! the login page, a role the route is not for gets 403, a record out of
//! reach 404, and an allowed cell anything but 403, 404, 405 or a 5xx.
//!
//! POST cells carry a valid CSRF token and an empty (or stale) form, so an
//! allowed cell is refused for its data, not for who sent it; an action the
//! form does allow (confirming an empty import) is harmless. With the token,
//! an anonymous POST is sent to the login page like a GET; without it every
//! POST is refused before any guard (403, `csrf.rs` asks every POST route).

use mobilimza::db;
use mobilimza::domain::role::Role;
use mobilimza::domain::workflow::State;
use mobilimza::web::inventory::{Access, Grant, Method, ROUTES, Record, Route, Scope};

use crate::helpers::{
    Browser, OFFICER_A_EMAIL, OFFICER_B_EMAIL, Org, Page, STAFF_EMAIL, spawn_org,
};

pub const STAFF2_EMAIL: &str = "ikinci.personel@kurum.gov.tr";
/// The month billed in the world, whose export `{month}` names.
const BILLED_MONTH: &str = "2026-10";

/// One kind of account, logged in once (anonymous: a fresh browser).
pub struct Who {
    pub name: &'static str,
    pub email: Option<&'static str>,
    pub roles: Vec<Role>,
    pub units: Vec<i32>,
    pub browser: Browser,
    pub token: String,
}

/// (name, e-mail: `None` for anonymous, roles, officer units) of an account.
type Kind = (&'static str, Option<&'static str>, Vec<Role>, Vec<i32>);

/// What a route's `{id}` is filled with, and what decides whether an
/// account reaches it: its unit and its owner's e-mail.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub id: i32,
    pub unit: i32,
    pub owner: Option<&'static str>,
    /// "A" or "B": whose side of the organisation the record is on.
    pub side: &'static str,
}

/// The organisation with a record of every kind in unit A and in unit B,
/// and every kind of account logged in.
pub struct Matrix {
    pub org: Org,
    pub people: Vec<Who>,
    requests: [Target; 2],
    batches: [Target; 2],
    staff: [Target; 2],
    imports: [Target; 2],
    threads: [Target; 2],
    letters: [Target; 2],
    /// A stored operator bill reconciliation.
    bill: i32,
}

impl Matrix {
    pub async fn spawn() -> Matrix {
        let org = spawn_org().await;
        let (a, b) = (org.unit_a, org.unit_b);
        org.add_user(STAFF2_EMAIL, "İkinci Personel", &[Role::Staff], &[]);
        let both = [Role::Admin, Role::Reviewer];
        org.add_user("yonetici.sef@kurum.gov.tr", "Yönetici Şef", &both, &[]);
        let both = [Role::Officer, Role::Finance];
        org.add_user("sorumlu.mali@kurum.gov.tr", "Sorumlu Mali", &both, &[a]);
        let staff = [
            org.add_staff_record(),
            org.add_staff(b, 2, "Kemal", "Ersoy", STAFF2_EMAIL),
        ];
        let requests = [
            org.add_request(staff[0], State::Submitted, org.officer_a),
            org.add_request(staff[1], State::Submitted, org.officer_b),
        ];
        let batches = [0, 1].map(|i| org.batch_of(requests[i]));
        let imports = [(org.officer_a, "a.csv"), (org.officer_b, "b.csv")]
            .map(|(by, file)| db::imports::create(&mut org.conn(), by, file, "[]", org.now()))
            .map(|r| r.expect("import"));
        org.bill(BILLED_MONTH);
        let letters = [a, b].map(|unit| org.letter_in(unit));
        let bill = org.reconciliation(BILLED_MONTH);
        let side = |ids: [i32; 2], owners: [Option<&'static str>; 2]| {
            [0, 1].map(|i| Target {
                id: ids[i],
                unit: [a, b][i],
                owner: owners[i],
                side: ["A", "B"][i],
            })
        };
        let threads = [(org.staff, a), (org.user_id(STAFF2_EMAIL), b)]
            .map(|(asker, unit)| org.add_thread(asker, Some(unit), "Matris sorusu"));
        let people = Self::people(&org).await;
        Matrix {
            threads: side(threads, [Some(STAFF_EMAIL), Some(STAFF2_EMAIL)]),
            requests: side(requests, [Some(STAFF_EMAIL), Some(STAFF2_EMAIL)]),
            batches: side(batches, [None, None]),
            staff: side(staff, [Some(STAFF_EMAIL), Some(STAFF2_EMAIL)]),
            imports: side(imports, [Some(OFFICER_A_EMAIL), Some(OFFICER_B_EMAIL)]),
            letters: side(letters, [None, None]),
            bill,
            org,
            people,
        }
    }

    /// Anonymous, the officers of unit A and B, reviewer, finance, a staff
    /// member and another, admin, and two accounts with two roles.
    async fn people(org: &Org) -> Vec<Who> {
        use Role::*;
        let (a, b) = (org.unit_a, org.unit_b);
        let kinds: [Kind; 10] = [
            ("anonymous", None, vec![], vec![]),
            ("officer A", Some(OFFICER_A_EMAIL), vec![Officer], vec![a]),
            ("officer B", Some(OFFICER_B_EMAIL), vec![Officer], vec![b]),
            (
                "reviewer",
                Some(Org::email(Reviewer)),
                vec![Reviewer],
                vec![],
            ),
            ("finance", Some(Org::email(Finance)), vec![Finance], vec![]),
            ("staff (A)", Some(STAFF_EMAIL), vec![Staff], vec![]),
            ("another staff (B)", Some(STAFF2_EMAIL), vec![Staff], vec![]),
            ("admin", Some(Org::email(Admin)), vec![Admin], vec![]),
            (
                "admin+reviewer",
                Some("yonetici.sef@kurum.gov.tr"),
                vec![Admin, Reviewer],
                vec![],
            ),
            (
                "officer A+finance",
                Some("sorumlu.mali@kurum.gov.tr"),
                vec![Officer, Finance],
                vec![a],
            ),
        ];
        let mut people = Vec::new();
        for (name, email, roles, units) in kinds {
            let browser = match email {
                Some(e) => org.logged_in(e).await,
                None => org.browser(),
            };
            let token = browser.token().await;
            people.push(Who {
                name,
                email,
                roles,
                units,
                browser,
                token,
            });
        }
        people
    }

    /// The records a route is asked about: one per side for records that
    /// belong to a unit or a person, one for the rest.
    pub fn targets(&self, record: Record) -> Vec<Option<Target>> {
        let one = |id: i32| {
            vec![Some(Target {
                id,
                unit: self.org.unit_a,
                owner: None,
                side: "-",
            })]
        };
        match record {
            Record::None => vec![None],
            Record::Request => self.requests.map(Some).to_vec(),
            Record::Batch => self.batches.map(Some).to_vec(),
            Record::Staff => self.staff.map(Some).to_vec(),
            Record::Import => self.imports.map(Some).to_vec(),
            Record::Thread => self.threads.map(Some).to_vec(),
            Record::CoverLetter => self.letters.map(Some).to_vec(),
            Record::User => one(self.org.officer_a),
            Record::Unit => one(self.org.unit_a),
            Record::BillReconciliation => one(self.bill),
        }
    }
}

impl Org {
    fn now(&self) -> chrono::NaiveDateTime {
        mobilimza::clock::Clock::now_naive(self.clock.as_ref())
    }

    /// Runs the monthly billing of `month` (`yyyy-mm`), so its export exists.
    fn bill(&self, month: &str) {
        let month = mobilimza::domain::billing::BillingMonth::parse(month).expect("month");
        let actor = mobilimza::service::Actor::system("test");
        mobilimza::service::billing::run_month(&mut self.conn(), &actor, month, self.now())
            .expect("run")
            .expect("the month bills");
    }

    /// A cover letter (üst yazı) of `unit`, with no request on it.
    fn letter_in(&self, unit: i32) -> i32 {
        let day = self.now().date();
        let number = format!("MATRIS-{unit}");
        let new = db::cover_letters::NewLetter {
            unit_id: unit,
            year: 2026,
            seq: 1,
            number: &number,
            letter_date: day,
            subject: "Mobil İmza operatör evrakı",
            documents: "Evrak",
            heading: "T.C.",
            signer_name: "",
            signer_title: "Birim Amiri",
            created_by: self.officer_a,
            created_at: self.now(),
        };
        db::cover_letters::insert(&mut self.conn(), &new).expect("letter")
    }

    /// A stored (empty) operator bill reconciliation of `month`.
    fn reconciliation(&self, month: &str) -> i32 {
        let new = db::bill_reconciliations::NewReconciliation {
            operator: mobilimza::domain::staff::Operator::Turkcell,
            month,
            file_name: "fatura.csv",
            uploaded_by: self.finance,
            uploaded_at: self.now(),
            totals: &Default::default(),
        };
        db::bill_reconciliations::create(&mut self.conn(), &new, &[]).expect("reconciliation")
    }

    /// A new batch holding request `id`.
    fn batch_of(&self, id: i32) -> i32 {
        let batch =
            db::batches::create(&mut self.conn(), self.reviewer, self.now()).expect("batch");
        let update = db::requests::RequestUpdate {
            batch_id: Some(batch),
            ..Default::default()
        };
        self.set_request(id, &update);
        batch
    }
}

/// A route's pattern with its parameters filled.
pub fn path_of(route: &Route, target: Option<Target>) -> String {
    let id = target.map_or(0, |t| t.id).to_string();
    route
        .path
        .replace("{id}", &id)
        .replace("{format}", "csv")
        .replace("{month}", BILLED_MONTH)
        .replace("{sayfa}", "personel")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Allowed,
    Forbidden,
    NotFound,
    Login,
}

fn reaches(grant: &Grant, who: &Who, target: Option<Target>) -> bool {
    let Some(t) = target else { return true };
    match grant.scope {
        Scope::All => true,
        Scope::OwnUnits => who.units.contains(&t.unit),
        Scope::Own => who.email.is_some() && who.email == t.owner,
    }
}

/// The cell as the inventory says it: the union of the grants `who` holds.
pub fn expected(route: &Route, who: &Who, target: Option<Target>) -> Expect {
    let held = |grants: &'static [Grant]| grants.iter().filter(|g| who.roles.contains(&g.role));
    let reach = |grants| held(grants).any(|g| reaches(g, who, target));
    match route.access {
        Access::Public => Expect::Allowed,
        // No account holds a machine's token.
        Access::Token => Expect::NotFound,
        _ if who.email.is_none() => Expect::Login,
        Access::SignedIn => Expect::Allowed,
        Access::Area(grants) if held(grants).next().is_none() => Expect::Forbidden,
        Access::Area(grants) if reach(grants) => Expect::Allowed,
        Access::Area(_) => Expect::NotFound,
        Access::Shared { acts, .. } if reach(acts) => Expect::Allowed,
        Access::Shared { sees, .. } if reach(sees) => Expect::Forbidden,
        Access::Shared { .. } => Expect::NotFound,
    }
}

fn matches(expect: Expect, route: &Route, page: &Page) -> bool {
    let to_login = page.status == 303
        && page
            .location
            .as_deref()
            .is_some_and(|l| l.starts_with("/giris"));
    match expect {
        Expect::Allowed => {
            !(403..=405).contains(&page.status) // forbidden, not found, wrong method
                && page.status < 500
                && (route.access == Access::Public || !to_login)
        }
        Expect::Forbidden => page.status == 403,
        Expect::NotFound => page.status == 404,
        Expect::Login => to_login,
    }
}

/// The form a POST cell sends: the token and nothing else, except on the
/// request page, where an action `who` could take is sent with a version
/// that never matches (so an allowed cell ends in "changed meanwhile").
pub fn form_of<'a>(route: &Route, who: &'a Who) -> Vec<(&'static str, &'a str)> {
    let mut form = vec![("csrf_token", who.token.as_str())];
    if route.path == "/talep/{id}/islem" {
        let staff_only = !who
            .roles
            .iter()
            .any(|r| matches!(r, Role::Officer | Role::Reviewer));
        let action = if staff_only { "not_mine" } else { "cancel" };
        form.extend([("action", action), ("version", "-1")]);
    }
    form
}

/// Asks one cell. Logging out is asked on a browser of its own.
async fn ask(m: &Matrix, route: &Route, who: &Who, path: &str) -> Page {
    match route.method {
        Method::Get => who.browser.get(path).await,
        Method::Post if route.path == "/cikis" => {
            let b = match who.email {
                Some(e) => m.org.logged_in(e).await,
                None => m.org.browser(),
            };
            let token = b.token().await;
            b.post_raw(path, &[("csrf_token", &token)]).await
        }
        Method::Post => who.browser.post_raw(path, &form_of(route, who)).await,
    }
}

#[tokio::test]
async fn every_route_answers_every_account_as_the_inventory_says() {
    let m = Matrix::spawn().await;
    let (mut cells, mut surprises) = (0, Vec::new());
    for route in ROUTES {
        for target in m.targets(route.record) {
            let path = path_of(route, target);
            for who in &m.people {
                let want = expected(route, who, target);
                let page = ask(&m, route, who, &path).await;
                cells += 1;
                if !matches(want, route, &page) {
                    surprises.push(format!(
                        "{} {path} (record of {}) as {}: expected {want:?}, got {} {}",
                        route.method.as_str(),
                        target.map_or("-", |t| t.side),
                        who.name,
                        page.status,
                        page.location.as_deref().unwrap_or(""),
                    ));
                }
            }
        }
    }
    assert!(
        surprises.is_empty(),
        "{} of {cells} cells differ from the inventory:\n{}",
        surprises.len(),
        surprises.join("\n")
    );
    println!("matrix: {cells} cells, 0 surprises");
}
