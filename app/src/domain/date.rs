use std::fmt;

use serde::{Deserialize, Serialize};

/// A calendar day as SendGrid writes it (`YYYY-mm-dd`, API.md §2.7). Parsed once; the browser
/// and the server count days between billing dates with the same code, without a date crate
/// in the wasm bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IsoDate {
    year: i32,
    month: u32,
    day: u32,
}

impl IsoDate {
    pub fn parse(text: &str) -> Result<IsoDate, String> {
        let invalid = || format!("{text:?} is not a date in YYYY-mm-dd form");
        let text = text.trim();
        let mut parts = text.splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(invalid());
        };
        // Digits only: integer parsing alone would take `+1` as 1 and print a different text.
        let digits =
            |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
            return Err(invalid());
        }
        let year: i32 = y.parse().map_err(|_| invalid())?;
        let month: u32 = m.parse().map_err(|_| invalid())?;
        let day: u32 = d.parse().map_err(|_| invalid())?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(invalid());
        }
        Ok(IsoDate { year, month, day })
    }

    /// Days since 1970-01-01 (negative before), by the civil-from-days algorithm.
    pub fn day_number(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Whole days from `self` to `other` (negative when `other` is earlier).
    pub fn days_until(self, other: IsoDate) -> i64 {
        other.day_number() - self.day_number()
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl TryFrom<String> for IsoDate {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        IsoDate::parse(&value)
    }
}

impl From<IsoDate> for String {
    fn from(value: IsoDate) -> String {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> IsoDate {
        IsoDate::parse(text).unwrap()
    }

    #[test]
    fn parses_and_prints_the_same_text() {
        assert_eq!(d("2026-11-23").to_string(), "2026-11-23");
        assert_eq!(d("2024-02-29").to_string(), "2024-02-29");
    }

    #[test]
    fn refuses_what_is_not_a_calendar_day() {
        for bad in [
            "",
            "2026-13-01",
            "2026-02-29",
            "2026-1-01",
            "26-01-01",
            "2026-04-31",
            "x",
        ] {
            assert!(IsoDate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn counts_days_across_months_years_and_leap_days() {
        assert_eq!(d("1970-01-01").day_number(), 0);
        assert_eq!(d("2026-11-01").days_until(d("2026-11-30")), 29);
        assert_eq!(d("2024-02-28").days_until(d("2024-03-01")), 2);
        assert_eq!(d("2025-12-31").days_until(d("2026-01-01")), 1);
        assert_eq!(d("2026-01-01").days_until(d("2025-12-31")), -1);
    }
}
