//! The audit log as the review screens see it: kinds, outcomes, the status shown on a row,
//! and what the table, detail view, timeline and chart render. The filter lives in
//! [`super::audit_filter`].

use serde::{Deserialize, Serialize};

/// What a row records (DESIGN.md "Data").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// Written and committed before an upstream change is sent.
    Attempt,
    /// The answer to an attempt, linked by `attempt_id`.
    Result,
    /// A local action: sign-in, operator change, export.
    Event,
    /// What an operator found upstream when resolving an attempt with no result.
    Reconcile,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Attempt => "attempt",
            Kind::Result => "result",
            Kind::Event => "event",
            Kind::Reconcile => "reconcile",
        }
    }

    pub fn parse(value: &str) -> Option<Kind> {
        match value {
            "attempt" => Some(Kind::Attempt),
            "result" => Some(Kind::Result),
            "event" => Some(Kind::Event),
            "reconcile" => Some(Kind::Reconcile),
            _ => None,
        }
    }
}

/// How an action ended, as stored in the `outcome` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Outcome {
    Success,
    Failure,
    /// The change was sent and no answer came back: it may or may not have been applied.
    Unknown,
    /// Refused locally before anything was tried (e.g. a throttled sign-in).
    Refused,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Success,
        Outcome::Failure,
        Outcome::Unknown,
        Outcome::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Unknown => "unknown",
            Outcome::Refused => "refused",
        }
    }

    pub fn parse(value: &str) -> Option<Outcome> {
        Outcome::ALL
            .into_iter()
            .find(|outcome| outcome.as_str() == value.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Success => "Success",
            Outcome::Failure => "Failed",
            Outcome::Unknown => "Outcome unknown",
            Outcome::Refused => "Refused",
        }
    }
}

/// What the badge on a row says: the outcome of results and events, and for the other kinds
/// whether anything is still missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Done(Outcome),
    /// An attempt whose outcome is settled by a result or reconcile in its own row.
    Sent,
    /// A change whose outcome is unknown (no result, or a result saying "unknown") and that
    /// nobody has reconciled yet.
    Open,
    Reconciled,
    /// A row with no outcome that is none of the above; shown as written.
    Recorded,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Done(outcome) => outcome.label(),
            Status::Sent => "Sent",
            Status::Open => "Outcome unknown: not reconciled",
            Status::Reconciled => "Reconciled",
            Status::Recorded => "Recorded",
        }
    }

    /// The badge class in `style/main.css`.
    pub fn badge_class(self) -> &'static str {
        match self {
            Status::Done(Outcome::Success) => "badge badge-ok",
            Status::Done(Outcome::Failure) | Status::Done(Outcome::Refused) => "badge badge-danger",
            Status::Done(Outcome::Unknown) | Status::Open => "badge badge-warn",
            Status::Reconciled => "badge badge-info",
            Status::Sent | Status::Recorded => "badge",
        }
    }

    pub fn needs_reconcile(self) -> bool {
        self == Status::Open
    }
}

/// One row of the `/audit` table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    /// RFC 3339 in UTC, e.g. `2026-11-23T13:00:05.123Z`.
    pub occurred_at: String,
    pub kind: Kind,
    pub attempt_id: Option<i64>,
    pub operator: Option<String>,
    pub customer: Option<String>,
    pub action: String,
    pub status: Status,
    pub upstream_status: Option<i64>,
    pub duration_ms: Option<i64>,
}

/// A page of the table, newest first, with the cursors of its neighbours.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// `?after=` for the page of newer rows, when there is one.
    pub newer: Option<i64>,
    /// `?before=` for the page of older rows, when there is one.
    pub older: Option<i64>,
}

/// One field that differs between the state read before a change and the state after it.
/// `None` means the field was absent on that side (added or removed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Everything `/audit/:id` shows about one row and the rows linked to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditDetail {
    pub row: AuditRow,
    /// Where the change this row belongs to stands (its result, reconcile, or neither).
    pub change_status: Status,
    /// The redacted parameters of the request, pretty-printed JSON.
    pub params: String,
    /// Upstream's answer, from the result row.
    pub upstream_status: Option<i64>,
    pub upstream_message: Option<String>,
    pub duration_ms: Option<i64>,
    pub idempotency_key: Option<String>,
    pub client_ip: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// The customer's state read before the change and after it (or found by a reconcile),
    /// as `field: value` lines.
    pub before: Vec<(String, String)>,
    pub after: Vec<(String, String)>,
    pub changes: Vec<FieldChange>,
    /// The attempt, its result and reconciles, this row included, oldest first.
    pub related: Vec<AuditRow>,
    /// Set when the change still needs a reconcile: the key for that form.
    pub reconcile_key: Option<String>,
    /// The change this one reverts (its attempt), when it is a revert.
    #[serde(default)]
    pub reverts: Option<i64>,
    /// Later changes made to revert this one.
    #[serde(default)]
    pub reverted_by: Vec<i64>,
    /// SendGrid accepted this change and it is of a kind with an inverse: "Revert…" is offered.
    #[serde(default)]
    pub revertible: bool,
}

