//! Who makes a plan change chosen for the end of the billing cycle. The v2 documents list
//! `scheduled_upgrade/downgrade/close` and the pending API, and also say SendGrid removed them
//! in 2017 as "deleted reseller endpoints" (API.md §2.6, §8 item 11, §9 Q1). So the console
//! sends them where SendGrid still accepts them and otherwise holds the change itself, to make
//! it as the immediate task when the cycle ends (the mechanism v3 changes already use).

use serde::{Deserialize, Serialize};

/// The `SCHEDULED_PLAN_CHANGES` setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SchedulingMode {
    /// Always send `scheduled_*`; SendGrid's refusal is the answer.
    Upstream,
    /// Always hold the change in the console.
    Console,
    /// Send `scheduled_*` while SendGrid answers the pending API; hold the change when it
    /// answers that the task or endpoint is unknown.
    #[default]
    Auto,
}

impl SchedulingMode {
    pub fn parse(value: &str) -> Option<SchedulingMode> {
        match value.trim() {
            "upstream" => Some(SchedulingMode::Upstream),
            "console" => Some(SchedulingMode::Console),
            "auto" => Some(SchedulingMode::Auto),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SchedulingMode::Upstream => "upstream",
            SchedulingMode::Console => "console",
            SchedulingMode::Auto => "auto",
        }
    }

    /// Who makes a scheduled change, given whether SendGrid answered the pending API as a
    /// known endpoint (`None`: it could not be asked, e.g. it was down).
    pub fn maker(self, sendgrid_schedules: Option<bool>) -> ScheduledBy {
        match (self, sendgrid_schedules) {
            (SchedulingMode::Upstream, _) => ScheduledBy::SendGrid,
            (SchedulingMode::Console, _) => ScheduledBy::Console,
            (SchedulingMode::Auto, Some(false)) => ScheduledBy::Console,
            // Known to schedule, or unknown: try SendGrid, and fall back if it refuses the task.
            (SchedulingMode::Auto, _) => ScheduledBy::SendGrid,
        }
    }
}

/// Who makes a plan change scheduled for the end of the cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScheduledBy {
    /// SendGrid, told with `scheduled_*` now (API.md §2.4, §2.5).
    SendGrid,
    /// The console, which sends the immediate task when the cycle ends.
    Console,
}

impl ScheduledBy {
    /// The sentence the review step shows before the operator confirms.
    pub fn explain(self, applies_on: Option<super::IsoDate>) -> String {
        let day = applies_on
            .map(|day| format!(" on {day}"))
            .unwrap_or_else(|| " when the billing cycle ends".to_string());
        match self {
            ScheduledBy::SendGrid => format!(
                "SendGrid holds this change and applies it{day} (a scheduled task, API.md §2.4)."
            ),
            ScheduledBy::Console => format!(
                "The console holds this change and makes it{day} at 00:00 UTC as the immediate \
                 task (SendGrid removed its scheduled tasks from the v2 API in 2017, API.md §2.6). \
                 Until then it is listed under Scheduled changes, where it can be cancelled."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mode_decides_and_auto_follows_sendgrid() {
        use ScheduledBy::*;
        assert_eq!(SchedulingMode::Upstream.maker(Some(false)), SendGrid);
        assert_eq!(SchedulingMode::Console.maker(Some(true)), Console);
        assert_eq!(SchedulingMode::Auto.maker(Some(true)), SendGrid);
        assert_eq!(SchedulingMode::Auto.maker(Some(false)), Console);
        assert_eq!(SchedulingMode::Auto.maker(None), SendGrid);
        assert_eq!(SchedulingMode::parse("auto"), Some(SchedulingMode::Auto));
        assert_eq!(SchedulingMode::parse("sometimes"), None);
    }
}
