//! National-scale demo data (`mobilimza seed-demo --scale N`): about 1 000
//! units over the 81 provinces, N/3 staff and N requests in every state with
//! consistent timestamps and history, certificate fees on both sides of the
//! KDV change (10.07.2023), 36 billed months and the contact changes behind
//! invalidated signatures. Deterministic for a given `now` (seeded RNG).
//!
//! Each staff member's requests are laid out backwards from `now`: the last
//! one is in any state (open ones recent, an active signature produced in
//! the last 35 months), the ones before it are closed and end before the
//! next was filed (an expired signature was renewed up to three months
//! before its end). Signatures are produced from 47 months back on (so that
//! some expired and the fees straddle the KDV change); requests are filed
//! over the last four years, most of them in the last three.
//! Rows are written with multi-row inserts ([`crate::db::demo_scale`]).

use std::collections::BTreeMap;

use chrono::{Duration, Months, NaiveDate, NaiveDateTime};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{DEMO_DOMAIN, SeedError};
use crate::db::{
    self, AnyConnection,
    demo_scale::{Bulk, Lit, Table},
};
use crate::domain::billing::BillingMonth;
use crate::domain::contact::ChangeKind;
use crate::domain::fees::certificate_fee;
use crate::domain::payer::Payer;
use crate::domain::request::{DocsWay, Reason};
use crate::domain::staff::{LineType, Operator, search_key};
use crate::domain::time::local_day;
use crate::domain::unit::UnitKind;
use crate::domain::workflow::State;

/// The demo accounts the generated rows name as actors.
#[derive(Debug, Clone, Copy)]
pub struct Actors {
    pub officer: i32,
    pub reviewer: i32,
    pub finance: i32,
}

/// What was written.
#[derive(Debug, Default, Clone)]
pub struct ScaleReport {
    pub units: usize,
    pub staff: usize,
    pub requests: usize,
    pub history: usize,
    pub fees: usize,
    pub fees_before_kdv_change: usize,
    pub billing_lines: usize,
    pub contact_changes: usize,
    pub per_state: BTreeMap<&'static str, usize>,
}

const UNITS: usize = 1_000;

const FIRST: &[&str] = &[
    "Ahmet", "Mehmet", "Mustafa", "Ayşe", "Fatma", "Emine", "Hatice", "Zeynep", "Elif", "Hüseyin",
    "İbrahim", "Ali", "Hasan", "Murat", "Ömer", "Özlem", "Şule", "Çağrı", "Gülşen", "İlknur",
    "Ümran", "Yusuf", "Büşra", "Merve", "Kübra", "Emre", "Burak", "Serkan", "Tuğba", "Derya",
    "Gökhan", "Onur", "Şeyma", "Sibel", "Cem", "Ebru", "Halil", "İsmail", "Osman", "Nur",
];
const LAST: &[&str] = &[
    "Yılmaz",
    "Kaya",
    "Demir",
    "Şahin",
    "Çelik",
    "Yıldız",
    "Yıldırım",
    "Öztürk",
    "Aydın",
    "Özdemir",
    "Arslan",
    "Doğan",
    "Kılıç",
    "Aslan",
    "Çetin",
    "Kara",
    "Koç",
    "Kurt",
    "Özkan",
    "Şimşek",
    "Polat",
    "Öz",
    "Korkmaz",
    "Erdoğan",
    "Güneş",
    "Işık",
    "Bulut",
    "Tekin",
    "Aksoy",
    "Akın",
    "Uçar",
    "Ünal",
    "Güler",
    "Çakır",
    "Türk",
    "Ateş",
    "Bozkurt",
    "Keskin",
    "Sarı",
    "Ağaoğlu",
];
const TITLES: &[&str] = &[
    "Veri Hazırlama ve Kontrol İşletmeni",
    "Memur",
    "Şef",
    "Şube Müdürü",
    "Mühendis",
    "Uzman",
    "Tekniker",
    "Avukat",
];
const DIRECTORATES: &[&str] = &[
    "Sağlık",
    "Milli Eğitim",
    "Tarım ve Orman",
    "Nüfus ve Vatandaşlık",
    "Çevre, Şehircilik ve İklim Değişikliği",
    "Gençlik ve Spor",
    "Aile ve Sosyal Hizmetler",
    "Kültür ve Turizm",
    "Sanayi ve Teknoloji",
    "Ticaret",
    "Göç İdaresi",
    "Afet ve Acil Durum",
];

