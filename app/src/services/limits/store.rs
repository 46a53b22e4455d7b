//! What the console remembers about limits that SendGrid cannot tell it (migration 30):
//! the subusers seen under a customer, and the recurring rules it set.

use chrono::{SecondsFormat, Utc};
use sqlx::SqlitePool;

use crate::domain::limits::{Credits, LimitPeriod, RecurringRule, RememberedRule};
use crate::domain::IsoDate;

/// Subusers seen under `customer`, by name.
pub async fn known_subusers(pool: &SqlitePool, customer: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT username FROM known_subusers WHERE customer = ? ORDER BY username COLLATE NOCASE",
    )
    .bind(customer)
    .fetch_all(pool)
    .await
}

/// Remembers `subuser` under `customer` (once).
pub async fn remember_subuser(
    pool: &SqlitePool,
    customer: &str,
    subuser: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO known_subusers (customer, username, first_seen) VALUES (?, ?, ?)
         ON CONFLICT (customer, username) DO NOTHING",
    )
    .bind(customer)
    .bind(subuser)
    .bind(Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true))
    .execute(pool)
    .await
    .map(drop)
}

type RuleRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
    String,
);

/// The recurring rule the console last set on `user`, if any.
pub async fn rule(pool: &SqlitePool, user: &str) -> Result<Option<RememberedRule>, sqlx::Error> {
    let row: Option<RuleRow> = sqlx::query_as(
        "SELECT credits, period, start_date, end_date, initial_credits, set_by, set_on
         FROM limit_rules WHERE username = ?",
    )
    .bind(user)
    .fetch_optional(pool)
    .await?;
    Ok(
        row.and_then(|(credits, period, start, end, initial, set_by, set_on)| {
            let positive = |n: i64| Credits::parse(&n.to_string()).ok();
            let date = |text: Option<String>| text.and_then(|t| IsoDate::parse(&t).ok());
            Some(RememberedRule {
                rule: RecurringRule {
                    credits: positive(credits)?,
                    period: LimitPeriod::parse(&period)?,
                    start: date(start),
                    end: date(end),
                    initial: initial.and_then(positive),
                },
                set_on: IsoDate::parse(&set_on).ok()?,
                set_by,
            })
        }),
    )
}

/// Records the rule just set on `user`, replacing an earlier one.
pub async fn save_rule(
    pool: &SqlitePool,
    customer: &str,
    user: &str,
    rule: &RecurringRule,
    set_by: &str,
    set_on: IsoDate,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO limit_rules
            (username, customer, credits, period, start_date, end_date, initial_credits, set_by, set_on)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (username) DO UPDATE SET
            customer = excluded.customer, credits = excluded.credits, period = excluded.period,
            start_date = excluded.start_date, end_date = excluded.end_date,
            initial_credits = excluded.initial_credits, set_by = excluded.set_by,
            set_on = excluded.set_on",
    )
    .bind(user)
    .bind(customer)
    .bind(i64::from(rule.credits.get()))
    .bind(rule.period.as_str())
    .bind(rule.start.map(|d| d.to_string()))
    .bind(rule.end.map(|d| d.to_string()))
    .bind(rule.initial.map(|c| i64::from(c.get())))
    .bind(set_by)
    .bind(set_on.to_string())
    .execute(pool)
    .await
    .map(drop)
}

/// Forgets the rule of `user` (its limit was removed).
pub async fn forget_rule(pool: &SqlitePool, user: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM limit_rules WHERE username = ?")
        .bind(user)
        .execute(pool)
        .await
        .map(drop)
}
