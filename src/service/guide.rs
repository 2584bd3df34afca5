//! The information pages ("Bilgilendirme"): the figures they quote, read from
//! the settings and rate tables of the day, and the e-İmza Şefliği's contact
//! details, which admins keep current.

use chrono::{NaiveDate, NaiveDateTime};

use super::{Actor, ServiceResult, audit};
use crate::db::{self, AnyConnection, fees::Table, settings::CONTACT_KEYS};
use crate::domain::audit::{AuditAction, change_or_same};
use crate::domain::fees::certificate_fee;
use crate::domain::guide::OfficeContact;
use crate::domain::money::{Money, Vat};
use crate::domain::staff::{LineType, Operator};

/// What the pages quote, as in force on a day.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The NES SMS hold in hours.
    pub hold_hours: i64,
    /// The certificate fee of each operator that has one, with KDV.
    pub certificate: Vec<(Operator, Vat)>,
    /// Turkcell faturalı monthly fee: list price and the amount billed.
    pub turkcell_monthly: Option<(Money, Money)>,
    pub contact: OfficeContact,
}

pub fn facts(conn: &mut AnyConnection, today: NaiveDate) -> ServiceResult<Facts> {
    let hold_hours = db::settings::hold_rule(conn)?.hours;
    let kdv = db::fees::kdv_periods(conn)?;
    let mut certificate = Vec::new();
    for op in Operator::ALL {
        let fees = db::fees::fee_periods(conn, op)?;
        if let Ok(a) = certificate_fee(&fees, &kdv, &[], false, today) {
            certificate.push((op, a.vat));
        }
    }
    let tariff = Table::MonthlyTariff {
        operator: Operator::Turkcell.code().into(),
        line_type: LineType::Faturali.code().into(),
    };
    let turkcell_monthly = db::fees::periods(conn, &tariff)?
        .into_iter()
        .find(|p| p.from <= today && p.to.is_none_or(|to| today <= to))
        .map(|p| (Money::from_kurus(p.values.0), Money::from_kurus(p.values.1)));
    Ok(Facts {
        hold_hours,
        certificate,
        turkcell_monthly,
        contact: contact(conn)?,
    })
}

/// The contact details as stored, or [`OfficeContact::unset`].
pub fn contact(conn: &mut AnyConnection) -> ServiceResult<OfficeContact> {
    let f = db::settings::contact_fields(conn)?;
    if f.iter().all(Option::is_none) {
        return Ok(OfficeContact::unset());
    }
    let v = |i: usize| f.get(i).cloned().flatten().unwrap_or_default();
    Ok(OfficeContact {
        name: v(0),
        phone: v(1),
        email: v(2),
        kep: v(3),
        address: v(4),
        hours: v(5),
    })
}

/// Stores validated contact details; the audit row names each field that
/// changed with its old and new value.
pub fn set_contact(
    conn: &mut AnyConnection,
    actor: &Actor,
    new: &OfficeContact,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    db::transaction(conn, |conn| {
        let old = contact(conn)?;
        let fields = |c: &OfficeContact| {
            [
                c.name.clone(),
                c.phone.clone(),
                c.email.clone(),
                c.kep.clone(),
                c.address.clone(),
                c.hours.clone(),
            ]
        };
        let labels = [
            "Birim adı",
            "Telefon",
            "E-posta",
            "KEP",
            "Posta adresi",
            "Çalışma saatleri",
        ];
        let mut changes = Vec::new();
        for (((key, label), was), is) in CONTACT_KEYS
            .iter()
            .zip(labels)
            .zip(fields(&old))
            .zip(fields(new))
        {
            db::settings::set(conn, key, &is)?;
            if was != is {
                let shown = |s: &str| {
                    if s.is_empty() {
                        "—".to_owned()
                    } else {
                        s.to_owned()
                    }
                };
                changes.push(change_or_same(label, &shown(&was), &shown(&is)));
            }
        }
        let detail = if changes.is_empty() {
            "değişiklik yok".to_owned()
        } else {
            changes.join("; ")
        };
        audit(
            conn,
            actor,
            AuditAction::SettingsUpdated,
            "office_contact",
            &detail,
            now,
        )
    })
}
