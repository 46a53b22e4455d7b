//! The console's integration tests, in one binary so the whole console is linked once.

#[path = "support/audit.rs"]
mod audit_support;
#[path = "support/customers.rs"]
mod customers_support;
#[path = "support/limits.rs"]
mod limits_support;
#[path = "support/process.rs"]
mod process_support;
mod support;
#[path = "support/upstream.rs"]
mod upstream_support;

mod access_matrix;
mod access_rules;
mod approvals;
mod audit_atomic;
mod audit_export;
mod audit_group_commit;
mod audit_key;
mod audit_log;
mod audit_mutation;
mod audit_pages;
mod audit_query;
mod audit_rendering;
mod backup;
mod bulk;
mod bulk_plan;
mod bulk_status;
mod client_address;
mod connection_check;
mod connections;
mod crash;
mod credit_limits;
mod customer_directory;
mod deploy;
mod documented_rules;
mod error_answers;
mod health;
mod held_plan_changes;
mod home_page;
mod hostile_input;
mod idempotency;
mod load;
mod missing_database;
mod notifications;
mod offerings;
mod open_in_sendgrid;
mod operator_cli;
mod operator_rules;
mod plan_changes;
mod plan_ip_choices;
mod private_files;
mod request_limits;
mod reverts;
mod saved_views;
mod scheduled_changes;
mod security;
mod sessions;
mod sign_in_memory;
mod sign_in_storage;
mod stopping;
mod throttling;
mod upstream_faults;
