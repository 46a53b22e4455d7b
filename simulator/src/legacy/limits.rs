//! `method=limit` on `reseller.subuserManage` (and its v1/2014 names) and `reseller.manage`
//! (API.md §3): parameter rules, then the six tasks of `crate::limits`.

use chrono::NaiveDate;
use serde_json::json;

use super::envelope::{settle, Answer, Reply, Xml};
use super::{Family, Params, INVALID_METHOD, INVALID_TASK, MISSING};
use crate::limits::{self, LimitTask};
use crate::sim::Sim;
use crate::state::{Limit, Period, Rejection};

pub const BAD_CREDITS: &str = "credits must be an integer greater than 0";
pub const BAD_INITIAL: &str = "initial_credits must be an integer greater than 0";
pub const BAD_PERIOD: &str = "period must be one of daily, weekly, monthly";

/// Customer subuser limits: `user` is "the customer subuser; it must be registered under
/// your account" (API.md §3), so a customer is not found here; its own limit is on
/// `reseller.manage` ([`run_for_customer`]).
pub fn handle(sim: &Sim, family: Family, params: &Params) -> Reply {
    // v2 lists `method=limit` as required; the v1 tables omit it (API.md §8 item 3).
    let method = match (params.get("method"), family) {
        (Some("limit"), _) | (None, Family::V1) => Ok(()),
        (None, Family::V2) => Err(Reply::error(format!("{MISSING}method"))),
        (Some(_), _) => Err(Reply::error(INVALID_METHOD)),
    };
    settle(method.and_then(|()| run(sim, params, Holder::Subuser)))
}

/// `reseller.manage method=limit`: the customer's own limit, so subusers are not found here.
pub fn run_for_customer(sim: &Sim, params: &Params) -> Reply {
    settle(run(sim, params, Holder::Customer))
}

/// Whose limit an endpoint changes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Holder {
    Customer,
    Subuser,
}

fn run(sim: &Sim, params: &Params, holder: Holder) -> Answer {
    let task = params.value("task")?;
    let user = params.value("user")?;
    let task = parse(task, params)?;
    let mut world = sim.world();
    let is_customer = world.customers.contains_key(user);
    if is_customer != (holder == Holder::Customer) {
        return Err(Rejection::UserNotFound.into());
    }
    let retrieve = task == LimitTask::Retrieve;
    let limit = limits::run(&mut world, user, task)?;
    if !retrieve {
        world.count_change(user);
    }
    Ok(if retrieve {
        credits(limit.as_ref())
    } else {
        Reply::Success
    })
}

fn parse(task: &str, params: &Params) -> Result<LimitTask, Reply> {
    let mut errors = Vec::new();
    let task = match task {
        "retrieve" => LimitTask::Retrieve,
        "none" => LimitTask::Remove,
        "total" | "increment" | "decrement" => {
            let credits = positive(params, "credits", BAD_CREDITS, true, &mut errors).unwrap_or(0);
            match task {
                "total" => LimitTask::Total(credits),
                "increment" => LimitTask::Increment(credits),
                _ => LimitTask::Decrement(credits),
            }
        }
        "recurring" => LimitTask::Recurring {
            credits: positive(params, "credits", BAD_CREDITS, true, &mut errors).unwrap_or(0),
            period: period(params, &mut errors).unwrap_or(Period::Daily),
            startdate: date(params, "startdate", &mut errors),
            enddate: date(params, "enddate", &mut errors),
            initial_credits: positive(params, "initial_credits", BAD_INITIAL, false, &mut errors),
        },
        _ => return Err(Reply::error(INVALID_TASK)),
    };
    if errors.is_empty() {
        Ok(task)
    } else {
        Err(Reply::errors(errors))
    }
}

/// Digits only, greater than zero; "10.5", "-1", "0" and "+3" are refused.
fn positive(
    params: &Params,
    name: &str,
    message: &str,
    required: bool,
    errors: &mut Vec<String>,
) -> Option<i64> {
    let Some(raw) = params.get(name) else {
        if required {
            errors.push(format!("{MISSING}{name}"));
        }
        return None;
    };
    let value = raw
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| raw.parse::<i64>().ok())
        .flatten()
        .filter(|v| *v > 0);
    if value.is_none() {
        errors.push(message.to_owned());
    }
    value
}

fn period(params: &Params, errors: &mut Vec<String>) -> Option<Period> {
    let period = match params.get("period") {
        None => {
            errors.push(format!("{MISSING}period"));
            return None;
        }
        Some("daily") => Period::Daily,
        Some("weekly") => Period::Weekly,
        Some("monthly") => Period::Monthly,
        Some(_) => {
            errors.push(BAD_PERIOD.to_owned());
            return None;
        }
    };
    Some(period)
}

/// Strictly `YYYY-mm-dd` (ten characters, a real calendar day).
fn date(params: &Params, name: &str, errors: &mut Vec<String>) -> Option<NaiveDate> {
    let raw = params.get(name)?;
    let parsed = (raw.len() == 10)
        .then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
        .flatten();
    if parsed.is_none() {
        errors.push(format!("{name} must be a date in YYYY-mm-dd format"));
    }
    parsed
}

/// All-string values under `<credits>`; no limit is the empty answer `{}` / `<credits/>`.
fn credits(limit: Option<&Limit>) -> Reply {
    let Some(limit) = limit else {
        return Reply::Data {
            json: json!({}),
            xml: Xml::node("credits", Vec::new()),
        };
    };
    let fields = [
        ("credit", limit.credit.to_string()),
        ("credit_remain", limit.credit_remain.to_string()),
        ("last_reset", limit.last_reset.to_string()),
    ];
    Reply::Data {
        json: json!({"credit": fields[0].1, "credit_remain": fields[1].1, "last_reset": fields[2].1}),
        xml: Xml::node(
            "credits",
            fields.iter().map(|(k, v)| Xml::text(k, v)).collect(),
        ),
    }
}
