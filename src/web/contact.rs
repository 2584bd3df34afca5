//! "İletişim bilgilerim": staff keep their number, operator, line type and
//! "mobil imza" field current; officers can do the same for their units'
//! staff. A change that makes a live signature or request unusable is shown
//! on a confirmation page first; on confirm everything happens in one
//! transaction: contact fields, invalidation, returned/cancelled requests,
//! history, notices, audit.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::admin::parse_id;
use super::errors::AppError;
use super::forms::{Form, FormErrors, checked};
use super::page::{Page, render_status, see_other};
use super::session::{FlashKind, TypedSession};
use crate::app::AppState;
use crate::db::{self, staff::Staff};
use crate::domain::contact::{ChangeKind, Contact};
use crate::domain::phone::{Msisdn, display as phone_display};
use crate::domain::staff::{LineType, Operator};
use crate::domain::workflow::Action;
use crate::paths;
use crate::service::Actor;
use crate::service::contact::{self, Subject};

fn path_of(subject: Subject) -> String {
    match subject {
        Subject::Me => paths::MY_CONTACT.into(),
        Subject::Staff(id) => paths::staff_contact(id),
    }
}

fn back_of(subject: Subject) -> String {
    match subject {
        Subject::Me => paths::ME.into(),
        Subject::Staff(id) => paths::staff(id),
    }
}

async fn load(state: &AppState, actor: &Actor, subject: Subject) -> Result<Staff, AppError> {
    let actor = actor.clone();
    state
        .call(move |conn| contact::load(conn, &actor, subject))
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Default)]
struct Values {
    phone: String,
    operator: String,
    line_type: String,
    has_signature: bool,
    kinds: Vec<String>,
}

#[derive(Template)]
#[template(path = "contact/form.html")]
struct FormPage {
    page: Page,
    name: String,
    action: String,
    back: String,
    v: Values,
    errors: FormErrors,
    operators: [Operator; 3],
    line_types: [LineType; 2],
    kinds: [ChangeKind; 4],
}

impl FormPage {
    fn kind_checked(&self, k: &ChangeKind) -> bool {
        self.v.kinds.iter().any(|c| c == k.code())
    }
}

fn form_page(
    page: Page,
    s: &Staff,
    subject: Subject,
    v: Values,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(
        &FormPage {
            page,
            name: s.full_name(),
            action: path_of(subject),
            back: back_of(subject),
            v,
            errors,
            operators: Operator::ALL,
            line_types: LineType::ALL,
            kinds: ChangeKind::ALL,
        },
        status,
    )
}

fn current(s: &Staff) -> Values {
    Values {
        phone: phone_display(&s.phone),
        operator: s.operator.code().to_owned(),
        line_type: s.line_type.code().to_owned(),
        has_signature: s.has_signature,
        kinds: Vec::new(),
    }
}

pub async fn my_form(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
) -> Result<HttpResponse, AppError> {
    let s = load(&state, &actor, Subject::Me).await?;
    form_page(page, &s, Subject::Me, current(&s), FormErrors::default())
}

pub async fn staff_form(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let subject = Subject::Staff(parse_id(&path)?);
    let s = load(&state, &actor, subject).await?;
    form_page(page, &s, subject, current(&s), FormErrors::default())
}

pub async fn my_change(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    Form(form): Form<ContactForm>,
) -> Result<HttpResponse, AppError> {
    change(state, page, session, actor, Subject::Me, form).await
}

pub async fn staff_change(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    path: web::Path<String>,
    Form(form): Form<ContactForm>,
) -> Result<HttpResponse, AppError> {
    let subject = Subject::Staff(parse_id(&path)?);
    change(state, page, session, actor, subject, form).await
}

/// What confirming will do, in plain Turkish.
pub struct Consequence {
    pub text: String,
}

#[derive(Template)]
#[template(path = "contact/confirm.html")]
struct ConfirmPage {
    page: Page,
    name: String,
    action: String,
    back: String,
    v: Values,
    consequences: Vec<Consequence>,
}

