//! Money: `rust_decimal::Decimal` in code, integer kuruş in the database, never
//! f64. VAT (KDV) is rounded half up to the kuruş. Shown as `1.234,56 TL`.

use std::fmt;
use std::ops::{Add, Sub};

use rust_decimal::{Decimal, RoundingStrategy};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    pub fn from_kurus(kurus: i64) -> Money {
        Money(Decimal::new(kurus, 2))
    }

    /// Rounds half up (away from zero) to the kuruş.
    pub fn from_decimal(d: Decimal) -> Money {
        Money(d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }

    pub fn kurus(self) -> i64 {
        use rust_decimal::prelude::ToPrimitive;
        // Two decimal places by construction, so this is exact.
        (self.0 * Decimal::ONE_HUNDRED)
            .round()
            .to_i64()
            .unwrap_or(i64::MAX)
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// Parses what people type: `65`, `65,00`, `1.234,56`, `1234.56`.
    pub fn parse(raw: &str) -> Result<Money, &'static str> {
        let s: String = raw
            .trim()
            .trim_end_matches("TL")
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if s.is_empty() {
            return Err("Tutar boş bırakılamaz.");
        }
        // With a comma the comma is the decimal mark and dots group thousands.
        let normal = if s.contains(',') {
            s.replace('.', "").replace(',', ".")
        } else {
            s
        };
        let d: Decimal = normal
            .parse()
            .map_err(|_| "Tutarı 1.234,56 biçiminde girin.")?;
        if d.is_sign_negative() {
            return Err("Tutar negatif olamaz.");
        }
        if d.scale() > 2 && d.round_dp(2) != d {
            return Err("Tutar en fazla iki ondalık basamak (kuruş) içerebilir.");
        }
        Ok(Money::from_decimal(d))
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl fmt::Display for Money {
    /// `1.234,56 TL`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kurus = self.kurus();
        let (sign, abs) = if kurus < 0 {
            ("-", -kurus)
        } else {
            ("", kurus)
        };
        let lira = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in lira.chars().enumerate() {
            if i > 0 && (lira.len() - i) % 3 == 0 {
                grouped.push('.');
            }
            grouped.push(c);
        }
        write!(f, "{sign}{grouped},{:02} TL", abs % 100)
    }
}

/// A VAT rate in basis points (2000 = %20), as kept in the rate table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(pub i32);

impl Rate {
    pub fn decimal(self) -> Decimal {
        Decimal::new(i64::from(self.0), 4)
    }

    /// `%20` / `%18` / `%0,5`
    pub fn label(self) -> String {
        let whole = self.0 / 100;
        let frac = self.0 % 100;
        if frac == 0 {
            format!("%{whole}")
        } else {
            format!("%{whole},{}", format!("{frac:02}").trim_end_matches('0'))
        }
    }
}

/// Net, VAT and gross of one amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vat {
    pub net: Money,
    pub rate: Rate,
    pub vat: Money,
    pub gross: Money,
}

/// VAT on `net` at `rate`, rounded half up to the kuruş; gross = net + VAT.
pub fn with_vat(net: Money, rate: Rate) -> Vat {
    let vat = Money::from_decimal(net.decimal() * rate.decimal());
    Vat {
        net,
        rate,
        vat,
        gross: net + vat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_fee_before_and_after_the_2023_kdv_change() {
        let v = with_vat(Money::from_kurus(6500), Rate(1800));
        assert_eq!(
            (v.vat.to_string(), v.gross.to_string()),
            ("11,70 TL".into(), "76,70 TL".into())
        );
        let v = with_vat(Money::from_kurus(6500), Rate(2000));
        assert_eq!(
            (v.vat.to_string(), v.gross.to_string()),
            ("13,00 TL".into(), "78,00 TL".into())
        );
    }

    #[test]
    fn vat_rounds_half_up_to_the_kurus() {
        // 33,33 × 0,18 = 5,9994 → 6,00
        assert_eq!(
            with_vat(Money::from_kurus(3333), Rate(1800)).vat,
            Money::from_kurus(600)
        );
        // 0,25 × 0,18 = 0,045 → 0,05 (half up, not banker's 0,04)
        assert_eq!(
            with_vat(Money::from_kurus(25), Rate(1800)).vat,
            Money::from_kurus(5)
        );
        // 4,00 × 0,20 = 0,80
        assert_eq!(
            with_vat(Money::from_kurus(400), Rate(2000)).gross,
            Money::from_kurus(480)
        );
    }

    #[test]
    fn kurus_round_trip_and_turkish_format() {
        for k in [0, 5, 99, 100, 6500, 123_456, 100_000_000] {
            assert_eq!(Money::from_kurus(k).kurus(), k);
        }
        assert_eq!(Money::from_kurus(123_456).to_string(), "1.234,56 TL");
        assert_eq!(
            Money::from_kurus(100_000_000).to_string(),
            "1.000.000,00 TL"
        );
        assert_eq!(Money::from_kurus(800).to_string(), "8,00 TL");
        assert_eq!(Money::from_kurus(-450).to_string(), "-4,50 TL");
    }

    #[test]
    fn zero_and_three_digit_groups() {
        assert_eq!(Money::ZERO.to_string(), "0,00 TL");
        assert_eq!(Money::from_kurus(65_000).to_string(), "650,00 TL");
        assert_eq!(Money::from_kurus(12_345_678).to_string(), "123.456,78 TL");
    }

    #[test]
    fn a_fee_report_total() {
        // Three certificates at 78,00 TL and one at 76,70 TL.
        let total: Money = [7800, 7800, 7800, 7670]
            .into_iter()
            .map(Money::from_kurus)
            .sum();
        assert_eq!(total.to_string(), "310,70 TL");
        assert_eq!(
            Money::from_kurus(7800) - Money::from_kurus(6500),
            Money::from_kurus(1300)
        );
    }

    #[test]
    fn trailing_zeros_past_the_kurus_are_accepted() {
        assert_eq!(Money::parse("8,500"), Ok(Money::from_kurus(850)));
    }

    #[test]
    fn typed_amounts() {
        assert_eq!(Money::parse("65"), Ok(Money::from_kurus(6500)));
        assert_eq!(Money::parse("1.234,56 TL"), Ok(Money::from_kurus(123_456)));
        assert_eq!(Money::parse("8,5"), Ok(Money::from_kurus(850)));
        assert_eq!(Money::parse("4.00"), Ok(Money::from_kurus(400)));
        assert!(Money::parse("-1").is_err());
        assert!(Money::parse("1,234").is_err());
        assert!(Money::parse("on lira").is_err());
    }

    #[test]
    fn rate_labels() {
        assert_eq!(Rate(2000).label(), "%20");
        assert_eq!(Rate(1800).label(), "%18");
        assert_eq!(Rate(50).label(), "%0,5");
    }
}
