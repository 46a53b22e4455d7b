//! Subcommands other than `serve`.

pub mod backup;
pub mod simulator;