/// (state, weight) of a staff member's latest request.
const LAST_STATES: &[(State, u32)] = &[
    (State::Draft, 4),
    (State::Submitted, 8),
    (State::Returned, 3),
    (State::Approved, 4),
    (State::Forwarded, 5),
    (State::SmsHold, 3),
    (State::Produced, 2),
    (State::Active, 40),
    (State::Rejected, 6),
    (State::Cancelled, 5),
    (State::Invalidated, 6),
    (State::Expired, 5),
    (State::Revoked, 3),
];
/// (state, weight) of the requests before it.
const EARLIER_STATES: &[(State, u32)] = &[
    (State::Expired, 35),
    (State::Invalidated, 25),
    (State::Revoked, 10),
    (State::Rejected, 18),
    (State::Cancelled, 12),
];

fn pick<T: Copy>(rng: &mut StdRng, table: &[(T, u32)]) -> T {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut x = rng.gen_range(0..total);
    for (v, w) in table {
        if x < *w {
            return *v;
        }
        x -= w;
    }
    table[0].0
}

fn minutes(rng: &mut StdRng, from: i64, to: i64) -> Duration {
    Duration::minutes(rng.gen_range(from..to))
}

fn days(rng: &mut StdRng, from: i64, to: i64) -> Duration {
    Duration::minutes(rng.gen_range(from * 1440..to * 1440))
}

fn months_back(t: NaiveDateTime, m: u32) -> NaiveDateTime {
    t.checked_sub_months(Months::new(m)).unwrap_or(t)
}

/// A valid (fictional) T.C. kimlik no; `300_000_000 + i` keeps clear of the
/// small demo's numbers.
fn tckn(i: usize) -> String {
    let base = format!("{:09}", 300_000_000 + i);
    let d: Vec<i32> = base.bytes().map(|b| i32::from(b - b'0')).collect();
    let d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])).rem_euclid(10);
    let d11 = (d.iter().sum::<i32>() + d10) % 10;
    format!("{base}{d10}{d11}")
}

fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ç' | 'Ç' => 'c',
            'ğ' | 'Ğ' => 'g',
            'ı' | 'İ' | 'I' => 'i',
            'ö' | 'Ö' => 'o',
            'ş' | 'Ş' => 's',
            'ü' | 'Ü' => 'u',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

fn phone(operator: Operator, n: usize) -> String {
    let prefix = match operator {
        Operator::Turkcell => "532",
        Operator::Vodafone => "542",
        Operator::TurkTelekom => "505",
    };
    format!("+90{prefix}{:07}", n % 10_000_000)
}

/// One planned staff member.
struct Person {
    unit: i32,
    first: &'static str,
    last: &'static str,
    operator: Operator,
    line_type: LineType,
    phone: String,
    has_signature: bool,
    since: NaiveDateTime,
}

