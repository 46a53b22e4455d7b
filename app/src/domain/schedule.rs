//! Changes held by the console for later. The v3 API cannot schedule (API.md §5.7, §5.9), so
//! an offerings or state change chosen for "the end of the billing cycle" waits in the
//! console's own job table until it is due.

use serde::{Deserialize, Serialize};

use super::IsoDate;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChangeTiming {
    Now,
    /// At the end of the billing cycle, or on a chosen day when the cycle is unknown.
    Later,
}

impl ChangeTiming {
    pub fn parse(value: &str) -> Option<ChangeTiming> {
        match value.trim() {
            "now" | "" => Some(ChangeTiming::Now),
            "end_of_cycle" => Some(ChangeTiming::Later),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeTiming::Now => "now",
            ChangeTiming::Later => "end_of_cycle",
        }
    }
}

/// When a change held for later runs: the day after the v2 billing cycle ends when the
/// customer has one (`billing_process_date`, API.md §2.7), else the day the operator asked
/// for, which must not be in the past. Runs at 00:00 UTC of that day.
pub fn due_date(
    cycle_ends_on: Option<IsoDate>,
    process_date: Option<IsoDate>,
    asked: &str,
    today: IsoDate,
) -> Result<IsoDate, String> {
    if let Some(process) = process_date {
        return Ok(process);
    }
    if let Some(end) = cycle_ends_on {
        return Ok(next_day(end));
    }
    let asked = asked.trim();
    if asked.is_empty() {
        return Err("Choose the day the change should be made.".to_string());
    }
    let day = IsoDate::parse(asked)
        .map_err(|_| "Enter a date as YYYY-mm-dd, e.g. 2026-12-01.".to_string())?;
    if day < today {
        return Err(format!("The day cannot be in the past (today is {today})."));
    }
    Ok(day)
}

/// The first day of the month after `today`: the default when no billing cycle is known.
pub fn first_of_next_month(today: IsoDate) -> IsoDate {
    let text = today.to_string();
    let year: i32 = text[0..4].parse().unwrap_or(1970);
    let month: u32 = text[5..7].parse().unwrap_or(1);
    let (year, month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    IsoDate::parse(&format!("{year:04}-{month:02}-01")).unwrap_or(today)
}

/// The calendar day after `day`.
pub fn next_day(day: IsoDate) -> IsoDate {
    let text = day.to_string();
    let (year, month, d): (i32, u32, u32) = (
        text[0..4].parse().unwrap_or(1970),
        text[5..7].parse().unwrap_or(1),
        text[8..10].parse().unwrap_or(1),
    );
    IsoDate::parse(&format!("{year:04}-{month:02}-{:02}", d + 1))
        .unwrap_or_else(|_| first_of_next_month(day))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JobStatus {
    Pending,
    Running,
    Done,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub fn parse(value: &str) -> Option<JobStatus> {
        match value {
            "pending" => Some(JobStatus::Pending),
            "running" => Some(JobStatus::Running),
            "done" => Some(JobStatus::Done),
            "failed" => Some(JobStatus::Failed),
            "cancelled" => Some(JobStatus::Cancelled),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            JobStatus::Pending => "Pending",
            JobStatus::Running => "Running",
            JobStatus::Done => "Done",
            JobStatus::Failed => "Failed",
            JobStatus::Cancelled => "Cancelled",
        }
    }

    pub fn badge_class(self) -> &'static str {
        match self {
            JobStatus::Pending | JobStatus::Running => "badge badge-info",
            JobStatus::Done => "badge badge-ok",
            JobStatus::Failed => "badge badge-danger",
            JobStatus::Cancelled => "badge",
        }
    }
}

/// A change held for later, as the tab lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledJob {
    pub id: i64,
    /// RFC 3339, UTC.
    pub due_at: String,
    pub action: String,
    /// E.g. "Set the offerings to org.ei.free.v1 + org.mc.basic.v1 ×2".
    pub summary: String,
    pub created_by: String,
    pub created_at: String,
    pub status: JobStatus,
    /// What happened when it ran (or why it did not).
    pub result: Option<String>,
    /// The audit attempt of the run.
    pub attempt_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> IsoDate {
        IsoDate::parse(text).unwrap()
    }

    #[test]
    fn the_billing_cycle_decides_when_there_is_one() {
        let today = d("2026-11-23");
        assert_eq!(
            due_date(Some(d("2026-11-30")), Some(d("2026-12-01")), "", today),
            Ok(d("2026-12-01"))
        );
        assert_eq!(
            due_date(Some(d("2026-12-31")), None, "", today),
            Ok(d("2027-01-01"))
        );
        assert_eq!(
            due_date(None, None, "2026-11-23", today),
            Ok(d("2026-11-23"))
        );
        assert!(due_date(None, None, "2026-11-22", today).is_err());
        assert!(due_date(None, None, "", today).is_err());
        assert!(due_date(None, None, "23/11/2026", today).is_err());
    }

    #[test]
    fn next_month_and_next_day_roll_over() {
        assert_eq!(first_of_next_month(d("2026-11-23")), d("2026-12-01"));
        assert_eq!(first_of_next_month(d("2026-12-31")), d("2027-01-01"));
        assert_eq!(next_day(d("2026-02-28")), d("2026-03-01"));
        assert_eq!(next_day(d("2024-02-28")), d("2024-02-29"));
        assert_eq!(next_day(d("2026-12-31")), d("2027-01-01"));
    }
}
