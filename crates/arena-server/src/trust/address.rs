//! Who is on the other end, as far as a public arena may know: the client's network address,
//! found behind trusted proxies only, and turned at once into a keyed hash that changes daily.
//!
//! The address itself is never stored or logged. A school or an office shares one address, and a
//! phone network puts thousands behind few, so an address is a coarse group for limits, never a
//! person. An IPv6 address is one of very many a client holds: a phone gets a /64 and a household
//! a /56 or /64 (privacy extensions change the rest every few hours), and a free tunnel hands
//! anyone a /48. So IPv6 is grouped twice:
//! - the **network**, its /48 (an IPv4 address is its own network): what every limit and cap
//!   "per address" counts (new voter ids, requests, live prompts, downloads, the daily cap of
//!   counted votes). A /48 is one address there, else a free tunnel would be 256 of them (as
//!   /56s) or 65,536 (as /64s). The price: a carrier that numbers many phones out of one /48
//!   shares that /48's limits, as a carrier's NAT shares an IPv4 address's.
//! - the **address**, its /56: what is stored with a vote, so the audit links the voters of one
//!   household or office (`audit.rs`), not every customer of the provider's /48.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use ipnet::IpNet;
use sha2::Sha256;

use crate::clock::Clock;
use crate::store::{DynStore, StoreError};

