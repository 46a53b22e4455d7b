//! Subcommands other than `serve`.

pub mod audit;
pub mod backup;
pub mod check_upstream;
pub mod operator;
pub mod simulator;
