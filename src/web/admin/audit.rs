//! The audit log page: every row in plain Turkish (action labels, targets
//! as "Personel #5" with a link where the viewer has a page for it),
//! filters (who, what, when, request, unit), pages of 50 with a total, and
//! the filtered rows as CSV (streamed, so any size keeps memory flat).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::AppState;
use crate::db::audit::{ActorFilter, AuditFilter, AuditRow};
use crate::db::{units::UnitRow, users::UserAccess};
use crate::domain::audit::{AuditAction, Target, action_label};
use crate::domain::role::Role;
use crate::domain::time::{format_local, format_local_seconds, parse_day};
use crate::paths;
use crate::service::Actor;
use crate::service::audit_log::{self, AuditPage as Found};
use crate::web::errors::AppError;
use crate::web::export::{Cell, Format, Row, stream};
use crate::web::page::{Page, render};

/// The filter form (GET, so no CSRF token): all values as typed.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct AuditQuery {
    /// A user id, or `sistem` for rows without a user.
    kim: Option<String>,
    /// An action code.
    islem: Option<String>,
    /// Days as `yyyy-mm-dd` (date field) or `gg.aa.yyyy`.
    baslangic: Option<String>,
    bitis: Option<String>,
    /// A request number.
    talep: Option<String>,
    birim: Option<String>,
    sayfa: Option<String>,
}