/// One history row: when, action code, from, to, by whom.
type Step = (NaiveDateTime, &'static str, State, State, Option<i32>);

/// One planned request.
struct Plan {
    staff: usize,
    state: State,
    reason: Reason,
    created: NaiveDateTime,
    steps: Vec<Step>,
    phone: String,
    operator: Operator,
    /// The contact change that invalidated it.
    change: Option<ChangeKind>,
    not_mine: bool,
}

impl Plan {
    fn at(&self, action: &str) -> Option<NaiveDateTime> {
        self.steps.iter().find(|s| s.1 == action).map(|s| s.0)
    }
    fn end(&self) -> NaiveDateTime {
        self.steps.last().map_or(self.created, |s| s.0)
    }
}

/// The path every request follows up to an active signature.
const PATH: &[(&str, State, State)] = &[
    (db::requests::CREATED, State::Draft, State::Submitted),
    ("approve", State::Submitted, State::Approved),
    ("forward", State::Approved, State::Forwarded),
    ("form_emailed", State::Forwarded, State::Forwarded),
    ("form_signed", State::Forwarded, State::Forwarded),
    ("docs_sent", State::Forwarded, State::Forwarded),
    ("docs_received", State::Forwarded, State::Forwarded),
    ("sms", State::Forwarded, State::SmsHold),
    ("produce", State::SmsHold, State::Produced),
    ("activate", State::Produced, State::Active),
];
const PRODUCE: usize = 8;

/// Step durations (minutes) after the previous step, per step of [`PATH`].
fn durations(rng: &mut StdRng) -> [i64; 10] {
    let mut d = [0i64; 10];
    d[0] = rng.gen_range(5..600);
    for (i, v) in d.iter_mut().enumerate().skip(1) {
        *v = match i {
            1 => rng.gen_range(60..4 * 1440),
            2 => rng.gen_range(60..3 * 1440),
            8 => rng.gen_range(6 * 60 + 1..3 * 1440),
            _ => rng.gen_range(30..2 * 1440),
        };
    }
    d
}

/// Lays `path[..=last]` out so that step `anchor` happens at `at`.
fn layout(
    rng: &mut StdRng,
    actors: Actors,
    last: usize,
    anchor: usize,
    at: NaiveDateTime,
) -> (NaiveDateTime, Vec<Step>) {
    let d = durations(rng);
    let before: i64 = d[1..=anchor].iter().sum();
    let first = at - Duration::minutes(before);
    let mut t = first;
    let mut steps = Vec::with_capacity(last + 3);
    for (i, (action, from, to)) in PATH.iter().enumerate().take(last + 1) {
        if i > 0 {
            t += Duration::minutes(d[i]);
        }
        let by = if i == 0 {
            actors.officer
        } else {
            actors.reviewer
        };
        steps.push((t, *action, *from, *to, Some(by)));
    }
    (first - Duration::minutes(d[0]), steps)
}

/// The request ending at `end` (its last history row) in `state`.
fn plan_request(
    rng: &mut StdRng,
    actors: Actors,
    state: State,
    end: NaiveDateTime,
    (floor, now): (NaiveDateTime, NaiveDateTime),
) -> (NaiveDateTime, Vec<Step>, bool) {
    let sig_end = |s: State| matches!(s, State::Expired | State::Invalidated | State::Revoked);
    let mut not_mine = false;
    let (created, mut steps) = match state {
        State::Draft => {
            let c = end;
            (
                c,
                vec![(
                    c,
                    db::requests::CREATED,
                    State::Draft,
                    State::Draft,
                    Some(actors.officer),
                )],
            )
        }
        State::Submitted => layout(rng, actors, 0, 0, end),
        State::Approved => layout(rng, actors, 1, 1, end),
        State::Forwarded => {
            let last = rng.gen_range(2..=3);
            layout(rng, actors, last, last, end)
        }
        State::SmsHold => layout(rng, actors, 7, 7, end),
        State::Produced => layout(rng, actors, PRODUCE, PRODUCE, end),
        State::Active => layout(rng, actors, 9, 9, end),
        State::Expired => {
            // `end` is valid_until: production 36 months before.
            let produced = months_back(end, 36);
            layout(rng, actors, 9, PRODUCE, produced)
        }
        State::Invalidated | State::Revoked => {
            let longest = (end - floor).num_days().clamp(31, 900);
            let produced = end - days(rng, 30, longest);
            layout(rng, actors, 9, PRODUCE, produced)
        }
        State::Returned | State::Rejected => {
            let at = end - minutes(rng, 60, 4 * 1440);
            let (c, mut s) = layout(rng, actors, 0, 0, at);
            let action = if state == State::Returned {
                "return"
            } else {
                "reject"
            };
            s.push((end, action, State::Submitted, state, Some(actors.reviewer)));
            (c, s)
        }
        State::Cancelled => {
            let reached = rng.gen_range(0..=7);
            let at = end - minutes(rng, 60, 3 * 1440);
            let (c, mut s) = layout(rng, actors, reached, reached, at);
            let from = PATH[reached].2;
            not_mine = from == State::SmsHold && rng.gen_bool(0.5);
            let (action, by) = if not_mine {
                ("not_mine", None)
            } else if reached < 2 {
                ("cancel", Some(actors.officer))
            } else {
                ("cancel", Some(actors.reviewer))
            };
            s.push((end, action, from, State::Cancelled, by));
            (c, s)
        }
    };
    if sig_end(state) {
        let (action, by) = match state {
            State::Expired => ("expire", None),
            State::Invalidated => ("invalidate", Some(actors.officer)),
            _ => ("revoke", Some(actors.reviewer)),
        };
        steps.push((end, action, State::Active, state, by));
    }
    debug_assert!(steps.iter().all(|s| s.0 <= now));
    (created, steps, not_mine)
}

/// When the latest request of a staff member in `state` had its last step.
fn last_end(rng: &mut StdRng, state: State, now: NaiveDateTime) -> NaiveDateTime {
    match state {
        State::Active => now - days(rng, 2, 35 * 30),
        State::Expired => now - days(rng, 1, 300),
        State::Invalidated | State::Revoked => now - days(rng, 1, 500),
        State::Rejected | State::Cancelled => now - days(rng, 1, 600),
        _ => now - minutes(rng, 10, 30 * 1440),
    }
}

/// `n` staff spread over `units` by weight.
fn people(rng: &mut StdRng, n: usize, units: &[(i32, u32)], now: NaiveDateTime) -> Vec<Person> {
    (0..n)
        .map(|i| {
            let operator = match rng.gen_range(0..10) {
                0..=4 => Operator::Turkcell,
                5..=7 => Operator::Vodafone,
                _ => Operator::TurkTelekom,
            };
            Person {
                unit: pick(rng, units),
                first: FIRST[rng.gen_range(0..FIRST.len())],
                last: LAST[rng.gen_range(0..LAST.len())],
                operator,
                line_type: if rng.gen_range(0..10) < 9 {
                    LineType::Faturali
                } else {
                    LineType::Faturasiz
                },
                phone: phone(operator, i),
                has_signature: false,
                since: now,
            }
        })
        .collect()
}

/// Every request of every staff member, oldest first.
fn plan_all(
    rng: &mut StdRng,
    persons: &mut [Person],
    n: usize,
    actors: Actors,
    now: NaiveDateTime,
) -> Vec<Plan> {
    let staff_n = persons.len();
    let mut plans = Vec::with_capacity(n);
    for (s, person) in persons.iter_mut().enumerate() {
        let count = n / staff_n + usize::from(s < n % staff_n);
        let mut next_created = now;
        let floor = months_back(now, 47);
        let mut mine: Vec<Plan> = Vec::with_capacity(count);
        for j in (0..count).rev() {
            let last = j + 1 == count;
            let mut state = if last {
                pick(rng, LAST_STATES)
            } else {
                pick(rng, EARLIER_STATES)
            };
            // The data stays within about four years back from `now`.
            if !last && state == State::Expired && months_back(next_created, 36) < floor {
                state = State::Invalidated;
            }
            if !last && (next_created - floor).num_days() < 150 {
                state = if rng.gen_bool(0.5) {
                    State::Rejected
                } else {
                    State::Cancelled
                };
            }
            let end = if last {
                last_end(rng, state, now)
            } else if state == State::Expired {
                // Renewed up to three months before the end.
                let room = (now - next_created).num_minutes().clamp(2, 90 * 1440);
                next_created + Duration::minutes(rng.gen_range(1..room))
            } else {
                next_created - days(rng, 1, 60)
            };
            let (created, steps, not_mine) = plan_request(rng, actors, state, end, (floor, now));
            next_created = created;
            if last && state == State::Active {
                person.has_signature = true;
            }
            let change = (state == State::Invalidated).then(|| match rng.gen_range(0..4) {
                0 => ChangeKind::Sim,
                1 => ChangeKind::Line,
                2 => ChangeKind::Number,
                _ => ChangeKind::Porting,
            });
            let (phone, operator) = match change {
                Some(ChangeKind::Number) => {
                    (phone(person.operator, s + 5_000_000), person.operator)
                }
                Some(ChangeKind::Porting) => (person.phone.clone(), other(person.operator)),
                _ => (person.phone.clone(), person.operator),
            };
            mine.push(Plan {
                staff: s,
                state,
                reason: Reason::FirstApplication,
                created,
                steps,
                phone,
                operator,
                change,
                not_mine,
            });
        }
        mine.reverse();
        for j in 1..mine.len() {
            mine[j].reason = match mine[j - 1].state {
                State::Expired => Reason::Renewal,
                State::Invalidated => Reason::LineOrOperatorChange,
                State::Revoked => Reason::LostStolen,
                _ => mine[j - 1].reason,
            };
        }
        person.since = mine.first().map_or(now, |p| p.created) - Duration::days(30);
        plans.extend(mine);
    }
    plans.sort_by_key(|p| (p.created, p.staff));
    plans
}

fn other(op: Operator) -> Operator {
    match op {
        Operator::Turkcell => Operator::Vodafone,
        Operator::Vodafone => Operator::TurkTelekom,
        Operator::TurkTelekom => Operator::Turkcell,
    }
}

fn province_weight(id: i32) -> u32 {
    match id {
        34 => 18,
        6 => 9,
        35 => 6,
        16 | 7 | 1 | 27 | 42 | 33 | 41 => 3,
        _ => 1,
    }
}

/// About 1 000 units: a Valilik per province, directorates and districts
/// spread by weight (İstanbul, Ankara, İzmir most). Returns their ids.
fn write_units(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    actors: Actors,
    now: NaiveDateTime,
) -> Result<Vec<i32>, SeedError> {
    let provinces = db::units::provinces(conn)?;
    let taken: std::collections::BTreeSet<(i32, String)> = db::units::list(conn)?
        .into_iter()
        .map(|u| (u.unit.province_id, u.unit.name))
        .collect();
    let weights: Vec<(usize, u32)> = provinces
        .iter()
        .enumerate()
        .map(|(i, p)| (i, province_weight(p.id)))
        .collect();
    let mut extra = vec![0usize; provinces.len()];
    for _ in provinces.len()..UNITS {
        extra[pick(rng, &weights)] += 1;
    }
    let mut id = db::demo_scale::next_id(conn, "units")?;
    let since = months_back(now, 84);
    let mut units = Bulk::new(Table::Units);
    let mut officer = Bulk::new(Table::UserUnits);
    let mut ids = Vec::with_capacity(UNITS);
    for (p, count) in provinces.iter().zip(extra) {
        let mut names = vec![(format!("{} Valiliği", p.name), UnitKind::Valilik)];
        for k in 0..count {
            names.push(match DIRECTORATES.get(k) {
                Some(d) => (
                    format!("{} İl {d} Müdürlüğü", p.name),
                    UnitKind::IlMudurlugu,
                ),
                None => (
                    format!(
                        "{} {}. İlçe Kaymakamlığı",
                        p.name,
                        k - DIRECTORATES.len() + 1
                    ),
                    UnitKind::Kaymakamlik,
                ),
            });
        }
        names.retain(|(name, _)| !taken.contains(&(p.id, name.clone())));
        for (name, kind) in names {
            let row = [
                Lit::Int(id.into()),
                Lit::Int(p.id.into()),
                Lit::Owned(name),
                Lit::Text(kind.code()),
                Lit::Bool(true),
                Lit::Time(since),
            ];
            units.row(conn, &row)?;
            if p.id == 6 {
                // The demo officer answers for Ankara's units.
                officer.row(
                    conn,
                    &[Lit::Int(actors.officer.into()), Lit::Int(id.into())],
                )?;
            }
            ids.push(id);
            id += 1;
        }
    }
    units.flush(conn)?;
    officer.flush(conn)?;
    Ok(ids)
}

fn write_staff(
    conn: &mut AnyConnection,
    persons: &[Person],
    first_id: i32,
    now: NaiveDateTime,
) -> Result<(), SeedError> {
    let mut bulk = Bulk::new(Table::Staff);
    for (i, p) in persons.iter().enumerate() {
        let id = first_id + i as i32;
        let name = format!("{} {}", p.first, p.last);
        let email = format!("{}.{}.{id}@{DEMO_DOMAIN}", ascii(p.first), ascii(p.last));
        let row = [
            Lit::Int(id.into()),
            Lit::Owned(tckn(i)),
            Lit::Text(p.first),
            Lit::Text(p.last),
            Lit::Owned(format!("{}", 100_000 + i)),
            Lit::Text(TITLES[i % TITLES.len()]),
            Lit::Int(p.unit.into()),
            Lit::Owned(email),
            Lit::Text(&p.phone),
            Lit::Text(p.operator.code()),
            Lit::Text(p.line_type.code()),
            Lit::Bool(p.has_signature),
            Lit::Owned(search_key(&name)),
            Lit::Time(p.since),
            Lit::Time(now),
            Lit::Owned(db::staff::sort_name(p.first, p.last)),
        ];
        bulk.row(conn, &row)?;
    }
    bulk.flush(conn)?;
    Ok(())
}

/// One batch per week of forwarding; returns the batch id per plan.
fn write_batches(
    conn: &mut AnyConnection,
    plans: &[Plan],
    actors: Actors,
) -> Result<Vec<Option<i32>>, SeedError> {
    let mut next = db::demo_scale::next_id(conn, "batches")?;
    let mut weeks: BTreeMap<i64, (i32, NaiveDateTime)> = BTreeMap::new();
    let mut out = Vec::with_capacity(plans.len());
    for p in plans {
        out.push(p.at("forward").map(|t| {
            let week = t.and_utc().timestamp().div_euclid(7 * 86_400);
            weeks
                .entry(week)
                .or_insert_with(|| {
                    next += 1;
                    (next - 1, t)
                })
                .0
        }));
    }
    let mut bulk = Bulk::new(Table::Batches);
    for (id, at) in weeks.values() {
        let row = [
            Lit::Int((*id).into()),
            Lit::Time(*at),
            Lit::Int(actors.reviewer.into()),
        ];
        bulk.row(conn, &row)?;
    }
    bulk.flush(conn)?;
    Ok(out)
}

fn request_row<'a>(
    p: &'a Plan,
    id: i32,
    staff_id: i32,
    person: &'a Person,
    batch: Option<i32>,
    actors: Actors,
) -> Vec<Lit<'a>> {
    let produced = p.at("produce");
    let closed = matches!(
        p.state,
        State::Rejected | State::Cancelled | State::Invalidated | State::Expired | State::Revoked
    );
    let docs = p.at("docs_sent").map(|_| match id % 3 {
        0 => DocsWay::Kep,
        1 => DocsWay::CoverLetter,
        _ => DocsWay::ByHand,
    });
    vec![
        Lit::Int(id.into()),
        Lit::Int(staff_id.into()),
        Lit::Int(person.unit.into()),
        Lit::Text(p.state.code()),
        Lit::Text(p.reason.code()),
        Lit::Text(if p.state == State::Returned {
            "Unvan bilgisi eksik; düzeltip yeniden gönderin."
        } else {
            ""
        }),
        Lit::Bool(true),
        Lit::Text(&p.phone),
        Lit::Text(p.operator.code()),
        Lit::Text(person.line_type.code()),
        Lit::Int(actors.officer.into()),
        Lit::Time(p.created),
        Lit::Time(p.end()),
        p.at(db::requests::CREATED)
            .filter(|_| p.state != State::Draft)
            .into(),
        Lit::Int(p.steps.len() as i64 - 1),
        batch.map_or(Lit::Null, |b| Lit::Int(b.into())),
        p.at("form_emailed").into(),
        p.at("form_signed").into(),
        docs.map_or(Lit::Null, |d| Lit::Text(d.code())),
        docs.map_or(Lit::Null, |_| Lit::Owned(format!("EVR-{id:07}"))),
        p.at("docs_sent").into(),
        p.at("docs_received").into(),
        p.at("sms").into(),
        produced.into(),
        produced.map_or(Lit::Null, |_| Lit::Owned(format!("KSM-{id:08}"))),
        p.at("activate").into(),
        produced
            .and_then(|t| t.checked_add_months(Months::new(36)))
            .into(),
        if p.not_mine {
            Lit::Time(p.end())
        } else {
            Lit::Null
        },
        Lit::Bool(p.not_mine),
        if closed {
            Lit::Time(p.end())
        } else {
            Lit::Null
        },
    ]
}

