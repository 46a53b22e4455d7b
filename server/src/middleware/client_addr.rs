//! Which address a request comes from (`TRUSTED_PROXIES`). `X-Forwarded-For` is only
//! believed when the TCP peer is a proxy the operator named: anyone can send the header, so
//! believing it from everyone would let a client pick its own address for the throttle, the
//! rate limit and the audit log. Behind trusted proxies the client is the right-most hop that
//! is not one of them: each proxy appends the address it saw, so hops to the left of the
//! first untrusted one may have been written by the client.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use app::services::client_addr::ClientAddr;
use axum::{
    extract::{ConnectInfo, Request, State},
    http::HeaderMap,
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` is believed; none by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not an address or a CIDR range (such as 10.0.0.0/8 or ::1/128)")]
pub struct NotARange(String);

impl FromStr for TrustedProxies {
    type Err = NotARange;

    /// A comma-separated list of CIDR ranges; a bare address is a range of one.
    fn from_str(list: &str) -> Result<Self, NotARange> {
        list.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| NotARange(item.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(&address))
    }

    /// The client behind `peer`, given the request's `X-Forwarded-For` headers.
    pub fn client_of(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical(peer);
        if !self.trusts(client) {
            return client;
        }
        // Several headers are one list in order (RFC 9110 §5.3).
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.into_iter().rev() {
            // A hop that is not an address ends what can be believed: keep the nearest one.
            let Ok(address) = hop.parse::<IpAddr>() else {
                break;
            };
            client = canonical(address);
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// IPv4 peers of a dual-stack socket arrive as `::ffff:a.b.c.d`; ranges name them as IPv4.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

pub async fn client_addr(
    State(trusted): State<Arc<TrustedProxies>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(peer) = peer {
        let client = trusted.client_of(peer, request.headers());
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_header_is_ignored_unless_the_peer_is_trusted() {
        let none = TrustedProxies::default();
        let headers = forwarded(&["203.0.113.7"]);
        assert_eq!(none.client_of(ip("127.0.0.1"), &headers), ip("127.0.0.1"));
        let other: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        assert_eq!(other.client_of(ip("127.0.0.1"), &headers), ip("127.0.0.1"));
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let trusted: TrustedProxies = "127.0.0.1, 10.0.0.0/8".parse().unwrap();
        let peer = ip("127.0.0.1");
        // What the client wrote itself (left) is not believed past the first untrusted hop.
        let headers = forwarded(&["6.6.6.6, 198.51.100.9", "10.1.2.3"]);
        assert_eq!(trusted.client_of(peer, &headers), ip("198.51.100.9"));
        // Only trusted hops: the farthest of them.
        let headers = forwarded(&["10.9.9.9, 10.1.2.3"]);
        assert_eq!(trusted.client_of(peer, &headers), ip("10.9.9.9"));
        // Garbage stops the walk at the nearest hop believed so far.
        let headers = forwarded(&["198.51.100.9, unknown, 10.1.2.3"]);
        assert_eq!(trusted.client_of(peer, &headers), ip("10.1.2.3"));
        // No header: the proxy itself.
        assert_eq!(trusted.client_of(peer, &HeaderMap::new()), peer);
        // An IPv4 peer seen through a dual-stack socket is still the trusted proxy.
        let headers = forwarded(&["198.51.100.9"]);
        assert_eq!(
            trusted.client_of(ip("::ffff:127.0.0.1"), &headers),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn lists_parse_and_bad_items_are_named() {
        assert_eq!("".parse::<TrustedProxies>(), Ok(TrustedProxies::default()));
        assert!("::1/128, 192.168.0.0/16, 127.0.0.1"
            .parse::<TrustedProxies>()
            .is_ok());
        assert_eq!(
            "10.0.0.0/8, localhost".parse::<TrustedProxies>(),
            Err(NotARange("localhost".to_string()))
        );
    }
}
