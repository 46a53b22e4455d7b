//! Server functions, grouped by domain. Each is thin: check the role, validate, call a service.

pub mod account;
pub mod approvals;
pub mod audit;
pub mod bulk;
mod change;
pub mod connection;
pub mod customers;
mod error;
pub mod home;
pub mod limits;
pub mod notifications;
pub mod offerings;
pub mod operators;
pub mod plan;
pub mod saved_views;
pub mod scheduled;
pub mod session;
pub mod sso;
pub mod theme;

#[cfg(feature = "ssr")]
mod guard;
#[cfg(feature = "ssr")]
mod status;
#[cfg(feature = "ssr")]
pub use guard::{app_state, client_ip, require, require_admin, require_manager, require_signed_in};

pub use error::ApiError;
#[cfg(feature = "ssr")]
pub use error::{fail, internal};