/// Writes requests, their history, fees and contact changes.
fn write_requests(
    conn: &mut AnyConnection,
    plans: &[Plan],
    persons: &[Person],
    staff_base: i32,
    actors: Actors,
    now: NaiveDateTime,
    report: &mut ScaleReport,
) -> Result<(), SeedError> {
    let batches = write_batches(conn, plans, actors)?;
    let first = db::demo_scale::next_id(conn, "requests")?;
    let mut requests = Bulk::new(Table::Requests);
    for (i, p) in plans.iter().enumerate() {
        let id = first + i as i32;
        let staff_id = staff_base + p.staff as i32;
        let row = request_row(p, id, staff_id, &persons[p.staff], batches[i], actors);
        requests.row(conn, &row)?;
        *report.per_state.entry(p.state.code()).or_default() += 1;
    }
    requests.flush(conn)?;
    report.requests = requests.written;

    let mut history = Bulk::new(Table::History);
    for (i, p) in plans.iter().enumerate() {
        let id = first + i as i32;
        for (at, action, from, to, by) in &p.steps {
            let note = match *action {
                "reject" => "Kadro bilgisi doğrulanamadı.",
                "return" => "Unvan bilgisi eksik.",
                "not_mine" => "Bu başvuru bilgim dışında yapıldı",
                _ => "",
            };
            let row = [
                Lit::Int(id.into()),
                Lit::Time(*at),
                by.map_or(Lit::Null, |b| Lit::Int(b.into())),
                Lit::Text(action),
                Lit::Text(from.code()),
                Lit::Text(to.code()),
                Lit::Text(note),
            ];
            history.row(conn, &row)?;
        }
    }
    history.flush(conn)?;
    report.history = history.written;
    write_fees(conn, plans, persons, first, staff_base, now, report)?;
    write_changes(conn, plans, persons, first, staff_base, actors, report)
}

