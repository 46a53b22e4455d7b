//! The charts' numbers per UTC day and outcome, read from the per-day counts the log's insert
//! triggers keep, not from the log itself: every row with an outcome for `/audit` (migration
//! `audit_review`), the results of changes for the home page (migration `daily_changes`).

use chrono::{Days, NaiveDate, Utc};
use sqlx::SqlitePool;

use crate::domain::audit::{DayCount, Outcome};

/// What a chart counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    /// Every audit row with an outcome (changes, sign-ins, exports…).
    Events,
    /// The results of changes made to customers.
    Changes,
}

/// Rows with an outcome over the last `days` UTC days up to today, oldest first, zeros included.
pub async fn daily_outcomes(pool: &SqlitePool, days: u32) -> Result<Vec<DayCount>, sqlx::Error> {
    daily_outcomes_until(pool, Utc::now().date_naive(), days).await
}

/// Results of changes over the last `days` UTC days up to today, the same way.
pub async fn daily_changes(pool: &SqlitePool, days: u32) -> Result<Vec<DayCount>, sqlx::Error> {
    daily_counts_until(pool, Counted::Changes, Utc::now().date_naive(), days).await
}

pub async fn daily_outcomes_until(
    pool: &SqlitePool,
    today: NaiveDate,
    days: u32,
) -> Result<Vec<DayCount>, sqlx::Error> {
    daily_counts_until(pool, Counted::Events, today, days).await
}

pub async fn daily_counts_until(
    pool: &SqlitePool,
    counted: Counted,
    today: NaiveDate,
    days: u32,
) -> Result<Vec<DayCount>, sqlx::Error> {
    let first = today
        .checked_sub_days(Days::new(u64::from(days.saturating_sub(1))))
        .unwrap_or(today);
    let mut counts: Vec<DayCount> = first
        .iter_days()
        .take_while(|day| *day <= today)
        .map(|day| DayCount {
            day: day.format("%Y-%m-%d").to_string(),
            ..DayCount::default()
        })
        .collect();
    let (from, to) = (
        first.format("%Y-%m-%d").to_string(),
        today.format("%Y-%m-%d").to_string(),
    );
    let rows: Vec<(String, String, i64)> = match counted {
        Counted::Events => sqlx::query!(
            "SELECT day, outcome, events FROM audit_daily_outcomes WHERE day >= ? AND day <= ?",
            from,
            to
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|row| (row.day, row.outcome, row.events))
        .collect(),
        Counted::Changes => sqlx::query!(
            "SELECT day, outcome, changes FROM audit_daily_changes WHERE day >= ? AND day <= ?",
            from,
            to
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|row| (row.day, row.outcome, row.changes))
        .collect(),
    };
    for (day, outcome, events) in rows {
        let (Some(slot), Some(outcome)) = (
            counts.iter_mut().find(|c| c.day == day),
            Outcome::parse(&outcome),
        ) else {
            continue;
        };
        slot.add(outcome, u32::try_from(events).unwrap_or(u32::MAX));
    }
    Ok(counts)
}
