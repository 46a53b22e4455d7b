//! The console's integration tests, in one binary so the whole console is linked once.

#[path = "support/audit.rs"]
mod audit_support;
#[path = "support/customers.rs"]
mod customers_support;
#[path = "support/limits.rs"]
mod limits_support;
mod support;

mod access_matrix;
mod audit_export;
mod audit_log;
mod audit_mutation;
mod audit_pages;
mod audit_query;
mod bulk;
mod credit_limits;
mod customer_directory;
mod health;
mod offerings;
mod plan_changes;
mod scheduled_changes;
mod security;