fn write_fees(
    conn: &mut AnyConnection,
    plans: &[Plan],
    persons: &[Person],
    first: i32,
    staff_base: i32,
    now: NaiveDateTime,
    report: &mut ScaleReport,
) -> Result<(), SeedError> {
    let kdv = db::fees::kdv_periods(conn)?;
    let mut fees = BTreeMap::new();
    for op in [
        Operator::Turkcell,
        Operator::Vodafone,
        Operator::TurkTelekom,
    ] {
        fees.insert(op.code(), db::fees::fee_periods(conn, op)?);
    }
    let kdv_change = NaiveDate::from_ymd_opt(2023, 7, 10).unwrap_or_default();
    let today = local_day(now);
    let mut paid_days: Vec<Vec<NaiveDate>> = vec![Vec::new(); persons.len()];
    let mut bulk = Bulk::new(Table::Fees);
    for (i, p) in plans.iter().enumerate() {
        let Some(produced) = p.at("produce") else {
            continue;
        };
        let day = local_day(produced);
        let periods = fees.get(p.operator.code()).map_or(&[][..], |v| v);
        let Ok(accrual) = certificate_fee(periods, &kdv, &paid_days[p.staff], false, day) else {
            continue;
        };
        if accrual.payer == Payer::Institution {
            paid_days[p.staff].push(day);
        }
        if day < kdv_change {
            report.fees_before_kdv_change += 1;
        }
        let id = first + i as i32;
        let invoiced = day + Duration::days(20);
        let paid = day + Duration::days(45);
        let v = &accrual.vat;
        let row = [
            Lit::Int(id.into()),
            Lit::Int((staff_base + p.staff as i32).into()),
            Lit::Int(persons[p.staff].unit.into()),
            Lit::Text(p.operator.code()),
            Lit::Day(day),
            Lit::Int(v.net.kurus()),
            Lit::Int(v.rate.0.into()),
            Lit::Int(v.vat.kurus()),
            Lit::Int(v.gross.kurus()),
            Lit::Text(accrual.payer.code()),
            if invoiced < today {
                Lit::Owned(format!("MIF{}{id:07}", day.format("%Y")))
            } else {
                Lit::Null
            },
            if invoiced < today {
                Lit::Day(invoiced)
            } else {
                Lit::Null
            },
            if paid < today && id % 10 != 0 {
                Lit::Day(paid)
            } else {
                Lit::Null
            },
            Lit::Time(produced),
        ];
        bulk.row(conn, &row)?;
    }
    bulk.flush(conn)?;
    report.fees = bulk.written;
    Ok(())
}

