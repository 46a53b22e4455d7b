//! The address of the client a request came from, as the console believes it: the TCP peer,
//! or, when that peer is a trusted proxy, the right-most untrusted hop of `X-Forwarded-For`.
//! Set by the server's `client_addr` middleware on every request; throttling, rate limits and
//! the audit log read it, never the header or the peer themselves.

use std::net::IpAddr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl std::fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
