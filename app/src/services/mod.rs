//! Server-side services: database access and the work server functions and the CLI call.

pub mod audit;
pub mod auth;
pub mod db;
pub mod operators;
pub mod passwords;
pub mod state;
pub mod throttle;
pub mod upstream_health;

pub use state::AppState;