async fn change(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    subject: Subject,
    f: ContactForm,
) -> Result<HttpResponse, AppError> {
    let s = load(&state, &actor, subject).await?;
    let confirmed = f.onay == "1";
    let (v, parsed) = parse_change(f);
    let (new, kinds) = match parsed {
        Ok(parsed) => parsed,
        Err(errors) => return form_page(page, &s, subject, v, errors),
    };
    if s.contact() == new && kinds.is_empty() {
        session.flash(FlashKind::Info, "Bir değişiklik yapılmadı.");
        return Ok(see_other(&back_of(subject)));
    }
    if !confirmed {
        let (staff, n, k) = (s.clone(), new.clone(), kinds.clone());
        let consequences = state
            .call(move |conn| contact::consequences(conn, &staff, &n, &k))
            .await?;
        if !consequences.is_empty() {
            return confirm_page(page, &s, subject, v, &consequences);
        }
    }
    let now = state.clock.now_naive();
    let name = s.full_name();
    let invalidated = state
        .call(move |conn| contact::apply(conn, &actor, &s, new, &kinds, now))
        .await?;
    let text = match invalidated {
        Some(id) => format!(
            "{name}: iletişim bilgileri güncellendi. Aktif mobil imza (talep #{id}) geçersiz sayıldı; yeni hat için yeni başvuru gerekir."
        ),
        None => format!("{name}: iletişim bilgileri güncellendi."),
    };
    session.flash(FlashKind::Success, text);
    Ok(see_other(&back_of(subject)))
}

/// The contact-change form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ContactForm {
    phone: String,
    operator: String,
    line_type: String,
    has_signature: Option<String>,
    /// What happened: SIM, line, number, porting.
    kinds: Vec<String>,
    /// "1" once the user has seen and confirmed the consequences.
    onay: String,
}

/// The form as typed, and the new line with what happened to it; or the
/// form with its errors.
fn parse_change(f: ContactForm) -> (Values, Result<(Contact, Vec<ChangeKind>), FormErrors>) {
    let v = Values {
        phone: f.phone,
        operator: f.operator,
        line_type: f.line_type,
        has_signature: checked(&f.has_signature),
        kinds: f.kinds,
    };
    let mut errors = FormErrors::default();
    let phone = Msisdn::parse(&v.phone)
        .map_err(|m| errors.add("phone", m))
        .ok();
    let operator = Operator::from_code(&v.operator);
    if operator.is_none() {
        errors.add("operator", "Operatörünüzü seçin.");
    }
    let line_type = LineType::from_code(&v.line_type);
    if line_type.is_none() {
        errors.add("line_type", "Hat tipini seçin.");
    }
    let kinds = v
        .kinds
        .iter()
        .filter_map(|k| ChangeKind::from_code(k))
        .collect();
    match (phone, operator, line_type) {
        (Some(phone), Some(operator), Some(line_type)) if errors.is_empty() => {
            let new = Contact {
                phone: phone.as_str().to_owned(),
                operator,
                line_type,
                has_signature: v.has_signature,
            };
            (v, Ok((new, kinds)))
        }
        _ => (v, Err(errors)),
    }
}

/// Says in plain Turkish what confirming will do.
fn confirm_page(
    page: Page,
    s: &Staff,
    subject: Subject,
    v: Values,
    consequences: &[contact::Consequence],
) -> Result<HttpResponse, AppError> {
    let mut consequences: Vec<Consequence> = consequences
        .iter()
        .map(|c| Consequence {
            text: match c.action {
                Action::Invalidate => format!(
                    "Aktif mobil imza (talep #{}) kullanılamaz hale gelecek ve geçersiz sayılacak; aylık ücreti gelecek aydan itibaren kesilir.",
                    c.request_id
                ),
                Action::Return => format!("Talep #{} henüz Kamu SM'ye iletilmediği için proje sorumlusuna geri gönderilecek.", c.request_id),
                _ => format!("Talep #{} Kamu SM'ye iletildiği için iptal edilecek.", c.request_id),
            },
        })
        .collect();
    consequences.push(Consequence {
        text: "Yeni hat için yeni bir başvuru gerekir; son 3 yıl içinde kurumca ödenmiş bir sertifika varsa yeni sertifika kişisel ödemedir (Şeflik gerekçeli istisna verebilir).".into(),
    });
    render_status(
        &ConfirmPage {
            page,
            name: s.full_name(),
            action: path_of(subject),
            back: back_of(subject),
            v,
            consequences,
        },
        StatusCode::OK,
    )
}

/// The contact history shown on the staff page.
pub struct HistoryView {
    pub at: String,
    pub who: String,
    pub change: String,
    pub kinds: String,
    pub invalidated: Option<i32>,
}

pub fn history_view(rows: Vec<db::contact::HistoryRow>) -> Vec<HistoryView> {
    rows.into_iter()
        .map(|(at, who, op, np, oo, no, kinds, inv)| HistoryView {
            at: crate::domain::time::format_local(at),
            who,
            change: format!("{} {oo} → {} {no}", phone_display(&op), phone_display(&np),),
            kinds,
            invalidated: inv,
        })
        .collect()
}
