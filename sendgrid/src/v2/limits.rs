//! Credit limits, `method=limit` (API.md §3), on the v2 or v1 URL: a customer's subuser
//! through `reseller.subuserManage`, the customer itself through `reseller.manage`.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;
use tracing::instrument;

use super::envelope::{decode_success, parse_with};
use super::{lenient, push_opt, Params};
use crate::transport::Policy;
use crate::{Client, Result};

/// A subuser's current limit (`task=retrieve`). Every value arrives as a string.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Limit {
    /// The configured allowance or reset value (meaning not fully documented, API.md §9 Q3).
    #[serde(deserialize_with = "lenient::int")]
    pub credit: i64,
    /// Credits left.
    #[serde(default, deserialize_with = "lenient::int")]
    pub credit_remain: i64,
    #[serde(default, deserialize_with = "lenient::opt_date")]
    pub last_reset: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitPeriod {
    Daily,
    Weekly,
    Monthly,
}

impl LimitPeriod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Weekly => "weekly",
            Self::Monthly => "monthly",
        }
    }
}

/// `task=recurring`: reset the credits to `credits` every `period`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecurringLimit {
    pub credits: u64,
    pub period: LimitPeriod,
    /// First reset.
    pub start_date: Option<NaiveDate>,
    /// Resets stop after this date; remaining credits can still be used.
    pub end_date: Option<NaiveDate>,
    /// Starting credit for a subuser that already used part; upstream defaults it to `credits`.
    pub initial_credits: Option<u64>,
}

/// The limit-changing tasks. Credit amounts are passed through as given: upstream requires
/// integers > 0 and answers with its own error otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitChange {
    /// `task=none`: remove every limit.
    Remove,
    Recurring(RecurringLimit),
    /// `task=total`: set the credits to exactly this amount.
    Total(u64),
    Increment(u64),
    /// `task=decrement` (the old docs' "must be set to increment" is a typo, API.md §8.2).
    Decrement(u64),
}

impl LimitChange {
    /// The wire value of `task`.
    pub fn task(&self) -> &'static str {
        match self {
            Self::Remove => "none",
            Self::Recurring(_) => "recurring",
            Self::Total(_) => "total",
            Self::Increment(_) => "increment",
            Self::Decrement(_) => "decrement",
        }
    }

    fn params(&self) -> Params {
        let mut params: Params = vec![("task", self.task().to_owned())];
        match self {
            Self::Remove => {}
            Self::Total(credits) | Self::Increment(credits) | Self::Decrement(credits) => {
                params.push(("credits", credits.to_string()));
            }
            Self::Recurring(r) => {
                params.push(("credits", r.credits.to_string()));
                params.push(("period", r.period.as_str().to_owned()));
                push_opt(&mut params, "startdate", &r.start_date.map(iso));
                push_opt(&mut params, "enddate", &r.end_date.map(iso));
                push_opt(&mut params, "initial_credits", &r.initial_credits);
            }
        }
        params
    }
}

fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// "An empty response means the subuser has no limit" (API.md §3). Empty is taken to be any
/// of `{}`, `[]`, an empty body, `<credits/>`, or a bare success envelope (§9 Q3).
fn decode_limit(value: Value) -> Option<Option<Limit>> {
    let empty = match &value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(o) => o.is_empty() || (o.len() == 1 && o.contains_key("message")),
        _ => false,
    };
    if empty {
        return Some(None);
    }
    let value = match value {
        Value::Array(mut items) if items.len() == 1 => items.remove(0),
        other => other,
    };
    serde_json::from_value(value).ok().map(Some)
}

/// Reads a `task=retrieve` answer (JSON or XML) as the client does.
pub fn parse_limit(status: u16, body: &[u8]) -> Result<Option<Limit>> {
    parse_with(status, body, false, decode_limit)
}

/// Whose limit: the two are different calls (API.md §3), and each is refused for the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitHolder<'a> {
    /// The reseller's customer itself (`reseller.manage`, "Related limit APIs").
    Customer(&'a str),
    /// One of a customer's subusers (`reseller.subuserManage`).
    Subuser(&'a str),
}

impl<'a> LimitHolder<'a> {
    /// `target` changed from `customer`'s page: the customer itself, or one of its subusers.
    pub fn of(customer: &str, target: &'a str) -> LimitHolder<'a> {
        if target == customer {
            LimitHolder::Customer(target)
        } else {
            LimitHolder::Subuser(target)
        }
    }

    pub fn user(&self) -> &str {
        match self {
            LimitHolder::Customer(user) | LimitHolder::Subuser(user) => user,
        }
    }
}

impl Client {
    fn limit_stem(&self, holder: LimitHolder<'_>) -> &'static str {
        let endpoint = self.config.limits_endpoint;
        match holder {
            LimitHolder::Customer(_) => endpoint.customer_stem(),
            LimitHolder::Subuser(_) => endpoint.subuser_stem(),
        }
    }

    /// The (sub)user's limit, or `None` when it has none.
    #[instrument(skip(self), fields(task = "retrieve", attempts))]
    pub async fn retrieve_limit(&self, holder: LimitHolder<'_>) -> Result<Option<Limit>> {
        let params = limit_params(holder.user(), vec![("task", "retrieve".to_owned())]);
        self.v2_call(self.limit_stem(holder), params, Policy::Read, decode_limit)
            .await
    }

    /// Applies one limit task. Never retried: `increment` twice is not `increment` once.
    #[instrument(skip(self, change), fields(task = change.task(), attempts))]
    pub async fn change_limit(&self, holder: LimitHolder<'_>, change: &LimitChange) -> Result<()> {
        let params = limit_params(holder.user(), change.params());
        self.v2_call(
            self.limit_stem(holder),
            params,
            Policy::Write,
            decode_success,
        )
        .await
    }
}

/// `method=limit` is sent on both URLs: the v1 tables omit it but every example has it
/// (API.md §8.3).
fn limit_params(user: &str, task: Params) -> Params {
    let mut params: Params = vec![("method", "limit".to_owned()), ("user", user.to_owned())];
    params.extend(task);
    params
}
