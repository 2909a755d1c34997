//! Open connections per client, so one machine cannot take every place. A client is its IPv4
//! address, or its IPv6 /64: a phone or a household gets a /64 and its privacy addresses rotate
//! within it, so counting single v6 addresses would let one device hold places without end.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex};

/// Open connections per client; a connection's [`Slot`] gives its place back on drop.
#[derive(Default)]
pub(super) struct PerAddress(Mutex<HashMap<IpAddr, usize>>);

pub(super) struct Slot(Arc<PerAddress>, IpAddr);

/// The key a peer is counted by: its IPv4 address (a v4-mapped v6 address is its v4), or the
/// /64 its IPv6 address lies in.
fn client(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64))),
        },
    }
}

impl PerAddress {
    /// A place for a connection from `ip`, or `None` when its client holds `max` already.
    pub(super) fn take(self: &Arc<Self>, ip: IpAddr, max: usize) -> Option<Slot> {
        let key = client(ip);
        let mut open = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(key).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Slot(Arc::clone(self), key))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.0.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.1) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    #[test]
    fn one_ipv6_64_is_one_client_whatever_address_it_rotates_to() {
        let table = Arc::new(PerAddress::default());
        let first = table.take(ip("2001:db8:1:2::1"), 2);
        let second = table.take(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), 2);
        assert!(first.is_some() && second.is_some());
        assert!(
            table.take(ip("2001:db8:1:2:ffff::9"), 2).is_none(),
            "a third address in the same /64 is over the cap"
        );
        assert!(
            table.take(ip("2001:db8:1:3::1"), 2).is_some(),
            "the next /64 is another client"
        );
        drop(first);
        assert!(
            table.take(ip("2001:db8:1:2::77"), 2).is_some(),
            "a closed connection gives its place back to the /64"
        );
    }

    #[test]
    fn ipv4_addresses_count_one_by_one_and_a_v4_mapped_v6_is_its_v4() {
        let table = Arc::new(PerAddress::default());
        let _a = table.take(ip("203.0.113.7"), 1);
        assert!(table.take(ip("::ffff:203.0.113.7"), 1).is_none());
        assert!(table.take(ip("203.0.113.8"), 1).is_some());
    }

    #[test]
    fn the_table_forgets_a_client_with_no_connection() {
        let table = Arc::new(PerAddress::default());
        drop(table.take(ip("2001:db8::1"), 1));
        assert!(table.0.lock().expect("not poisoned").is_empty());
    }
}
