//! Server-side services: database access and the work server functions and the CLI call.

pub mod approvals;
pub mod audit;
pub mod auth;
pub mod background;
pub mod bulk;
pub mod client_addr;
pub mod clock;
pub mod connection;
pub mod customer_keys;
pub mod customers;
pub mod db;
pub mod directory;
pub mod hash_queue;
pub mod home;
pub mod initial_password;
pub mod limits;
pub mod notifications;
pub mod offerings;
pub mod operators;
pub mod outcome;
pub mod passwords;
pub mod plan;
pub mod revert;
pub mod saved_views;
pub mod schedule;
pub mod scheduled;
pub mod sign_in_email;
pub mod sso;
pub mod state;
pub mod throttle;
pub mod upstream_health;
pub mod writer;

pub use state::AppState;
