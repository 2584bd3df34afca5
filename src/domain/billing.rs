//! Billing months: `2026-10` and its bounds. A signature is billed for a month
//! if it was active on any day of it (Europe/Istanbul days).

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Istanbul;

use super::staff::{LineType, Operator};
use super::text::sort_key;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct BillingMonth {
    first: NaiveDate,
}

impl BillingMonth {
    pub fn parse(raw: &str) -> Result<BillingMonth, &'static str> {
        let first = NaiveDate::parse_from_str(&format!("{}-01", raw.trim()), "%Y-%m-%d")
            .map_err(|_| "Ayı yyyy-aa biçiminde girin (örn. 2026-10).")?;
        Ok(BillingMonth { first })
    }

    pub fn of(day: NaiveDate) -> BillingMonth {
        BillingMonth {
            first: day.with_day(1).unwrap_or(day),
        }
    }

    pub fn previous(self) -> BillingMonth {
        BillingMonth {
            first: self
                .first
                .checked_sub_months(Months::new(1))
                .unwrap_or(self.first),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        self.first
    }

    pub fn next_first_day(self) -> NaiveDate {
        self.first
            .checked_add_months(Months::new(1))
            .unwrap_or(self.first)
    }

    /// `2026-10`, the key stored with the lines.
    pub fn key(self) -> String {
        self.first.format("%Y-%m").to_string()
    }

    /// `Ekim 2026`
    pub fn label(self) -> String {
        const NAMES: [&str; 12] = [
            "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül",
            "Ekim", "Kasım", "Aralık",
        ];
        format!(
            "{} {}",
            NAMES[self.first.month0() as usize],
            self.first.year()
        )
    }

    /// UTC instants of the month's start and the next month's start.
    pub fn utc_bounds(self) -> (NaiveDateTime, NaiveDateTime) {
        let utc = |d: NaiveDate| {
            let local = d.and_hms_opt(0, 0, 0).unwrap_or_default();
            Istanbul
                .from_local_datetime(&local)
                .earliest()
                .map_or(local, |t| t.naive_utc())
        };
        (utc(self.first), utc(self.next_first_day()))
    }
}

/// An active signature that a month bills no line for because no monthly
/// tariff is in force for its operator and line type on the month's first
/// day (the run leaves it out, which is right; finance must still hear of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unbilled {
    pub request_id: i32,
    pub first_name: String,
    pub last_name: String,
    pub unit: String,
    pub operator: Operator,
    pub line_type: LineType,
}

impl Unbilled {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// The unbilled signatures of one operator and line type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnbilledGroup {
    pub operator: Operator,
    pub line_type: LineType,
    pub count: usize,
    /// "Ad Soyad (#id)", at most [`NAMES_SHOWN`], in Turkish order.
    pub names: Vec<String>,
}

/// Names a group lists on a page; the rest are counted.
pub const NAMES_SHOWN: usize = 20;

impl UnbilledGroup {
    /// "Vodafone · Faturalı".
    pub fn label(&self) -> String {
        format!("{} · {}", self.operator.label(), self.line_type.label())
    }

    /// How many are not named ("ve 12 kişi daha").
    pub fn more(&self) -> usize {
        self.count.saturating_sub(self.names.len())
    }
}

/// Groups unbilled signatures by operator and line type (in the operators'
/// order), names in Turkish order.
pub fn group_unbilled(rows: &[Unbilled]) -> Vec<UnbilledGroup> {
    let mut groups: Vec<UnbilledGroup> = Vec::new();
    for op in Operator::ALL {
        for lt in LineType::ALL {
            let mut mine: Vec<&Unbilled> = rows
                .iter()
                .filter(|r| r.operator == op && r.line_type == lt)
                .collect();
            if mine.is_empty() {
                continue;
            }
            mine.sort_by_cached_key(|r| (sort_key(&r.name()), r.request_id));
            groups.push(UnbilledGroup {
                operator: op,
                line_type: lt,
                count: mine.len(),
                names: mine
                    .iter()
                    .take(NAMES_SHOWN)
                    .map(|r| format!("{} (#{})", r.name(), r.request_id))
                    .collect(),
            });
        }
    }
    groups
}