fn write_changes(
    conn: &mut AnyConnection,
    plans: &[Plan],
    persons: &[Person],
    first: i32,
    staff_base: i32,
    actors: Actors,
    report: &mut ScaleReport,
) -> Result<(), SeedError> {
    let mut bulk = Bulk::new(Table::Changes);
    for (i, p) in plans.iter().enumerate() {
        let Some(kind) = p.change else { continue };
        let person = &persons[p.staff];
        let new_line = match kind {
            ChangeKind::Line => match person.line_type {
                LineType::Faturali => LineType::Faturasiz,
                LineType::Faturasiz => LineType::Faturali,
            },
            _ => person.line_type,
        };
        let row = [
            Lit::Int((staff_base + p.staff as i32).into()),
            Lit::Time(p.end()),
            Lit::Int(actors.officer.into()),
            Lit::Text(&p.phone),
            Lit::Text(&person.phone),
            Lit::Text(p.operator.code()),
            Lit::Text(person.operator.code()),
            Lit::Text(person.line_type.code()),
            Lit::Text(new_line.code()),
            Lit::Bool(true),
            Lit::Bool(false),
            Lit::Text(kind.label()),
            Lit::Int((first + i as i32).into()),
        ];
        bulk.row(conn, &row)?;
    }
    bulk.flush(conn)?;
    report.contact_changes = bulk.written;
    Ok(())
}