/// `ARENA_TRUSTED_PROXIES`: the networks whose `X-Forwarded-For` we believe.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// Comma-separated CIDRs or single addresses; empty means none.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                IpNet::from_str(p)
                    .or_else(|_| IpAddr::from_str(p).map(IpNet::from))
                    .map_err(|_| format!("{p:?} is not an address or a CIDR such as 10.0.0.0/8"))
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    /// Whether `ip` is one of the trusted proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the peer itself, or, when the peer is a trusted proxy, the
    /// right-most entry of `X-Forwarded-For` that is not a trusted proxy (entries further left
    /// were written by the client and prove nothing).
    pub fn client_address(&self, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical(peer.ip());
        if !self.trusts(client) {
            return client;
        }
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        for hop in hops.iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                // Garbage from a proxy we trust: the last address we could read stands.
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` or `[2001:db8::1]:443`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = IpAddr::from_str(hop) {
        return Some(canonical(ip));
    }
    SocketAddr::from_str(hop).ok().map(|s| canonical(s.ip()))
}

/// An IPv4 address seen through an IPv6 socket (`::ffff:1.2.3.4`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Hashes addresses with the day's key from the store (shared by every server on the database).
pub struct AddressHasher {
    store: DynStore,
    clock: Arc<dyn Clock>,
    /// The day, and its key and the day before's.
    cached: Mutex<Option<(i64, DayKeys)>>,
}

type DayKeys = ([u8; 32], [u8; 32]);

/// One client address as the arena keeps it: keyed hashes, never the address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressHashes {
    /// The address (IPv6: its /56) under today's key: stored with a vote, for the audit.
    pub today: String,
    /// Its network (IPv6: the /48; IPv4: the address) under today's key: what the limits and
    /// caps per address count.
    pub network: String,
    /// The network under yesterday's key: a 24-hour cap counts both.
    pub network_yesterday: String,
}

impl std::fmt::Debug for AddressHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AddressHasher(..)")
    }
}

impl AddressHasher {
    pub fn new(store: DynStore, clock: Arc<dyn Clock>) -> Self {
        AddressHasher {
            store,
            clock,
            cached: Mutex::new(None),
        }
    }

    /// The address's keyed hashes: what is stored is today's, and a count over the last 24
    /// hours asks for its network's under today's key and yesterday's, so nothing resets at
    /// midnight (UTC).
    pub async fn hash(&self, ip: IpAddr) -> Result<AddressHashes, StoreError> {
        let day = self.clock.now_ms().div_euclid(DAY_MS);
        let cached = *self.cached.lock().unwrap_or_else(|p| p.into_inner());
        let keys = match cached {
            Some((d, keys)) if d == day => keys,
            _ => {
                // Yesterday's key first: making today's deletes the ones before yesterday.
                let yesterday = self.store.address_key(day - 1).await?;
                let today = self.store.address_key(day).await?;
                let keys = (today, yesterday);
                *self.cached.lock().unwrap_or_else(|p| p.into_inner()) = Some((day, keys));
                keys
            }
        };
        Ok(AddressHashes {
            today: hash_with(&keys.0, ip, Grouping::Address),
            network: hash_with(&keys.0, ip, Grouping::Network),
            network_yesterday: hash_with(&keys.1, ip, Grouping::Network),
        })
    }
}

/// How much of an IPv6 address a hash covers (an IPv4 address is hashed whole either way).
#[derive(Clone, Copy)]
enum Grouping {
    /// The /56: a household or an office.
    Address,
    /// The /48: what one party can get for free.
    Network,
}

fn hash_with(key: &[u8; 32], ip: IpAddr, grouping: Grouping) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    match (canonical(ip), grouping) {
        (IpAddr::V4(v4), _) => {
            mac.update(b"v4");
            mac.update(&v4.octets());
        }
        (IpAddr::V6(v6), Grouping::Address) => {
            mac.update(b"v6/56");
            mac.update(&v6.octets()[..7]);
        }
        (IpAddr::V6(v6), Grouping::Network) => {
            mac.update(b"v6/48");
            mac.update(&v6.octets()[..6]);
        }
    }
    hex::encode(&mac.finalize().into_bytes()[..16])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn peer(ip: &str) -> SocketAddr {
        SocketAddr::new(ip.parse().unwrap(), 40000)
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        let none = TrustedProxies::default();
        let ip = none.client_address(peer("203.0.113.7"), &headers(&["198.51.100.1"]));
        assert_eq!(ip, "203.0.113.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let trusted: TrustedProxies = "10.0.0.0/8, 192.168.1.1".parse().unwrap();
        // The client wrote "1.1.1.1" itself; its real address was appended by our proxies.
        let h = headers(&["1.1.1.1, 203.0.113.9", "10.0.0.5"]);
        let ip = trusted.client_address(peer("10.0.0.2"), &h);
        assert_eq!(ip, "203.0.113.9".parse::<IpAddr>().unwrap());
        // An untrusted peer's header is ignored.
        let ip = trusted.client_address(peer("203.0.113.50"), &h);
        assert_eq!(ip, "203.0.113.50".parse::<IpAddr>().unwrap());
        // Ports and brackets are read; mapped IPv4 is IPv4.
        let h = headers(&["[2001:db8::7]:443"]);
        let ip = trusted.client_address(peer("::ffff:192.168.1.1"), &h);
        assert_eq!(ip, "2001:db8::7".parse::<IpAddr>().unwrap());
        // Garbage stops the walk at the last readable address.
        let h = headers(&["203.0.113.9, nonsense, 10.0.0.9"]);
        let ip = trusted.client_address(peer("10.0.0.2"), &h);
        assert_eq!(ip, "10.0.0.9".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn bad_proxy_lists_are_refused_with_a_reason() {
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
        assert!("localhost".parse::<TrustedProxies>().is_err());
        assert_eq!(
            "".parse::<TrustedProxies>().unwrap(),
            TrustedProxies::default()
        );
    }

    #[test]
    fn addresses_group_ipv6_by_56_networks_by_48_and_depend_on_the_key() {
        use Grouping::{Address, Network};
        let k1 = [1u8; 32];
        let k2 = [2u8; 32];
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2f:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:ff02::1".parse().unwrap();
        let elsewhere: IpAddr = "2001:db8:2::1".parse().unwrap();
        // One /56: one address. Another /56 of the same /48: another address, the same network.
        assert_eq!(hash_with(&k1, a, Address), hash_with(&k1, b, Address));
        assert_ne!(hash_with(&k1, a, Address), hash_with(&k1, c, Address));
        assert_eq!(hash_with(&k1, a, Network), hash_with(&k1, c, Network));
        assert_ne!(
            hash_with(&k1, a, Network),
            hash_with(&k1, elsewhere, Network)
        );
        // A network's hash is never an address's.
        assert_ne!(hash_with(&k1, a, Network), hash_with(&k1, a, Address));
        assert_ne!(hash_with(&k1, a, Address), hash_with(&k2, a, Address));
        // An IPv4 address is its own network (and hashes as it always did).
        let v4: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(hash_with(&k1, v4, Network), hash_with(&k1, v4, Address));
        assert_eq!(hash_with(&k1, v4, Network).len(), 32);
    }
}
