//! Subcommands other than `serve`.

pub mod backup;
pub mod operator;
pub mod simulator;
