//! Cover letters (üst yazı) over HTTP: the new-letter form (requests of
//! one unit waiting for operator documents, some ticked on the officer's
//! request list), the letter page (HTML with an A4 print layout) and its
//! PDF. Rules and writes live in `service::cover_letters`, the wording in
//! `domain::cover_letter`, the PDF in [`super::letter_pdf`].

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::admin::parse_id;
use super::errors::AppError;
use super::forms::{FormData, FormErrors, query};
use super::letter_pdf::{self, DocRow, LetterDoc};
use super::page::{Page, render, render_status, see_other};
use super::session::{FlashKind, TypedSession};
use crate::app::AppState;
use crate::db::cover_letters::{Letter, LetterLine};
use crate::domain::cover_letter as rules;
use crate::domain::tckn::mask;
use crate::domain::time::{format_local, local_day};
use crate::service::cover_letters::{self as letters, Created, Draft, LetterInput, LetterView};
use crate::service::{Actor, Outcome, STALE};

/// `sec` values read at most: a few more than a letter may carry, so an
/// oversized selection is refused with its count rather than cut.
const SELECTION_READ: usize = rules::MAX_REQUESTS * 2;

/// Request ids from `sec` values (`12` or `12:3`, as the lists send them).
fn ticked(sec: &[String]) -> Vec<i32> {
    sec.iter()
        .take(SELECTION_READ)
        .filter_map(|v| v.split(':').next()?.trim().parse().ok())
        .collect()
}

/// `(request, version)` pairs from the form's `sec` values (`12:3`).
fn selected(sec: &[String]) -> Vec<(i32, i32)> {
    sec.iter()
        .take(SELECTION_READ + 1)
        .filter_map(|v| v.split_once(':'))
        .filter_map(|(i, v)| Some((i.trim().parse().ok()?, v.trim().parse().ok()?)))
        .collect()
}

/// The form's fields as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LetterForm {
    birim: String,
    sec: Vec<String>,
    sayi: String,
    tarih: String,
    konu: String,
    evrak: String,
}

#[derive(Template)]
#[template(path = "letters/new.html")]
struct NewPage {
    page: Page,
    draft: Draft,
    ticked: Vec<i32>,
    /// Ticked on the list but not waiting in this unit.
    ignored: Vec<i32>,
    form: LetterForm,
    errors: FormErrors,
    max: usize,
}

impl NewPage {
    fn is_ticked(&self, id: &i32) -> bool {
        self.ticked.contains(id)
    }

    fn masked(&self, l: &LetterLine) -> String {
        mask(&l.tckn)
    }

