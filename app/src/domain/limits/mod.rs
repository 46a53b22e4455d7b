//! Credit limits of a customer and its subusers (API.md §3): the five change tasks, their
//! fields, and the checks the browser and the server both run before SendGrid is asked.

mod check;
mod words;

use serde::{Deserialize, Serialize};

use super::change::{ChangeError, FieldError};
use super::IsoDate;

pub use check::check;
pub use words::{describe_change, describe_limit, describe_rule, done_summary, LIMIT_FIGURES};

pub type LimitFieldError = FieldError<LimitField>;
pub type LimitError = ChangeError<LimitField>;

/// A change task of `method=limit` (`retrieve` only reads, so it is not one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LimitTask {
    /// `task=none`: remove every limit.
    Remove,
    Total,
    Increment,
    /// `task=decrement` (the old docs' "must be set to increment" is a typo, API.md §8.2).
    Decrement,
    Recurring,
}

impl LimitTask {
    pub const ALL: [LimitTask; 5] = [
        LimitTask::Total,
        LimitTask::Increment,
        LimitTask::Decrement,
        LimitTask::Recurring,
        LimitTask::Remove,
    ];

    /// From the wire name, which is also the form's value.
    pub fn parse(value: &str) -> Option<LimitTask> {
        match value.trim() {
            "none" => Some(LimitTask::Remove),
            "total" => Some(LimitTask::Total),
            "increment" => Some(LimitTask::Increment),
            "decrement" => Some(LimitTask::Decrement),
            "recurring" => Some(LimitTask::Recurring),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LimitTask::Remove => "none",
            LimitTask::Total => "total",
            LimitTask::Increment => "increment",
            LimitTask::Decrement => "decrement",
            LimitTask::Recurring => "recurring",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LimitTask::Remove => "Remove the limit",
            LimitTask::Total => "Set the credits to a total",
            LimitTask::Increment => "Add credits",
            LimitTask::Decrement => "Take credits away",
            LimitTask::Recurring => "Reset the credits regularly",
        }
    }

    /// The audit action, e.g. `limits.total` (DESIGN.md "Data").
    pub fn action(self) -> super::AuditAction {
        super::AuditAction::Limits(self)
    }

    /// Whether the task takes `field` (API.md §3 table).
    pub fn uses(self, field: LimitField) -> bool {
        match field {
            LimitField::Subuser | LimitField::Task => true,
            LimitField::Credits => self != LimitTask::Remove,
            LimitField::Period
            | LimitField::StartDate
            | LimitField::EndDate
            | LimitField::InitialCredits => self == LimitTask::Recurring,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LimitPeriod {
    Daily,
    Weekly,
    Monthly,
}

impl LimitPeriod {
    pub const ALL: [LimitPeriod; 3] = [
        LimitPeriod::Daily,
        LimitPeriod::Weekly,
        LimitPeriod::Monthly,
    ];

    pub fn parse(value: &str) -> Option<LimitPeriod> {
        match value.trim() {
            "daily" => Some(LimitPeriod::Daily),
            "weekly" => Some(LimitPeriod::Weekly),
            "monthly" => Some(LimitPeriod::Monthly),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LimitPeriod::Daily => "daily",
            LimitPeriod::Weekly => "weekly",
            LimitPeriod::Monthly => "monthly",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LimitPeriod::Daily => "Daily",
            LimitPeriod::Weekly => "Weekly",
            LimitPeriod::Monthly => "Monthly",
        }
    }

    /// "every week".
    pub fn every(self) -> &'static str {
        match self {
            LimitPeriod::Daily => "every day",
            LimitPeriod::Weekly => "every week",
            LimitPeriod::Monthly => "every month",
        }
    }
}

/// A credit amount: an integer greater than zero (API.md §3), written with digits only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Credits(u32);

impl Credits {
    /// Upstream's type is undocumented beyond "integer > 0"; a 32-bit ceiling keeps every
    /// value an ordinary integer on both sides.
    pub const MAX: u32 = 2_000_000_000;

    pub fn parse(text: &str) -> Result<Credits, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("Enter a number of credits.".to_string());
        }
        if !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err("Enter a whole number of credits, digits only.".to_string());
        }
        match text.parse::<u64>() {
            Ok(0) => Err("Enter a number greater than 0.".to_string()),
            Ok(n) if n <= u64::from(Credits::MAX) => Ok(Credits(n as u32)),
            _ => Err(format!(
                "Enter at most {}.",
                super::change::group_thousands(i64::from(Credits::MAX))
            )),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A field of the limits form, named as the form and the server function name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LimitField {
    Subuser,
    Task,
    Credits,
    Period,
    StartDate,
    EndDate,
    InitialCredits,
}

impl LimitField {
    pub fn as_str(self) -> &'static str {
        match self {
            LimitField::Subuser => "target",
            LimitField::Task => "task",
            LimitField::Credits => "credits",
            LimitField::Period => "period",
            LimitField::StartDate => "start_date",
            LimitField::EndDate => "end_date",
            LimitField::InitialCredits => "initial_credits",
        }
    }

    /// The form field a SendGrid error is about, from the parameter the client names
    /// (`credits`, `startdate`, ...; see sendgrid's `Error::InvalidInput`).
    pub fn from_upstream(field: &str) -> Option<LimitField> {
        match field {
            "credits" => Some(LimitField::Credits),
            "initial_credits" => Some(LimitField::InitialCredits),
            "period" => Some(LimitField::Period),
            "startdate" => Some(LimitField::StartDate),
            "enddate" => Some(LimitField::EndDate),
            "user" => Some(LimitField::Subuser),
            _ => None,
        }
    }
}

/// The limits form as typed: every value a string, as it arrives from a query string or a
/// form post. [`check`] is the only way from here to a change SendGrid is asked to make.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LimitForm {
    pub task: String,
    pub credits: String,
    pub period: String,
    pub start_date: String,
    pub end_date: String,
    pub initial_credits: String,
}

