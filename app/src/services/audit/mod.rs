//! The audit log (DESIGN.md "Data", "Reliability"): append-only, hash-chained, reviewable.
//!
//! * [`append`], [`record`], [`verify`]: the chain itself ([`chain`]).
//! * [`run_mutation`]: the one way an upstream change is made and recorded ([`mutation`]).
//! * [`unresolved_attempts`], [`record_reconcile`]: changes whose outcome is unknown.
//! * [`query`], [`history`], [`detail`], [`stats`], [`export`]: reading it back.

mod append;
mod chain;
pub mod detail;
mod diff;
pub mod digest;
pub mod export;
pub mod history;
pub mod key;
mod mutation;
pub mod query;
mod reconcile;
mod redact;
mod reverts;
mod row;
pub mod self_check;
pub mod snapshot;
pub mod stats;

pub use crate::domain::audit::{Kind, Outcome};
pub use append::{append, append_in, append_new_key_in, record, with_shared_tip};
pub use chain::{install_keys, seal, verify, Verification, GENESIS};
pub use diff::{diff, flatten};
pub use mutation::{
    new_idempotency_key, row_write, run_mutation, run_mutation_alongside, Alongside, AuditError,
    Mutation, MutationOutcome, Recorded, RowWrite,
};
pub use reconcile::{
    record_reconcile, report as reconcile_report, settle, unresolved_attempts, unresolved_count,
    unresolved_newest, unresolved_view, Reconcile, ReconcileError,
};
pub use redact::redact;
pub use reverts::{change_of, reverted_by, reverts_of, RecordedChange};
pub use row::{NewEvent, StoredEvent, EVENT_COLUMNS};
pub use snapshot::{read_state, ActionFamily};
