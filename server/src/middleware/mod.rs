//! Layers every request passes through.

pub mod authenticate;
pub mod body_limit;
pub mod client_addr;
pub mod rate_limit;
pub mod same_origin;
pub mod security_headers;
pub mod server_fns;
