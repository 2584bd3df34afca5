//! "İletişim bilgilerim": staff keep their number, operator, line type and
//! "mobil imza" field current; officers can do the same for their units'
//! staff. A change that makes a live signature or request unusable is shown
//! on a confirmation page first; on confirm everything happens in one
//! transaction: contact fields, invalidation, returned/cancelled requests,
//! history, notices, audit.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::admin::{Actor as AuditActor, parse_id};
use super::errors::AppError;
use super::forms::{FormData, FormErrors};
use super::identity::CurrentUser;
use super::page::{Page, render_status, see_other};
use super::requests::system_transition;
use super::session::{FlashKind, TypedSession};
use crate::app::AppState;
use crate::db::{self, AnyConnection, audit::AuditEntry, staff::Staff};
use crate::domain::contact::{ChangeKind, Contact, invalidates, open_request_action};
use crate::domain::phone::{Msisdn, display as phone_display};
use crate::domain::staff::{LineType, Operator, operator_label};
use crate::domain::workflow::{Action, State};

/// Whose record: the user's own (staff) or one of the officer's units'.
#[derive(Clone, Copy)]
enum Subject {
    Me,
    Staff(i32),
}

impl Subject {
    fn path(self) -> String {
        match self {
            Subject::Me => super::paths::MY_CONTACT.into(),
            Subject::Staff(id) => super::paths::staff_contact(id),
        }
    }

    fn back(self) -> String {
        match self {
            Subject::Me => super::paths::ME.into(),
            Subject::Staff(id) => super::paths::staff(id),
        }
    }
}

async fn load(state: &AppState, user: &CurrentUser, subject: Subject) -> Result<Staff, AppError> {
    let email = user.email.clone();
    let s = state
        .db(move |conn| {
            Ok(match subject {
                Subject::Me => db::staff::find_by_email(conn, &email)?,
                Subject::Staff(id) => db::staff::find(conn, id)?,
            })
        })
        .await?
        .ok_or(AppError::NotFound)?;
    if let Subject::Staff(_) = subject
        && !user.unit_ids.contains(&s.unit_id)
    {
        return Err(AppError::NotFound);
    }
    Ok(s)
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
            action: subject.path(),
            back: subject.back(),
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
        operator: s.operator.clone(),
        line_type: s.line_type.clone(),
        has_signature: s.has_signature,
        kinds: Vec::new(),
    }
}

pub async fn my_form(
    state: web::Data<AppState>,
    page: Page,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let s = load(&state, &user, Subject::Me).await?;
    form_page(page, &s, Subject::Me, current(&s), FormErrors::default())
}

pub async fn staff_form(
    state: web::Data<AppState>,
    page: Page,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let subject = Subject::Staff(parse_id(&path)?);
    let s = load(&state, &user, subject).await?;
    form_page(page, &s, subject, current(&s), FormErrors::default())
}

pub async fn my_change(
    state: web::Data<AppState>,
    req: HttpRequest,
    page: Page,
    session: TypedSession,
    user: CurrentUser,
    form: FormData,
) -> Result<HttpResponse, AppError> {
    change(state, req, page, session, user, Subject::Me, form).await
}