fn opt(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl AuditQuery {
    /// The filter, and a Turkish warning for each value that was ignored.
    fn filter(&self) -> (AuditFilter, Vec<String>) {
        let mut warnings = Vec::new();
        let mut day = |v: &Option<String>, name: &str| {
            let raw = opt(v)?;
            let parsed = parse_day(raw);
            if parsed.is_none() {
                warnings.push(format!(
                    "{name} “{raw}” bir tarih değil (gg.aa.yyyy); bu filtre uygulanmadı."
                ));
            }
            parsed
        };
        let from = day(&self.baslangic, "Başlangıç");
        let to = day(&self.bitis, "Bitiş");
        let request_id = opt(&self.talep).and_then(|raw| {
            let id = raw.trim_start_matches('#').parse().ok();
            if id.is_none() {
                warnings.push(format!(
                    "Talep numarası “{raw}” bir sayı değil; bu filtre uygulanmadı."
                ));
            }
            id
        });
        let actor = match opt(&self.kim) {
            Some("sistem") => Some(ActorFilter::Nobody),
            other => other.and_then(|v| v.parse().ok()).map(ActorFilter::User),
        };
        let filter = AuditFilter {
            actor,
            action: opt(&self.islem)
                .and_then(AuditAction::from_code)
                .map(AuditAction::code),
            from,
            to,
            request_id,
            unit_id: opt(&self.birim).and_then(|v| v.parse().ok()),
        };
        (filter, warnings)
    }

    fn page(&self) -> i64 {
        opt(&self.sayfa).and_then(|v| v.parse().ok()).unwrap_or(1)
    }

    /// The filters as a query string (without the page).
    fn query_string(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("kim", opt(&self.kim)),
            ("islem", opt(&self.islem)),
            ("baslangic", opt(&self.baslangic)),
            ("bitis", opt(&self.bitis)),
            ("talep", opt(&self.talep)),
            ("birim", opt(&self.birim)),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// A day field's value for an HTML date input (`yyyy-mm-dd`).
fn date_value(v: &Option<String>) -> String {
    opt(v)
        .and_then(parse_day)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Who acted: the user, the system (`cli`, `zamanlayıcı`), or nobody (a
/// failed login from an address).
fn actor_label(r: &AuditRow) -> String {
    match &r.actor {
        Some(name) => name.clone(),
        None if r.ip.parse::<std::net::IpAddr>().is_ok() || r.ip == "-" => "—".to_owned(),
        None => format!("Sistem ({})", r.ip),
    }
}

/// The page a target has, if the viewer may open it.
fn target_link(t: &Target, roles: &[Role]) -> Option<String> {
    match t {
        Target::Request(id) => Some(paths::request(*id)),
        Target::User(id) => Some(paths::user(*id)),
        Target::Unit(id) => Some(paths::unit(*id)),
        Target::Batch(id) => Some(paths::batch(*id)),
        Target::Staff(id) if roles.contains(&Role::Officer) => Some(paths::staff(*id)),
        Target::Import(id) if roles.contains(&Role::Officer) => {
            Some(paths::staff_import_preview(*id))
        }
        Target::Month(m) if roles.contains(&Role::Finance) => Some(paths::billing_month(&m.key())),
        Target::Thread(id) if roles.contains(&Role::Reviewer) => Some(paths::thread(*id)),
        Target::Bill(id) if roles.contains(&Role::Finance) => Some(paths::bill_reconciliation(*id)),
        _ => None,
    }
}

struct RowView {
    id: i64,
    at: String,
    actor: String,
    action: String,
    target: String,
    link: Option<String>,
    detail: String,
    ip: String,
}

fn view(r: AuditRow, roles: &[Role]) -> RowView {
    let target = Target::parse(&r.target);
    RowView {
        id: r.id,
        at: format_local(r.at),
        actor: actor_label(&r),
        action: action_label(&r.action),
        link: target_link(&target, roles),
        target: target.label(),
        detail: r.detail,
        ip: r.ip,
    }
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: Page,
    q: AuditQuery,
    warnings: Vec<String>,
    rows: Vec<RowView>,
    total: i64,
    page_no: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    csv: String,
    users: Vec<UserAccess>,
    units: Vec<UnitRow>,
    actions: Vec<(String, String)>,
    from: String,
    to: String,
}

impl AuditPage {
    fn sel(&self, v: &Option<String>, want: &str) -> bool {
        opt(v) == Some(want)
    }
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

/// `GET /yonetim/denetim`: one page of the filtered log.
pub async fn list(
    state: web::Data<AppState>,
    page: Page,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let (filter, warnings) = q.filter();
    let wanted = q.page();
    let found: Found = state
        .call(move |conn| audit_log::page(conn, &filter, wanted))
        .await?;
    let roles = page
        .user
        .as_ref()
        .map(|u| u.roles.clone())
        .unwrap_or_default();
    let qs = q.query_string();
    let at_page = |n: i64| {
        let sep = if qs.is_empty() { "" } else { "&" };
        paths::audit_filtered(&format!("{qs}{sep}sayfa={n}"))
    };
    render(&AuditPage {
        prev: (found.page > 1).then(|| at_page(found.page - 1)),
        next: (found.page < found.pages).then(|| at_page(found.page + 1)),
        csv: paths::audit_export(&qs),
        rows: found.rows.into_iter().map(|r| view(r, &roles)).collect(),
        total: found.total,
        page_no: found.page,
        pages: found.pages,
        users: found.users,
        units: found.units,
        actions: AuditAction::all()
            .into_iter()
            .map(|a| (a.code(), a.label()))
            .collect(),
        from: date_value(&q.baslangic),
        to: date_value(&q.bitis),
        warnings,
        page,
        q,
    })
}

const HEADERS: [&str; 10] = [
    "Kayıt No",
    "Zaman",
    "Kim",
    "E-posta",
    "İşlem",
    "İşlem kodu",
    "Hedef",
    "Hedef kodu",
    "Ayrıntı",
    "IP / kaynak",
];

fn csv_row(r: &AuditRow) -> Row<'_> {
    vec![
        Cell::Number(r.id),
        Cell::text(format_local_seconds(r.at)),
        Cell::text(actor_label(r)),
        Cell::text(r.actor_email.as_deref().unwrap_or_default()),
        Cell::text(action_label(&r.action)),
        Cell::text(&r.action),
        Cell::text(Target::parse(&r.target).label()),
        Cell::text(&r.target),
        Cell::text(&r.detail),
        Cell::text(&r.ip),
    ]
}

/// `GET /yonetim/denetim.csv`: audited, then every filtered row streamed
/// (no cap: rows are read in chunks and sent as written).
pub async fn export(
    state: web::Data<AppState>,
    actor: Actor,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let (filter, _) = q.into_inner().filter();
    let now = state.clock.now_naive();
    let f2 = filter.clone();
    state
        .call(move |conn| audit_log::export(conn, &actor, &f2, now))
        .await?;
    let pool = state.pool.clone();
    Ok(stream(
        Format::Csv,
        "denetim-kaydi",
        "Denetim kaydı",
        &HEADERS,
        move |sink| {
            let mut conn = pool.get()?;
            audit_log::for_each(&mut conn, &filter, |r| sink(csv_row(r)))?;
            Ok(())
        },
    ))
}
