//! Plain axum routes beside the Leptos pages.

pub mod audit_export;
pub mod health;
pub mod login;
