//! Days as the domain counts them (`IsoDate`), from chrono's.

use chrono::{NaiveDate, Utc};

use crate::domain::IsoDate;

/// `date` as an [`IsoDate`]; every `NaiveDate` in the supported range is one.
pub fn iso(date: NaiveDate) -> Option<IsoDate> {
    IsoDate::parse(&date.format("%Y-%m-%d").to_string()).ok()
}

/// Today in UTC: the day SendGrid's `YYYY-mm-dd` dates are compared with.
pub fn today() -> IsoDate {
    iso(Utc::now().date_naive())
        .unwrap_or_else(|| IsoDate::parse("1970-01-01").expect("a valid constant date"))
}

/// 00:00 UTC of `day`, as RFC 3339.
pub fn start_of(day: IsoDate) -> String {
    format!("{day}T00:00:00Z")
}
