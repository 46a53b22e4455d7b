//! Real HTTP against a simulator on a loopback port: one binary, one module per area.

mod control;
mod enrol;
mod helpers;
mod legacy_account;
mod legacy_limits;
mod legacy_shapes;
mod openapi;
mod scheduled;
mod seeding;
mod v3_accounts;
mod v3_offerings;