/// One line for a terminal or a home page: "Ekim 2026: tarife tanımlı
/// olmadığı için 3 etkin imza ücretlendirilmedi (Vodafone · Faturalı: 2,
/// Türk Telekom · Faturasız: 1)."
pub fn unbilled_summary(month: BillingMonth, groups: &[UnbilledGroup]) -> Option<String> {
    let total: usize = groups.iter().map(|g| g.count).sum();
    (total > 0).then(|| {
        let parts: Vec<String> = groups
            .iter()
            .map(|g| format!("{}: {}", g.label(), g.count))
            .collect();
        format!(
            "{}: tarife tanımlı olmadığı için {total} etkin imza ücretlendirilmedi ({}).",
            month.label(),
            parts.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_their_bounds() {
        let m = BillingMonth::parse("2026-10").expect("month");
        assert_eq!(m.key(), "2026-10");
        assert_eq!(m.label(), "Ekim 2026");
        let (start, end) = m.utc_bounds();
        assert_eq!(start.to_string(), "2026-09-30 21:00:00");
        assert_eq!(end.to_string(), "2026-10-31 21:00:00");
        assert_eq!(
            BillingMonth::parse("2026-01").map(|m| m.previous().key()),
            Ok("2025-12".into())
        );
        assert!(BillingMonth::parse("2026-13").is_err());
        assert!(BillingMonth::parse("ekim").is_err());
    }

    #[test]
    fn the_month_of_a_day() {
        let day = NaiveDate::from_ymd_opt(2024, 2, 29).expect("date");
        let m = BillingMonth::of(day);
        assert_eq!(m.key(), "2024-02");
        assert_eq!(m.label(), "Şubat 2024");
        assert_eq!(m.first_day().to_string(), "2024-02-01");
        assert_eq!(m.next_first_day().to_string(), "2024-03-01");
        assert_eq!(m.previous().first_day().to_string(), "2024-01-01");
    }

    fn unbilled(id: i32, name: &str, operator: Operator, line_type: LineType) -> Unbilled {
        let (first, last) = name.split_once(' ').unwrap_or((name, ""));
        Unbilled {
            request_id: id,
            first_name: first.into(),
            last_name: last.into(),
            unit: "Çankaya Kaymakamlığı".into(),
            operator,
            line_type,
        }
    }

    #[test]
    fn unbilled_signatures_are_grouped_by_operator_and_line_in_turkish_order() {
        let rows = vec![
            unbilled(3, "Zeynep Şahin", Operator::Vodafone, LineType::Faturali),
            unbilled(1, "Çağrı Işık", Operator::Vodafone, LineType::Faturali),
            unbilled(2, "Ömer Güneş", Operator::TurkTelekom, LineType::Faturasiz),
        ];
        let groups = group_unbilled(&rows);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].label(), "Vodafone · Faturalı");
        assert_eq!(
            groups[0].names,
            vec!["Çağrı Işık (#1)", "Zeynep Şahin (#3)"]
        );
        assert_eq!(groups[1].count, 1);
        let month = BillingMonth::parse("2026-10").expect("month");
        assert_eq!(
            unbilled_summary(month, &groups).as_deref(),
            Some(
                "Ekim 2026: tarife tanımlı olmadığı için 3 etkin imza ücretlendirilmedi \
                 (Vodafone · Faturalı: 2, Türk Telekom · Faturasız: 1)."
            )
        );
        assert_eq!(unbilled_summary(month, &[]), None);
    }

    #[test]
    fn a_large_group_names_the_first_twenty_and_counts_the_rest() {
        let rows: Vec<Unbilled> = (0..25)
            .map(|i| {
                unbilled(
                    i,
                    &format!("Kişi {i:02}"),
                    Operator::Vodafone,
                    LineType::Faturali,
                )
            })
            .collect();
        let groups = group_unbilled(&rows);
        assert_eq!(groups[0].count, 25);
        assert_eq!(groups[0].names.len(), NAMES_SHOWN);
        assert_eq!(groups[0].more(), 5);
    }
}