/// The last 36 months billed through the portal's own billing run; all but
/// the previous month closed by finance.
fn bill(
    conn: &mut AnyConnection,
    actors: Actors,
    now: NaiveDateTime,
    report: &mut ScaleReport,
) -> Result<(), SeedError> {
    let mut month = BillingMonth::of(local_day(now)).previous();
    for i in 0..36 {
        if let Ok(n) = db::billing::run(conn, month, None, now)? {
            report.billing_lines += n;
        }
        if i > 0 {
            db::billing::close(conn, &month.key(), actors.finance, now)?;
        }
        month = month.previous();
    }
    Ok(())
}

/// Writes the national dataset. Call inside the demo seed's transaction.
pub fn generate(
    conn: &mut AnyConnection,
    n: usize,
    actors: Actors,
    now: NaiveDateTime,
) -> Result<ScaleReport, SeedError> {
    let mut rng = StdRng::seed_from_u64(14);
    let unit_ids = write_units(conn, &mut rng, actors, now)?;
    let units: Vec<(i32, u32)> = unit_ids.iter().map(|id| (*id, 1)).collect();
    populate(conn, &mut rng, &units, n, actors, now)
}

/// The small demo's organisation: `n` requests over three to four years
/// for staff of the given units, spread by weight (the demo officer's units
/// weigh most), with the same mix of states, fees and billed months as the
/// national dataset. Call inside the demo seed's transaction.
pub fn generate_organisation(
    conn: &mut AnyConnection,
    units: &[(i32, u32)],
    n: usize,
    actors: Actors,
    now: NaiveDateTime,
) -> Result<ScaleReport, SeedError> {
    let mut rng = StdRng::seed_from_u64(2023);
    populate(conn, &mut rng, units, n, actors, now)
}

