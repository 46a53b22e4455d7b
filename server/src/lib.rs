//! The `reseller-console` server: configuration, router, middleware, start-up and the
//! command-line subcommands. The binary in `main.rs` only parses and dispatches.

pub mod checkpoints;
pub mod commands;
pub mod config;
pub mod first_admin;
pub mod middleware;
pub mod private_files;
pub mod routes;
pub mod secret_flags;
pub mod serve;
pub mod startup;
pub mod telemetry;
pub mod upstream;