/// One entry of a customer's timeline: a change (attempt with its result or reconcile) or a
/// local event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The attempt's id for a change, the row's id otherwise.
    pub id: i64,
    pub occurred_at: String,
    pub operator: Option<String>,
    pub action: String,
    pub status: Status,
    pub duration_ms: Option<i64>,
    /// Upstream's answer when the change failed or its outcome is unknown.
    pub message: Option<String>,
    pub changes: Vec<FieldChange>,
    /// Who reconciled it, when it was reconciled.
    pub reconciled_by: Option<String>,
    /// Set when the change still needs a reconcile: the key for that form.
    pub reconcile_key: Option<String>,
    /// The change this one reverts (its attempt), when it is a revert.
    #[serde(default)]
    pub reverts: Option<i64>,
    /// Later changes made to revert this one.
    #[serde(default)]
    pub reverted_by: Vec<i64>,
    /// SendGrid accepted this change and it is of a kind with an inverse: "Revert…" is offered.
    #[serde(default)]
    pub revertible: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub entries: Vec<HistoryEntry>,
    /// `before` for the next (older) page, when there is one.
    pub older: Option<i64>,
}

/// A change of unknown outcome not yet reconciled, as listed on the dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnresolvedAttempt {
    pub id: i64,
    pub occurred_at: String,
    pub operator: Option<String>,
    pub customer: Option<String>,
    pub action: String,
    /// Minted when the list was read, so submitting the same reconcile form twice records once.
    pub reconcile_key: String,
}

/// The newest changes of unknown outcome, and how many there are in all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnresolvedList {
    pub attempts: Vec<UnresolvedAttempt>,
    pub total: usize,
}

/// What a reconcile found upstream, as shown to the operator who asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconcileReport {
    pub attempt_id: i64,
    pub reconcile_id: i64,
    pub customer: Option<String>,
    pub action: String,
    pub found: Vec<(String, String)>,
    /// From the state read before the change to what was found now.
    pub changes: Vec<FieldChange>,
}

/// Rows with an outcome on one UTC day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub success: u32,
    pub failure: u32,
    pub unknown: u32,
    pub refused: u32,
}

impl DayCount {
    pub fn get(&self, outcome: Outcome) -> u32 {
        match outcome {
            Outcome::Success => self.success,
            Outcome::Failure => self.failure,
            Outcome::Unknown => self.unknown,
            Outcome::Refused => self.refused,
        }
    }

    pub fn add(&mut self, outcome: Outcome, events: u32) {
        let slot = match outcome {
            Outcome::Success => &mut self.success,
            Outcome::Failure => &mut self.failure,
            Outcome::Unknown => &mut self.unknown,
            Outcome::Refused => &mut self.refused,
        };
        *slot = slot.saturating_add(events);
    }

    pub fn total(&self) -> u32 {
        Outcome::ALL.into_iter().map(|o| self.get(o)).sum()
    }
}

/// `2026-11-23T13:00:05.123Z` -> `2026-11-23 13:00:05 UTC`; anything else is returned as is.
pub fn utc_display(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..19)) {
        (Some(date), Some(time)) if rfc3339.ends_with('Z') => format!("{date} {time} UTC"),
        _ => rfc3339.to_string(),
    }
}

/// Milliseconds as people read them: `850 ms`, `2.4 s`.
pub fn duration_display(ms: i64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_outcomes_round_trip() {
        for kind in [Kind::Attempt, Kind::Result, Kind::Event, Kind::Reconcile] {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
        }
        assert_eq!(Outcome::parse("maybe"), None);
    }

    #[test]
    fn times_and_durations_read_well() {
        assert_eq!(
            utc_display("2026-11-23T13:00:05.123Z"),
            "2026-11-23 13:00:05 UTC"
        );
        assert_eq!(utc_display("yesterday"), "yesterday");
        assert_eq!(duration_display(850), "850 ms");
        assert_eq!(duration_display(2400), "2.4 s");
    }

    #[test]
    fn day_counts_add_up() {
        let mut day = DayCount::default();
        day.add(Outcome::Success, 3);
        day.add(Outcome::Unknown, 1);
        assert_eq!(day.total(), 4);
        assert_eq!(day.get(Outcome::Unknown), 1);
    }
}
