//! Server-side services: database access and the work server functions and the CLI call.

pub mod db;
pub mod state;
pub mod upstream_health;

pub use state::AppState;
