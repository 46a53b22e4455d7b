//! The checks a limits form passes before SendGrid is asked (API.md §3: integers > 0, dates
//! `YYYY-mm-dd`), plus what the console adds: end on or after start, no first reset in the
//! past. What the documents leave open (a decrement below zero, §3 "Further notes") is not
//! refused here: the review warns and SendGrid's answer decides.

use super::{
    Credits, LimitField, LimitFieldError, LimitForm, LimitPeriod, LimitTask, RecurringRule,
    ValidLimitChange,
};
use crate::domain::change::FieldError;
use crate::domain::IsoDate;

/// Checks the form for `task`'s fields only (the others may hold anything and are ignored).
/// `today` is the server's UTC day.
pub fn check(form: &LimitForm, today: IsoDate) -> Result<ValidLimitChange, Vec<LimitFieldError>> {
    let mut errors = Vec::new();
    let Some(task) = LimitTask::parse(&form.task) else {
        return Err(vec![FieldError::new(LimitField::Task, "Choose a task.")]);
    };
    let mut credits = |field: LimitField, text: &str| match Credits::parse(text) {
        Ok(credits) => Some(credits),
        Err(message) => {
            errors.push(FieldError::new(field, message));
            None
        }
    };
    let change = match task {
        LimitTask::Remove => Some(ValidLimitChange::Remove),
        LimitTask::Total => {
            credits(LimitField::Credits, &form.credits).map(ValidLimitChange::Total)
        }
        LimitTask::Increment => {
            credits(LimitField::Credits, &form.credits).map(ValidLimitChange::Increment)
        }
        LimitTask::Decrement => {
            credits(LimitField::Credits, &form.credits).map(ValidLimitChange::Decrement)
        }
        LimitTask::Recurring => {
            let amount = credits(LimitField::Credits, &form.credits);
            let initial = (!form.initial_credits.trim().is_empty())
                .then(|| credits(LimitField::InitialCredits, &form.initial_credits))
                .flatten();
            let period = LimitPeriod::parse(&form.period);
            if period.is_none() {
                errors.push(FieldError::new(
                    LimitField::Period,
                    "Choose daily, weekly or monthly.",
                ));
            }
            let start = date(&form.start_date, LimitField::StartDate, &mut errors);
            let end = date(&form.end_date, LimitField::EndDate, &mut errors);
            if let Some(start) = start {
                if start < today {
                    errors.push(FieldError::new(
                        LimitField::StartDate,
                        format!("The first reset cannot be in the past (today is {today})."),
                    ));
                }
            }
            if let Some(end) = end {
                let from = start.unwrap_or(today);
                if end < from {
                    errors.push(FieldError::new(
                        LimitField::EndDate,
                        format!("The end date must be on or after {from}."),
                    ));
                }
            }
            match (amount, period) {
                (Some(credits), Some(period)) => Some(ValidLimitChange::Recurring(RecurringRule {
                    credits,
                    period,
                    start,
                    end,
                    initial,
                })),
                _ => None,
            }
        }
    };
    match change {
        Some(change) if errors.is_empty() => Ok(change),
        _ => Err(errors),
    }
}

/// An optional `YYYY-mm-dd` date field.
fn date(text: &str, field: LimitField, errors: &mut Vec<LimitFieldError>) -> Option<IsoDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match IsoDate::parse(text) {
        Ok(date) => Some(date),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                "Enter a date as YYYY-mm-dd, e.g. 2026-12-01.",
            ));
            None
        }
    }
}
