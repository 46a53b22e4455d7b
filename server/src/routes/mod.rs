//! Plain axum routes beside the Leptos pages.

pub mod audit_export;
pub mod bulk_events;
pub mod health;
pub mod login;