pub async fn staff_change(
    state: web::Data<AppState>,
    req: HttpRequest,
    page: Page,
    session: TypedSession,
    user: CurrentUser,
    path: web::Path<String>,
    form: FormData,
) -> Result<HttpResponse, AppError> {
    let subject = Subject::Staff(parse_id(&path)?);
    change(state, req, page, session, user, subject, form).await
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
    req: HttpRequest,
    page: Page,
    session: TypedSession,
    user: CurrentUser,
    subject: Subject,
    f: FormData,
) -> Result<HttpResponse, AppError> {
    let s = load(&state, &user, subject).await?;
    let v = Values {
        phone: f.get("phone").to_owned(),
        operator: f.get("operator").to_owned(),
        line_type: f.get("line_type").to_owned(),
        has_signature: f.checked("has_signature"),
        kinds: f.all("kinds").iter().map(|k| (*k).to_owned()).collect(),
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
    let kinds: Vec<ChangeKind> = v
        .kinds
        .iter()
        .filter_map(|k| ChangeKind::from_code(k))
        .collect();
    let (Some(phone), Some(operator), Some(line_type), true) =
        (phone, operator, line_type, errors.is_empty())
    else {
        return form_page(page, &s, subject, v, errors);
    };
    let old = Contact {
        phone: s.phone.clone(),
        operator: s.operator.clone(),
        line_type: s.line_type.clone(),
        has_signature: s.has_signature,
    };
    let new = Contact {
        phone: phone.as_str().to_owned(),
        operator: operator.code().to_owned(),
        line_type: line_type.code().to_owned(),
        has_signature: v.has_signature,
    };
    if old == new && kinds.is_empty() {
        session.flash(FlashKind::Info, "Bir değişiklik yapılmadı.");
        return Ok(see_other(&subject.back()));
    }
    let invalidating = invalidates(&old, &new, &kinds);
    let staff_id = s.id;
    let live = state
        .db(move |conn| Ok(db::contact::live_requests(conn, staff_id)?))
        .await?;
    let affected: Vec<&db::requests::Request> = live
        .iter()
        .filter(|r| {
            invalidating
                && (r.state == State::Active.code()
                    || State::from_code(&r.state)
                        .and_then(open_request_action)
                        .is_some())
        })
        .collect();
    if !affected.is_empty() && f.get("onay") != "1" {
        let mut consequences: Vec<Consequence> = affected
            .iter()
            .map(|r| Consequence {
                text: match State::from_code(&r.state).and_then(open_request_action) {
                    _ if r.state == State::Active.code() => format!(
                        "Aktif mobil imza (talep #{}) kullanılamaz hale gelecek ve geçersiz sayılacak; aylık ücreti gelecek aydan itibaren kesilir.",
                        r.id
                    ),
                    Some(Action::Return) => format!("Talep #{} henüz Kamu SM'ye iletilmediği için proje sorumlusuna geri gönderilecek.", r.id),
                    _ => format!("Talep #{} Kamu SM'ye iletildiği için iptal edilecek.", r.id),
                },
            })
            .collect();
        consequences.push(Consequence {
            text: "Yeni hat için yeni bir başvuru gerekir; son 3 yıl içinde kurumca ödenmiş bir sertifika varsa yeni sertifika kişisel ödemedir (Şeflik gerekçeli istisna verebilir).".into(),
        });
        return render_status(
            &ConfirmPage {
                page,
                name: s.full_name(),
                action: subject.path(),
                back: subject.back(),
                v,
                consequences,
            },
            StatusCode::OK,
        );
    }
    let actor = AuditActor::of(&user, &req);
    let now = state.clock.now_naive();
    let kinds_text: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
    let kinds_text = kinds_text.join(", ");
    let name = s.full_name();
    let invalidated = state
        .db(move |conn| {
            apply(
                conn,
                &s,
                &old,
                new,
                invalidating,
                &kinds_text,
                actor.id,
                &actor.ip,
                now,
            )
        })
        .await?;
    let text = match invalidated {
        Some(id) => format!(
            "{name}: iletişim bilgileri güncellendi. Aktif mobil imza (talep #{id}) geçersiz sayıldı; yeni hat için yeni başvuru gerekir."
        ),
        None => format!("{name}: iletişim bilgileri güncellendi."),
    };
    session.flash(FlashKind::Success, text);
    Ok(see_other(&subject.back()))
}

#[allow(clippy::too_many_arguments)]
fn apply(
    conn: &mut AnyConnection,
    s: &Staff,
    old: &Contact,
    mut new: Contact,
    invalidating: bool,
    kinds: &str,
    actor_id: i32,
    ip: &str,
    now: chrono::NaiveDateTime,
) -> Result<Option<i32>, AppError> {
    db::transaction(conn, |conn| {
        let mut invalidated = None;
        let mut changed: Vec<(i32, State)> = Vec::new();
        if invalidating {
            let note = if kinds.is_empty() {
                "Numara/operatör değişikliği".to_owned()
            } else {
                kinds.to_owned()
            };
            for r in db::contact::live_requests(conn, s.id)? {
                let action = if r.state == State::Active.code() {
                    Some(Action::Invalidate)
                } else {
                    State::from_code(&r.state).and_then(open_request_action)
                };
                if let Some(action) = action
                    && let Some(to) =
                        system_transition(conn, &r, action, &note, Some(actor_id), ip, now)?
                {
                    if action == Action::Invalidate {
                        invalidated = Some(r.id);
                    }
                    changed.push((r.id, to));
                }
            }
        }
        // An unusable signature is not a signature: the field says "yok".
        if invalidated.is_some() {
            new.has_signature = false;
        }
        db::contact::set_contact(conn, s.id, &new, now)?;
        db::contact::record(
            conn,
            &db::contact::NewChange {
                staff_id: s.id,
                at: now,
                actor_id,
                old,
                new: &new,
                kinds,
                invalidated_request_id: invalidated,
            },
        )?;
        // The staff member and the unit's officers hear of every consequence.
        for (id, to) in &changed {
            let what = match to {
                State::Invalidated => "aktif mobil imza geçersiz sayıldı".to_owned(),
                other => format!("talep “{}” durumuna geçti", other.label()),
            };
            let text = format!(
                "{}: hat/SIM/numara/operatör değişikliği nedeniyle {what} (talep #{id}).",
                s.full_name()
            );
            for user in db::contact::recipients(conn, &s.email, s.unit_id)? {
                db::contact::notify(conn, user, now, &text, &super::paths::request(id))?;
            }
        }
        db::audit::record(
            conn,
            &AuditEntry {
                at: now,
                actor_id: Some(actor_id),
                action: "contact.changed",
                target: &format!("staff:{}", s.id),
                detail: &format!(
                    "{} {} → {} {}; {kinds}; geçersiz: {invalidated:?}",
                    phone_display(&old.phone),
                    operator_label(&old.operator),
                    phone_display(&new.phone),
                    operator_label(&new.operator)
                ),
                ip,
            },
        )?;
        Ok::<_, AppError>(invalidated)
    })
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
            change: format!(
                "{} {} → {} {}",
                phone_display(&op),
                operator_label(&oo),
                phone_display(&np),
                operator_label(&no)
            ),
            kinds,
            invalidated: inv,
        })
        .collect()
}
