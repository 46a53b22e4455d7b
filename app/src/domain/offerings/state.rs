//! Account state (API.md §5.8, §5.9): what each state means, and the two a reseller may set.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccountStateName {
    Activated,
    Deactivated,
    /// Set by SendGrid.
    Suspended,
    /// Set by SendGrid.
    Banned,
    Indeterminate,
}

impl AccountStateName {
    pub const ALL: [AccountStateName; 5] = [
        AccountStateName::Activated,
        AccountStateName::Suspended,
        AccountStateName::Deactivated,
        AccountStateName::Banned,
        AccountStateName::Indeterminate,
    ];

    pub fn parse(value: &str) -> Option<AccountStateName> {
        match value.trim() {
            "activated" => Some(AccountStateName::Activated),
            "deactivated" => Some(AccountStateName::Deactivated),
            "suspended" => Some(AccountStateName::Suspended),
            "banned" => Some(AccountStateName::Banned),
            "indeterminate" => Some(AccountStateName::Indeterminate),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AccountStateName::Activated => "activated",
            AccountStateName::Deactivated => "deactivated",
            AccountStateName::Suspended => "suspended",
            AccountStateName::Banned => "banned",
            AccountStateName::Indeterminate => "indeterminate",
        }
    }

    pub fn meaning(self) -> StateMeaning {
        STATE_TABLE
            .iter()
            .find(|row| row.state == self)
            .copied()
            .unwrap_or(STATE_TABLE[4])
    }

    /// Only SendGrid sets these; a reseller can still write activated or deactivated over
    /// them (API.md §5.9).
    pub fn set_by_sendgrid(self) -> bool {
        matches!(
            self,
            AccountStateName::Suspended
                | AccountStateName::Banned
                | AccountStateName::Indeterminate
        )
    }
}

/// One row of the docs' table (API.md §5.8). `None`: the docs say to ask SendGrid support.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateMeaning {
    pub state: AccountStateName,
    pub can_log_in: Option<bool>,
    pub can_send: Option<bool>,
    pub subusers_removed: Option<bool>,
    pub ips_removed: Option<bool>,
    pub keys_deactivated: Option<bool>,
}

const fn row(state: AccountStateName, cells: [bool; 5]) -> StateMeaning {
    StateMeaning {
        state,
        can_log_in: Some(cells[0]),
        can_send: Some(cells[1]),
        subusers_removed: Some(cells[2]),
        ips_removed: Some(cells[3]),
        keys_deactivated: Some(cells[4]),
    }
}

pub const STATE_TABLE: [StateMeaning; 5] = [
    row(
        AccountStateName::Activated,
        [true, true, false, false, false],
    ),
    row(
        AccountStateName::Suspended,
        [true, false, false, false, false],
    ),
    row(
        AccountStateName::Deactivated,
        [false, false, false, false, true],
    ),
    row(AccountStateName::Banned, [false, false, true, true, true]),
    StateMeaning {
        state: AccountStateName::Indeterminate,
        can_log_in: None,
        can_send: None,
        subusers_removed: None,
        ips_removed: None,
        keys_deactivated: None,
    },
];

impl StateMeaning {
    /// "Can log in and send mail." in one sentence.
    pub fn sentence(&self) -> String {
        match (self.can_log_in, self.can_send) {
            (None, _) | (_, None) => {
                "SendGrid does not say what this account can do: contact SendGrid support."
                    .to_string()
            }
            (Some(true), Some(true)) => "Can log in and send mail.".to_string(),
            (Some(true), Some(false)) => "Can log in but cannot send mail.".to_string(),
            (Some(false), _) => {
                let mut text = "Cannot log in or send mail".to_string();
                if self.keys_deactivated == Some(true) {
                    text.push_str("; its API keys are deactivated");
                }
                if self.subusers_removed == Some(true) {
                    text.push_str("; its subusers and dedicated IPs are removed");
                }
                text.push('.');
                text
            }
        }
    }
}

/// The states a reseller may write (API.md §5.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WritableState {
    Activated,
    Deactivated,
}

impl WritableState {
    pub const ALL: [WritableState; 2] = [WritableState::Activated, WritableState::Deactivated];

    pub fn parse(value: &str) -> Option<WritableState> {
        match value.trim() {
            "activated" => Some(WritableState::Activated),
            "deactivated" => Some(WritableState::Deactivated),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.name().as_str()
    }

    pub fn name(self) -> AccountStateName {
        match self {
            WritableState::Activated => AccountStateName::Activated,
            WritableState::Deactivated => AccountStateName::Deactivated,
        }
    }

    /// The button that starts the change.
    pub fn button(self) -> &'static str {
        match self {
            WritableState::Activated => "Activate account",
            WritableState::Deactivated => "Deactivate account",
        }
    }

    /// "Deactivated acme." / "Activated acme."
    pub fn done(self, who: &str) -> String {
        match self {
            WritableState::Activated => format!("Activated {who}."),
            WritableState::Deactivated => format!("Deactivated {who}."),
        }
    }
}
