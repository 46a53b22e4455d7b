//! Layers every request passes through.

pub mod authenticate;
pub mod same_origin;
pub mod security_headers;
