//! What the console remembers about limits that SendGrid cannot tell it: which customer each
//! subuser belongs to (`subuser_owners`), and the recurring rules it set (`limit_rules`).

use chrono::{SecondsFormat, Utc};
use sqlx::SqlitePool;

use crate::domain::limits::{Credits, LimitPeriod, RecurringRule, RememberedRule};
use crate::domain::IsoDate;

/// The subusers the console knows to be `customer`'s, by name.
pub async fn own_subusers(pool: &SqlitePool, customer: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT username FROM subuser_owners WHERE customer = ? ORDER BY username COLLATE NOCASE",
        customer
    )
    .fetch_all(pool)
    .await
}

/// Whose a name typed as a subuser of `customer` is, as far as the console knows.
#[derive(Debug, PartialEq, Eq)]
pub enum Ownership {
    /// The customer itself.
    Customer,
    /// One of `customer`'s subusers.
    Own,
    /// Another customer's subuser, or another customer.
    Elsewhere(Elsewhere),
    /// Not seen before: SendGrid is asked whether it exists.
    Unknown,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Elsewhere {
    SubuserOf(String),
    Customer,
}

pub async fn ownership(
    pool: &SqlitePool,
    customer: &str,
    name: &str,
) -> Result<Ownership, sqlx::Error> {
    if name == customer {
        return Ok(Ownership::Customer);
    }
    let owner = sqlx::query_scalar!(
        "SELECT customer FROM subuser_owners WHERE username = ?",
        name
    )
    .fetch_optional(pool)
    .await?;
    match owner {
        Some(owner) if owner == customer => return Ok(Ownership::Own),
        Some(owner) => return Ok(Ownership::Elsewhere(Elsewhere::SubuserOf(owner))),
        None => {}
    }
    let a_customer = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM customers WHERE username = ? COLLATE NOCASE) AS "found!: bool""#,
        name
    )
    .fetch_one(pool)
    .await?;
    Ok(if a_customer {
        Ownership::Elsewhere(Elsewhere::Customer)
    } else {
        Ownership::Unknown
    })
}

/// Records `subuser` as `customer`'s unless it is already someone's, and answers whose it is
/// now: two pages claiming one subuser at once cannot both win.
pub async fn claim_subuser(
    pool: &SqlitePool,
    customer: &str,
    subuser: &str,
    operator: &str,
) -> Result<String, sqlx::Error> {
    let learnt_at = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    sqlx::query!(
        "INSERT INTO subuser_owners (username, customer, learnt_at, learnt_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (username) DO NOTHING",
        subuser,
        customer,
        learnt_at,
        operator,
    )
    .execute(pool)
    .await?;
    sqlx::query_scalar!(
        "SELECT customer FROM subuser_owners WHERE username = ?",
        subuser
    )
    .fetch_one(pool)
    .await
}

/// The recurring rule the console last set on `user`, if any.
pub async fn rule(pool: &SqlitePool, user: &str) -> Result<Option<RememberedRule>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT credits, period, start_date, end_date, initial_credits, set_by, set_on
         FROM limit_rules WHERE username = ?",
        user
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|row| {
        let positive = |n: i64| Credits::parse(&n.to_string()).ok();
        let date = |text: Option<String>| text.and_then(|t| IsoDate::parse(&t).ok());
        Some(RememberedRule {
            rule: RecurringRule {
                credits: positive(row.credits)?,
                period: LimitPeriod::parse(&row.period)?,
                start: date(row.start_date),
                end: date(row.end_date),
                initial: row.initial_credits.and_then(positive),
            },
            set_on: IsoDate::parse(&row.set_on).ok()?,
            set_by: row.set_by,
        })
    }))
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
    let credits = i64::from(rule.credits.get());
    let period = rule.period.as_str();
    let start = rule.start.map(|d| d.to_string());
    let end = rule.end.map(|d| d.to_string());
    let initial = rule.initial.map(|c| i64::from(c.get()));
    let set_on = set_on.to_string();
    sqlx::query!(
        "INSERT INTO limit_rules
            (username, customer, credits, period, start_date, end_date, initial_credits, set_by, set_on)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (username) DO UPDATE SET
            customer = excluded.customer, credits = excluded.credits, period = excluded.period,
            start_date = excluded.start_date, end_date = excluded.end_date,
            initial_credits = excluded.initial_credits, set_by = excluded.set_by,
            set_on = excluded.set_on",
        user,
        customer,
        credits,
        period,
        start,
        end,
        initial,
        set_by,
        set_on,
    )
    .execute(pool)
    .await
    .map(drop)
}

/// Forgets the rule of `user` (its limit was removed).
pub async fn forget_rule(pool: &SqlitePool, user: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM limit_rules WHERE username = ?", user)
        .execute(pool)
        .await
        .map(drop)
}
