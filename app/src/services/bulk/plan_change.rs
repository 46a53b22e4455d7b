//! What a bulk plan change (upgrade, downgrade, close; API.md §2.1–2.5) would do to one
//! customer: the customer's plan read from SendGrid, checked by the Plan tab's own rules, and
//! who makes it when it is for the end of the cycle (`domain::plan::scheduling`).

use sendgrid::Client;

use super::plan::{Call, Plan};
use crate::domain::plan::{
    check, warnings, PlanAction, PlanForm, PlanState, PlanTiming, ScheduledBy, SchedulingMode,
    ValidPlanChange,
};
use crate::services::plan::read_upstream;

/// A plan change ready to make for one customer.
#[derive(Clone, Debug)]
pub struct PlanCall {
    pub user: String,
    /// The form the change was checked as: its audit parameters are the Plan tab's.
    pub form: PlanForm,
    pub valid: ValidPlanChange,
    /// For a change the console holds: the cycle it is due at the end of.
    pub state: PlanState,
    pub maker: Option<ScheduledBy>,
}

impl PlanCall {
    /// Whether the console holds the change instead of sending it now.
    pub fn held(&self) -> bool {
        self.maker == Some(ScheduledBy::Console)
    }
}

/// "Silver", with a close's and a scheduled change's words.
fn describe_after(
    valid: &ValidPlanChange,
    state: &PlanState,
    maker: Option<ScheduledBy>,
) -> String {
    let what = match (&valid.action, &valid.target) {
        (PlanAction::Close, _) | (_, None) => "Closed (reverted to free)".to_string(),
        (_, Some(target)) => target.name.to_string(),
    };
    let day = state
        .cycle
        .map(|cycle| format!(" after {}", cycle.end))
        .unwrap_or_else(|| " when the billing cycle ends".to_string());
    match maker {
        None => what,
        Some(ScheduledBy::SendGrid) => format!("{what}{day}, scheduled with SendGrid"),
        Some(ScheduledBy::Console) => format!("{what}{day}, held by the console"),
    }
}

fn describe_before(state: &PlanState) -> String {
    match &state.pending {
        Some(pending) => format!("{} ({} waits)", state.package, pending.summary()),
        None => state.package.to_string(),
    }
}

/// Reads the customer's plan and decides what to send: the change, "no change" when the
/// customer is on the target already, or why the Plan tab's rules refuse it for this customer.
pub async fn plan_change(
    client: &Client,
    form: PlanForm,
    user: &str,
    mode: SchedulingMode,
) -> Result<Plan, sendgrid::Error> {
    let read = read_upstream(client, user).await?;
    let state = read.state;
    let target = form.package.trim();
    if !target.is_empty() && state.package == *target {
        return Ok(Plan::NoChange(format!("on {}", state.package)));
    }
    let valid = match check(&form, &state) {
        Ok(valid) => valid,
        Err(errors) => {
            let why: Vec<String> = errors.into_iter().map(|e| e.message).collect();
            return Ok(Plan::NotApplicable(format!(
                "{}: {}",
                state.package,
                why.join(" ").trim_end_matches('.')
            )));
        }
    };
    let maker =
        (valid.timing == PlanTiming::EndOfCycle).then(|| mode.maker(read.sendgrid_schedules));
    let mut after = describe_after(&valid, &state, maker);
    for warning in warnings(&valid, &state) {
        after.push_str(". ");
        after.push_str(warning.trim_end_matches('.'));
    }
    Ok(Plan::Send {
        before: describe_before(&state),
        after,
        before_state: read.before,
        call: Call::Plan(Box::new(PlanCall {
            user: user.to_string(),
            form,
            valid,
            state,
            maker,
        })),
    })
}