    /// The letter's own fields: (name, label, value, input type).
    fn fields(&self) -> [(&'static str, &'static str, &str, &'static str); 4] {
        let f = &self.form;
        [
            ("sayi", "Sayı", &f.sayi, "text"),
            ("tarih", "Tarih", &f.tarih, "date"),
            ("konu", "Konu", &f.konu, "text"),
            (
                "evrak",
                "Gönderilen evrak (her personel için)",
                &f.evrak,
                "text",
            ),
        ]
    }
}

/// The form as the draft suggests it: the next sayı, today, the default
/// subject and documents.
fn suggested(d: &Draft) -> LetterForm {
    LetterForm {
        birim: d.unit_id.to_string(),
        sec: Vec::new(),
        sayi: d.number.clone(),
        tarih: d.today.format("%Y-%m-%d").to_string(),
        konu: rules::DEFAULT_SUBJECT.into(),
        evrak: rules::DEFAULT_DOCUMENTS.into(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DraftQuery {
    birim: String,
    sec: Vec<String>,
}

/// `GET /talepler/ust-yazi/yeni[?birim=…][&sec=…]`.
pub async fn new_form(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let q: DraftQuery = query(&req);
    let asked = match q.birim.trim() {
        "" => None,
        raw => Some(parse_id(raw)?),
    };
    let ticked = ticked(&q.sec);
    let wanted = ticked.clone();
    let now = state.clock.now_naive();
    let draft = state
        .call(move |conn| letters::draft(conn, &actor, asked, &wanted, now))
        .await?
        .ok_or(AppError::NotFound)?;
    let ignored = ticked
        .iter()
        .filter(|id| !draft.awaiting.iter().any(|l| l.request_id == **id))
        .copied()
        .collect();
    render(&NewPage {
        page,
        form: suggested(&draft),
        draft,
        ticked,
        ignored,
        errors: FormErrors::default(),
        max: rules::MAX_REQUESTS,
    })
}

/// The form's fields read, or their errors.
fn validate(
    form: &LetterForm,
    unit_id: i32,
    now: NaiveDateTime,
) -> Result<LetterInput, FormErrors> {
    let mut errors = FormErrors::default();
    let selected = selected(&form.sec);
    if let Err(m) = rules::check_count(selected.len()) {
        errors.add("talepler", m);
    }
    let mut field = |name, parsed: Result<String, String>| {
        parsed.map_err(|m| errors.add(name, m)).unwrap_or_default()
    };
    let number = field("sayi", rules::parse_number(&form.sayi));
    let subject = field("konu", rules::parse_subject(&form.konu));
    let documents = field("evrak", rules::parse_documents(&form.evrak));
    let date = rules::parse_date(&form.tarih, local_day(now))
        .map_err(|m| errors.add("tarih", m))
        .ok();
    match date {
        Some(date) if errors.is_empty() => Ok(LetterInput {
            unit_id,
            selected,
            number,
            date,
            subject,
            documents,
        }),
        _ => Err(errors),
    }
}

/// The form again, with what was typed and why it was not taken.
async fn again(
    state: &AppState,
    page: Page,
    actor: Actor,
    form: LetterForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let unit_id = parse_id(form.birim.trim())?;
    let now = state.clock.now_naive();
    let draft = state
        .call(move |conn| letters::draft(conn, &actor, Some(unit_id), &[], now))
        .await?
        .ok_or(AppError::NotFound)?;
    let ticked = selected(&form.sec).into_iter().map(|(id, _)| id).collect();
    let tpl = NewPage {
        page,
        draft,
        ticked,
        ignored: Vec::new(),
        form,
        errors,
        max: rules::MAX_REQUESTS,
    };
    render_status(&tpl, status)
}

/// `POST /talepler/ust-yazi/yeni`: the letter, and the documents step on
/// every selected request, in one transaction.
pub async fn create(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    f: FormData,
) -> Result<HttpResponse, AppError> {
    let form: LetterForm = f.parse()?;
    // A form without its unit is malformed; another unit's is not found.
    let unit_id = form
        .birim
        .trim()
        .parse::<i32>()
        .map_err(|_| AppError::BadRequest)?;
    let now = state.clock.now_naive();
    let input = match validate(&form, unit_id, now) {
        Ok(input) => input,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return again(&state, page, actor, form, errors, status).await;
        }
    };
    let count = input.selected.len();
    let number = input.number.clone();
    let by = actor.clone();
    let outcome = state
        .call(move |conn| letters::create(conn, &by, &input, now))
        .await?;
    let mut errors = FormErrors::default();
    let status = match outcome {
        Outcome::Done(Created::Letter(id)) => {
            let text = format!(
                "Üst yazı oluşturuldu (sayı {number}): {count} talebin operatör evrakı \
                 \"Üst yazı/posta\" yoluyla gönderildi olarak kaydedildi."
            );
            session.flash(FlashKind::Success, text);
            return Ok(see_other(&crate::paths::cover_letter(id)));
        }
        Outcome::Done(Created::NumberTaken) => {
            let m = "Bu sayı bu birimin bu yılki başka bir üst yazısında kullanıldı; başka bir sayı girin.";
            errors.add("sayi", m);
            StatusCode::CONFLICT
        }
        Outcome::NotFound => return Err(AppError::NotFound),
        Outcome::Forbidden(_) => return Err(AppError::Forbidden),
        Outcome::Refused(m) => {
            errors.add("talepler", m);
            StatusCode::CONFLICT
        }
        Outcome::Stale => {
            errors.add("talepler", STALE);
            StatusCode::CONFLICT
        }
    };
    again(&state, page, actor, form, errors, status).await
}

/// What the letter page and the PDF print.
fn doc_of(v: &LetterView) -> LetterDoc {
    let l = &v.letter;
    let rows: Vec<DocRow> = v
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| DocRow {
            no: i + 1,
            request: line.request_id,
            name: format!("{} {}", line.first_name, line.last_name),
            tckn: mask(&line.tckn),
            operator: line.operator.label().to_owned(),
        })
        .collect();
    LetterDoc {
        heading: l.heading.lines().map(str::to_owned).collect(),
        number: l.number.clone(),
        date: rules::format_date(l.letter_date),
        subject: l.subject.clone(),
        addressee: rules::ADDRESSEE,
        body: rules::body(rows.len()),
        attachments: vec![rules::attachment(&l.documents, rows.len())],
        rows,
        documents: l.documents.clone(),
        closing: rules::CLOSING,
        signer_name: l.signer_name.clone(),
        signer_title: l.signer_title.clone(),
    }
}

#[derive(Template)]
#[template(path = "letters/show.html")]
struct ShowPage {
    page: Page,
    id: i32,
    unit: String,
    created: String,
    doc: LetterDoc,
}

/// `GET /talepler/ust-yazi/{id}`: the letter, printable on A4.
pub async fn show(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let view = state
        .call(move |conn| letters::view(conn, &actor, id))
        .await?
        .ok_or(AppError::NotFound)?;
    render(&ShowPage {
        page,
        id,
        unit: view.unit_name.clone(),
        created: format_local(view.letter.created_at),
        doc: doc_of(&view),
    })
}

/// `GET /talepler/ust-yazi/{id}/pdf`: the letter as a PDF (audited).
pub async fn pdf(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let now = state.clock.now_naive();
    let view = state
        .call(move |conn| letters::download(conn, &actor, id, now))
        .await?
        .ok_or(AppError::NotFound)?;
    let doc = doc_of(&view);
    let bytes = web::block(move || letter_pdf::render(&doc))
        .await?
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"ust-yazi-{id}.pdf\""),
        ))
        .body(bytes))
}

pub struct LetterRow {
    pub id: i32,
    pub number: String,
    pub date: String,
    pub subject: String,
    pub unit: String,
    pub count: i64,
}

impl From<(Letter, String, i64)> for LetterRow {
    fn from((l, unit, count): (Letter, String, i64)) -> Self {
        LetterRow {
            id: l.id,
            number: l.number,
            date: rules::format_date(l.letter_date),
            subject: l.subject,
            unit,
            count,
        }
    }
}

#[derive(Template)]
#[template(path = "letters/list.html")]
struct ListPage {
    page: Page,
    letters: Vec<LetterRow>,
}

/// `GET /talepler/ust-yazi`: the officer's units' letters.
pub async fn list(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
) -> Result<HttpResponse, AppError> {
    let letters = state
        .call(move |conn| letters::list(conn, &actor))
        .await?
        .into_iter()
        .map(LetterRow::from)
        .collect();
    render(&ListPage { page, letters })
}
