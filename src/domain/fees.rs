//! The certificate fee a request accrues when it is produced: the net fee of
//! the operator in force that day, the KDV rate in force that day, and who pays.

use chrono::NaiveDate;

use super::money::{Money, Rate, Vat, with_vat};
use super::payer::{Payer, payer_for};
use super::rates::{Period, in_force};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accrual {
    pub day: NaiveDate,
    pub vat: Vat,
    pub payer: Payer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeeError {
    NoFee(NaiveDate),
    NoKdv(NaiveDate),
}

impl FeeError {
    pub fn message(&self) -> String {
        match self {
            FeeError::NoFee(d) => format!(
                "{} tarihinde bu operatör için tanımlı bir sertifika ücreti yok; yönetici ücret tablosunu tamamlamalı.",
                d.format("%d.%m.%Y")
            ),
            FeeError::NoKdv(d) => format!(
                "{} tarihinde geçerli bir KDV oranı tanımlı değil.",
                d.format("%d.%m.%Y")
            ),
        }
    }
}

pub fn certificate_fee(
    fees: &[Period<i64>],
    kdv: &[Period<i32>],
    institution_paid: &[NaiveDate],
    exception: bool,
    day: NaiveDate,
) -> Result<Accrual, FeeError> {
    let net = *in_force(fees, day).ok_or(FeeError::NoFee(day))?;
    let rate = *in_force(kdv, day).ok_or(FeeError::NoKdv(day))?;
    Ok(Accrual {
        day,
        vat: with_vat(Money::from_kurus(net), Rate(rate)),
        payer: payer_for(institution_paid, day, exception),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn accrued_on_9_and_10_july_2023() {
        let fees = vec![Period {
            from: d(2000, 1, 1),
            to: None,
            value: 6500,
        }];
        let kdv = vec![
            Period {
                from: d(2000, 1, 1),
                to: Some(d(2023, 7, 9)),
                value: 1800,
            },
            Period {
                from: d(2023, 7, 10),
                to: None,
                value: 2000,
            },
        ];
        let a = certificate_fee(&fees, &kdv, &[], false, d(2023, 7, 9)).expect("fee");
        assert_eq!(
            (a.vat.vat.to_string(), a.vat.gross.to_string()),
            ("11,70 TL".into(), "76,70 TL".into())
        );
        let b = certificate_fee(&fees, &kdv, &[], false, d(2023, 7, 10)).expect("fee");
        assert_eq!(
            (b.vat.vat.to_string(), b.vat.gross.to_string()),
            ("13,00 TL".into(), "78,00 TL".into())
        );
        assert_eq!(b.payer, Payer::Institution);
        assert_eq!(
            certificate_fee(&[], &kdv, &[], false, d(2024, 1, 1)),
            Err(FeeError::NoFee(d(2024, 1, 1)))
        );
    }

    #[test]
    fn a_missing_fee_or_rate_is_said_with_the_day() {
        let fees = vec![Period {
            from: d(2000, 1, 1),
            to: None,
            value: 6500,
        }];
        let e = certificate_fee(&fees, &[], &[], false, d(2023, 7, 10)).expect_err("no KDV");
        assert_eq!(e, FeeError::NoKdv(d(2023, 7, 10)));
        assert_eq!(
            e.message(),
            "10.07.2023 tarihinde geçerli bir KDV oranı tanımlı değil."
        );
        assert_eq!(
            FeeError::NoFee(d(2024, 1, 1)).message(),
            "01.01.2024 tarihinde bu operatör için tanımlı bir sertifika ücreti yok; yönetici ücret tablosunu tamamlamalı."
        );
    }
}
