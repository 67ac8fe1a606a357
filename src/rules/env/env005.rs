//! ENV005 env-network-bridge: a VPC peering, transit-gateway attachment or
//! security-group rule that joins production and non-production networks.

use super::{env_of, env_of_account};
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

/// IPv4 CIDR as (network, prefix length).
fn parse_cidr(s: &str) -> Option<(u32, u32)> {
    let (ip, len) = s.split_once('/')?;
    let len: u32 = len.parse().ok().filter(|l| *l <= 32)?;
    let octets: Vec<u32> = ip
        .split('.')
        .map(|o| o.parse::<u32>().ok().filter(|v| *v < 256))
        .collect::<Option<_>>()?;
    let [a, b, c, d] = octets[..] else {
        return None;
    };
    Some(((a << 24) | (b << 16) | (c << 8) | d, len))
}

/// Whether two CIDR blocks share any address.
pub fn overlaps(a: &str, b: &str) -> bool {
    let (Some((na, la)), Some((nb, lb))) = (parse_cidr(a), parse_cidr(b)) else {
        return false;
    };
    let len = la.min(lb);
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    na & mask == nb & mask
}

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for link in &inv.network_links {
        let Some(own) = env_of(&link.meta) else {
            continue;
        };
        let mut other: Option<(String, bool)> = None;
        let mut unknown = false;
        match &link.peer_account {
            Tri::Known(a) => {
                if let Some((name, prod)) = env_of_account(ctx.settings, a) {
                    if !name.eq_ignore_ascii_case(&own.name) {
                        other = Some((format!("account {a} of {name}"), prod));
                    }
                }
            }
            Tri::Unknown(_) => unknown = true,
            Tri::Absent => {}
        }
        match &link.cidrs {
            Tri::Known(cidrs) => {
                for c in cidrs {
                    for env in ctx
                        .settings
                        .environments
                        .iter()
                        .filter(|e| crate::environment::normalized(&e.name) != own.name)
                    {
                        if env.cidrs.iter().any(|ec| overlaps(c, ec)) {
                            other.get_or_insert((
                                format!("{c}, inside {}'s network", env.name),
                                env.production,
                            ));
                        }
                    }
                }
            }
            Tri::Unknown(_) => unknown = true,
            Tri::Absent => {}
        }
        match other {
            Some((what, other_prod)) if own.production != other_prod => ctx.fail(
                &link.meta,
                format!("{} in {} opens a path to {what}; production and non-production networks must not be joined", link.kind, own.name),
            ),
            _ if unknown => ctx.unknown(&link.meta, format!("the other side of this {} is {gap}", link.kind, gap = link.meta.wording.gap)),
            _ if ctx.settings.environments.iter().all(|e| e.cidrs.is_empty() && e.accounts.is_empty()) => ctx.unknown(
                &link.meta,
                "no environment CIDRs or accounts are configured, so the other side cannot be placed",
            ),
            _ => ctx.pass(&link.meta, format!("{} stays within {}'s side of the production boundary", link.kind, own.name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::overlaps;

    #[test]
    fn cidr_overlap() {
        assert!(overlaps("10.0.0.0/16", "10.0.5.0/24"));
        assert!(overlaps("0.0.0.0/0", "192.168.0.0/16"));
        assert!(!overlaps("10.0.0.0/16", "10.1.0.0/16"));
        assert!(!overlaps("not-a-cidr", "10.0.0.0/8"));
    }
}