impl LimitForm {
    /// The form's fields as query pairs, for the review step's URL.
    pub fn query_pairs(&self) -> [(&'static str, &str); 6] {
        [
            ("task", &self.task),
            ("credits", &self.credits),
            ("period", &self.period),
            ("start_date", &self.start_date),
            ("end_date", &self.end_date),
            ("initial_credits", &self.initial_credits),
        ]
    }
}

/// A limit as `task=retrieve` reports it (API.md §3; `credit` read as the allowance and
/// `credit_remain` as the balance, §9 Q3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentLimit {
    pub credit: i64,
    pub remaining: i64,
    pub last_reset: Option<IsoDate>,
}

/// `task=recurring`'s parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecurringRule {
    pub credits: Credits,
    pub period: LimitPeriod,
    /// First reset; upstream picks one when absent.
    pub start: Option<IsoDate>,
    /// Resets stop after this day; what is left can still be used.
    pub end: Option<IsoDate>,
    /// Starting balance for a subuser that already used part; upstream defaults it to
    /// `credits`.
    pub initial: Option<Credits>,
}

/// A recurring rule this console set, remembered because `retrieve` does not report it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RememberedRule {
    pub rule: RecurringRule,
    pub set_on: IsoDate,
    pub set_by: String,
}

/// A change that passed [`check`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValidLimitChange {
    Remove,
    Total(Credits),
    Increment(Credits),
    Decrement(Credits),
    Recurring(RecurringRule),
}

impl ValidLimitChange {
    /// The credits the change sets or moves by; `None` for removing the limit (no cap).
    pub fn credits(&self) -> Option<u32> {
        match self {
            ValidLimitChange::Remove => None,
            ValidLimitChange::Total(n)
            | ValidLimitChange::Increment(n)
            | ValidLimitChange::Decrement(n) => Some(n.get()),
            ValidLimitChange::Recurring(rule) => Some(rule.credits.get()),
        }
    }

    pub fn task(&self) -> LimitTask {
        match self {
            ValidLimitChange::Remove => LimitTask::Remove,
            ValidLimitChange::Total(_) => LimitTask::Total,
            ValidLimitChange::Increment(_) => LimitTask::Increment,
            ValidLimitChange::Decrement(_) => LimitTask::Decrement,
            ValidLimitChange::Recurring(_) => LimitTask::Recurring,
        }
    }
}

#[cfg(test)]
mod tests;
