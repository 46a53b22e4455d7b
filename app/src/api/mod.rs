//! Server functions, grouped by domain. Each is thin: check the role, validate, call a service.

pub mod theme;