fn populate(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    units: &[(i32, u32)],
    n: usize,
    actors: Actors,
    now: NaiveDateTime,
) -> Result<ScaleReport, SeedError> {
    let mut report = ScaleReport {
        units: units.len(),
        ..ScaleReport::default()
    };
    let staff_n = n.div_ceil(3).max(1);
    let mut persons = people(rng, staff_n, units, now);
    let plans = plan_all(rng, &mut persons, n, actors, now);
    let staff_base = db::demo_scale::next_id(conn, "staff")?;
    write_staff(conn, &persons, staff_base, now)?;
    report.staff = persons.len();
    write_requests(conn, &plans, &persons, staff_base, actors, now, &mut report)?;
    bill(conn, actors, now, &mut report)?;
    db::demo_scale::fix_sequences(conn)?;
    Ok(report)
}

/// The demo accounts' ids, found by their e-mail addresses.
pub fn actors(conn: &mut AnyConnection) -> Result<Actors, SeedError> {
    let id = |conn: &mut AnyConnection, local: &str| -> Result<i32, SeedError> {
        db::users::find_by_email(conn, &format!("{local}@{DEMO_DOMAIN}"))?
            .map(|u| u.id)
            .ok_or_else(|| SeedError::Other(anyhow::anyhow!("demo hesabı yok: {local}")))
    };
    Ok(Actors {
        officer: id(conn, "sorumlu")?,
        reviewer: id(conn, "sef")?,
        finance: id(conn, "mali")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tckns_are_valid() {
        for i in [0, 1, 49_999, 1_000_000] {
            assert!(crate::domain::tckn::Tckn::parse(&tckn(i)).is_ok(), "{i}");
        }
    }

    #[test]
    fn emails_are_ascii() {
        assert_eq!(ascii("Çağrı Işık"), "cagri isik");
    }
}
