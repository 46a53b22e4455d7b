//! Bulk changes: one operation for many customers, reviewed customer by customer before it
//! runs, each customer its own audited change.

mod operation;
mod progress;
mod selection;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use operation::{
    parse_concurrency, BulkField, BulkOperation, Needs, OperationForm, DEFAULT_CONCURRENCY,
    MAX_CREDITS, OPERATIONS,
};
pub use progress::{describe_seconds, Counts, ItemStatus, ItemView, JobStatus, Progress};
pub use selection::{parse_pasted, Selection, SelectionForm, MAX_CUSTOMERS};

use crate::domain::change::FieldError;

/// The whole bulk form: who, what, how many at a time. Its fields are the form's own names
/// (`by`, `q`, `op`, `credits`...), so a plain HTML form posts it as it is; a field left out is
/// empty, and the checks say what is missing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BulkForm {
    #[serde(flatten)]
    pub selection: SelectionForm,
    #[serde(flatten)]
    pub operation: OperationForm,
    pub concurrency: String,
}

impl BulkForm {
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = self.selection.query_pairs();
        pairs.extend(self.operation.query_pairs());
        if !self.concurrency.trim().is_empty() {
            pairs.push(("concurrency".into(), self.concurrency.clone()));
        }
        pairs
    }

    /// Every field checked at once, so the form shows every mistake together.
    pub fn parse(&self) -> Result<(Selection, BulkOperation, u32), Vec<FieldError<BulkField>>> {
        let selection = self.selection.parse();
        let operation = self.operation.parse();
        let concurrency = parse_concurrency(&self.concurrency);
        match (selection, operation, concurrency) {
            (Ok(s), Ok(o), Ok(c)) => Ok((s, o, c)),
            (s, o, c) => {
                let mut errors = Vec::new();
                errors.extend(s.err());
                errors.extend(o.err().unwrap_or_default());
                errors.extend(c.err());
                Err(errors)
            }
        }
    }
}

/// What the review step shows for one customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedItem {
    pub customer: String,
    pub name: String,
    /// "Package free; add-ons: none" → "Package free; add-ons: ip_addon ×1".
    pub before: String,
    pub after: String,
    pub effect: PlanEffect,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanEffect {
    Change,
    /// Already as asked: it will be skipped.
    NoChange,
    /// The operation does not apply (no v3 account for offerings, say), or its state could
    /// not be read: it will be skipped or tried and reported.
    NotApplicable,
}

/// The review step: every chosen customer with what would change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkReview {
    pub summary: String,
    pub items: Vec<PlannedItem>,
    /// Pasted entries the directory does not know.
    pub unknown: Vec<String>,
    pub changes: u32,
    /// The start needs the number of customers typed.
    pub needs_confirmation: bool,
    pub concurrency: u32,
    /// Minted for the start form.
    pub key: String,
}

/// What starting a bulk change did: the job runs, or (over the approval policy's threshold) a
/// request waits for a second person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkStarted {
    Job(i64),
    Held { request_id: i64 },
}

impl BulkStarted {
    /// Where the operator goes next: the job's progress or the request's page.
    pub fn href(self) -> String {
        match self {
            BulkStarted::Job(id) => format!("/bulk/{id}"),
            BulkStarted::Held { request_id } => format!("/approvals/{request_id}"),
        }
    }
}

/// One job in the list on /bulk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSummary {
    pub id: i64,
    pub summary: String,
    pub created_by: String,
    pub created_at: String,
    pub status: JobStatus,
    pub counts: Counts,
}

impl JobSummary {
    /// A job the home page lists: under way, stopped before its end, or ended with customers
    /// failed or of unknown outcome.
    pub fn needs_a_look(&self) -> bool {
        matches!(
            self.status,
            JobStatus::Running | JobStatus::Cancelling | JobStatus::Interrupted
        ) || self.counts.failed > 0
            || self.counts.unknown > 0
    }
}

/// A job's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobView {
    pub id: i64,
    pub summary: String,
    pub created_by: String,
    pub created_at: String,
    pub finished_at: Option<String>,
    pub concurrency: u32,
    pub progress: Progress,
    /// Every customer, in the order chosen.
    pub all_items: Vec<ItemView>,
    pub can_change: bool,
    /// Why the job stopped by itself (its operator was disabled or lost the permission).
    #[serde(default)]
    pub stopped_because: Option<String>,
}

/// Every way a bulk request can end other than success: the changes' own error, with the
/// bulk form's fields.
pub type BulkError = crate::domain::change::ChangeError<BulkField>;
