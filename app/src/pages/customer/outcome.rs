//! Pieces the change tabs (plan, limits, offerings, state) share: links with a query, the message under a field,
//! and how a submitted change ended.

use leptos::prelude::*;

use crate::domain::change::{ChangeDone, ChangeError};

pub use crate::domain::query::tab_href;

pub fn history_href(key: &str) -> String {
    tab_href(key, "history", &[])
}

/// The error shown under a field, tied to it by `id` (the field's `aria-describedby`).
#[component]
pub fn FieldMessage(#[prop(into)] id: String, message: Option<String>) -> impl IntoView {
    message.map(|message| view! { <p class="field-error" id=id role="alert">{message}</p> })
}

/// `aria-invalid` for a field with an error.
pub fn invalid(message: &Option<String>) -> Option<&'static str> {
    message.is_some().then_some("true")
}

/// A review's refusal that belongs to no field; an unknown outcome links to History, where it
/// is reconciled.
#[component]
pub fn ReviewNotice(message: String, unknown: bool, history: String) -> impl IntoView {
    view! {
        <div class=if unknown { "notice notice-warn" } else { "notice notice-error" } role="alert">
            <p>{message}</p>
            {unknown.then(|| view! { <p><a href=history>"Reconcile in History"</a></p> })}
        </div>
    }
}

/// How a change ended, as the audit log (or the job table) recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ended {
    Done(ChangeDone),
    /// May or may not have been applied: reconcile in History.
    Unknown(String),
    /// Not made (refused, or broke a rule).
    Refused(String),
}

impl Ended {
    pub fn of<F>(result: Result<ChangeDone, ChangeError<F>>) -> Ended {
        match result {
            Ok(done) => Ended::Done(done),
            Err(error @ ChangeError::Unknown { .. }) => Ended::Unknown(error.to_string()),
            Err(error) => Ended::Refused(error.to_string()),
        }
    }
}

/// The outcome panel, with the next step: another change, History to reconcile, or editing
/// the refused change.
#[component]
pub fn ChangeOutcome(
    ended: Ended,
    /// The tab without the finished form.
    again: String,
    /// The form again with what was submitted.
    edit: String,
    history: String,
    test_id: &'static str,
) -> impl IntoView {
    match ended {
        Ended::Done(done) => {
            let recorded = match (done.attempt_id, done.job_id) {
                (Some(id), _) => Some(format!("Recorded in the audit log as change #{id}.")),
                (None, Some(id)) => Some(format!(
                    "Held by the console as scheduled change #{id}; it is listed under \
                     Scheduled changes until it is made."
                )),
                _ => None,
            };
            let request = done.approval_id.map(|id| {
                view! { <p><a href=format!("/approvals/{id}")>{format!("Open request #{id}")}</a></p> }
            });
            let class = if done.approval_id.is_some() && done.attempt_id.is_none() {
                "notice notice-warn"
            } else {
                "notice notice-ok"
            };
            view! {
                <div class=class role="status" data-testid=test_id>
                    <p>{done.summary}</p>
                    {recorded.map(|text| view! { <p class="hint">{text}</p> })}
                    {request}
                    <p><a href=again>"Make another change"</a></p>
                </div>
            }
            .into_any()
        }
        Ended::Unknown(message) => view! {
            <div class="notice notice-warn" role="alert" data-testid=test_id>
                <p>{message}</p>
                <p><a href=history>"Reconcile in History"</a></p>
            </div>
        }
        .into_any(),
        Ended::Refused(message) => view! {
            <div class="notice notice-error" role="alert" data-testid=test_id>
                <p>{message}</p>
                <p><a href=edit>"Edit the change"</a></p>
            </div>
        }
        .into_any(),
    }
}
