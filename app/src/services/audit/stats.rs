//! The `/audit` chart's numbers: rows with an outcome per UTC day, read from the per-day
//! counts the log's insert trigger keeps (migration `audit_review`), not from the log itself.

use chrono::{Days, NaiveDate, Utc};
use sqlx::SqlitePool;

use crate::domain::audit::{DayCount, Outcome};

/// The last `days` UTC days up to today, oldest first, zeros included.
pub async fn daily_outcomes(pool: &SqlitePool, days: u32) -> Result<Vec<DayCount>, sqlx::Error> {
    daily_outcomes_until(pool, Utc::now().date_naive(), days).await
}

pub async fn daily_outcomes_until(
    pool: &SqlitePool,
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
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT day, outcome, events FROM audit_daily_outcomes WHERE day >= ? AND day <= ?",
    )
    .bind(first.format("%Y-%m-%d").to_string())
    .bind(today.format("%Y-%m-%d").to_string())
    .fetch_all(pool)
    .await?;
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
