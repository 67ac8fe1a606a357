//! CIDR arithmetic (`cidrsubnet`, `cidrsubnets`, `cidrhost`, `cidrnetmask`) for IPv4
//! and IPv6, as Terraform computes it with `go-cidr`.

use super::{all_known, arity, fail, integer, string, Out, Stop};
use crate::model::value::Value;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A parsed prefix: the network address (host bits cleared, as Go's `ParseCIDR`
/// returns it), its length, and the address width (32 or 128).
struct Net {
    addr: u128,
    len: u32,
    bits: u32,
}

impl Net {
    fn parse(s: &str) -> Result<Net, Stop> {
        let bad = || fail(format!("invalid CIDR expression: {s}"));
        let (ip, len) = s.split_once('/').ok_or_else(bad)?;
        if len.is_empty() || !len.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let len: u32 = len.parse().map_err(|_| bad())?;
        let (addr, bits) = match ip.parse::<IpAddr>().map_err(|_| bad())? {
            IpAddr::V4(a) => (u32::from(a) as u128, 32),
            IpAddr::V6(a) => (u128::from(a), 128),
        };
        if len > bits {
            return Err(bad());
        }
        Ok(Net {
            addr: addr & mask(len, bits),
            len,
            bits,
        })
    }

    fn format_addr(&self, addr: u128) -> String {
        if self.bits == 32 {
            Ipv4Addr::from(addr as u32).to_string()
        } else {
            Ipv6Addr::from(addr).to_string()
        }
    }

    /// The address just past the last address of the prefix of length `len` that
    /// contains `addr`, or `None` when it wraps around the address space.
    fn next_block(addr: u128, len: u32, bits: u32) -> Option<u128> {
        let last = (addr & mask(len, bits)) | host_mask(len, bits);
        let next = last.checked_add(1)?;
        (next <= all_ones(bits)).then_some(next)
    }
}

fn all_ones(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

/// The host part of a prefix of length `len` in a `bits`-wide address.
fn host_mask(len: u32, bits: u32) -> u128 {
    let host = bits.saturating_sub(len);
    if host >= 128 {
        u128::MAX
    } else {
        (1u128 << host) - 1
    }
}

fn mask(len: u32, bits: u32) -> u128 {
    all_ones(bits) & !host_mask(len, bits)
}

/// `cidrsubnet(prefix, newbits, netnum)`.
pub(super) fn cidrsubnet(args: &[Value]) -> Out {
    arity(args, 3, 3)?;
    all_known(args)?;
    let net = Net::parse(&string(&args[0])?)?;
    let newbits = integer(&args[1])?;
    let netnum = integer(&args[2])?;
    let new_len = net.len as i64 + newbits;
    if newbits < 0 || new_len > net.bits as i64 {
        return Err(fail(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            net.len
        )));
    }
    let new_len = new_len as u32;
    if netnum < 0 || (newbits < 127 && (netnum as u128) >= (1u128 << newbits)) {
        return Err(fail(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        )));
    }
    let shift = net.bits - new_len;
    let addr = net.addr
        | ((netnum as u128).checked_shl(shift).unwrap_or(0) & host_mask(net.len, net.bits));
    Ok(Value::String(format!(
        "{}/{new_len}",
        net.format_addr(addr)
    )))
}

/// `cidrsubnets(prefix, newbits...)`: consecutive subnets, each aligned to its size.
pub(super) fn cidrsubnets(args: &[Value]) -> Out {
    arity(args, 1, usize::MAX)?;
    all_known(args)?;
    let net = Net::parse(&string(&args[0])?)?;
    let mut lens = Vec::new();
    for (i, a) in args[1..].iter().enumerate() {
        let nb = integer(a)?;
        if nb < 1 {
            return Err(fail(format!(
                "argument {}: must extend prefix by at least one bit",
                i + 2
            )));
        }
        let len = net.len as i64 + nb;
        if len > net.bits as i64 {
            return Err(fail(format!(
                "argument {}: would extend prefix to {len} bits, which is too long for an IPv{} address",
                i + 2,
                if net.bits == 32 { 4 } else { 6 }
            )));
        }
        lens.push(len as u32);
    }
    let Some(&first) = lens.first() else {
        return Ok(Value::List(Vec::new()));
    };
    // go-cidr's PreviousSubnet: the block of the first length just before the prefix.
    let mut current = (
        net.addr.wrapping_sub(1) & all_ones(net.bits) & mask(first, net.bits),
        first,
    );
    let mut out = Vec::with_capacity(lens.len());
    for len in lens {
        // go-cidr's NextSubnet: the block of this length after the current one's end.
        let current_last = current.0 | host_mask(current.1, net.bits);
        let next = Net::next_block(current_last, len, net.bits)
            .map(|n| n & mask(len, net.bits))
            .filter(|n| n & mask(net.len, net.bits) == net.addr)
            .ok_or_else(|| {
                fail(format!(
                    "not enough remaining address space for a subnet with a prefix of {len} bits after {}/{}",
                    net.format_addr(current.0),
                    current.1
                ))
            })?;
        out.push(Value::String(format!("{}/{len}", net.format_addr(next))));
        current = (next, len);
    }
    Ok(Value::List(out))
}

/// `cidrhost(prefix, hostnum)`; a negative host number counts from the end.
pub(super) fn cidrhost(args: &[Value]) -> Out {
    arity(args, 2, 2)?;
    all_known(args)?;
    let net = Net::parse(&string(&args[0])?)?;
    let hostnum = integer(&args[1])?;
    let host_bits = net.bits - net.len;
    let size: Option<u128> = (host_bits < 127).then(|| 1u128 << host_bits);
    let offset = if hostnum >= 0 {
        let h = hostnum as u128;
        if size.is_some_and(|s| h >= s) {
            return Err(fail(format!(
                "prefix of {} does not accommodate a host numbered {hostnum}",
                net.len
            )));
        }
        h
    } else {
        let back = hostnum.unsigned_abs() as u128;
        match size {
            Some(s) if back > s => {
                return Err(fail(format!(
                    "prefix of {} does not accommodate a host numbered {hostnum}",
                    net.len
                )))
            }
            _ => host_mask(net.len, net.bits).wrapping_sub(back - 1),
        }
    };
    Ok(Value::String(net.format_addr(
        net.addr | (offset & host_mask(net.len, net.bits)),
    )))
}

/// `cidrnetmask(prefix)`: the dotted mask of an IPv4 prefix.
pub(super) fn cidrnetmask(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    all_known(args)?;
    let net = Net::parse(&string(&args[0])?)?;
    if net.bits != 32 {
        return Err(fail("only IPv4 networks are supported"));
    }
    Ok(Value::String(
        Ipv4Addr::from(mask(net.len, 32) as u32).to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;

    #[test]
    fn subnet() {
        assert_eq!(
            ok("cidrsubnet", &[s("172.16.0.0/12"), n(4.0), n(2.0)]),
            s("172.18.0.0/16")
        );
        assert_eq!(
            ok("cidrsubnet", &[s("10.1.2.0/24"), n(4.0), n(15.0)]),
            s("10.1.2.240/28")
        );
        assert_eq!(
            ok("cidrsubnet", &[s("10.1.2.3/24"), n(0.0), n(0.0)]),
            s("10.1.2.0/24")
        );
        assert_eq!(
            ok(
                "cidrsubnet",
                &[s("fd00:fd12:3456:7890::/56"), n(16.0), n(162.0)]
            ),
            s("fd00:fd12:3456:7800:a200::/72")
        );
        assert!(err("cidrsubnet", &[s("10.0.0.0/30"), n(4.0), n(0.0)]));
        assert!(err("cidrsubnet", &[s("10.0.0.0/8"), n(2.0), n(4.0)]));
        assert!(err("cidrsubnet", &[s("10.0.0.0/8"), n(2.0), n(-1.0)]));
        assert!(err("cidrsubnet", &[s("not a cidr"), n(2.0), n(1.0)]));
        assert!(err("cidrsubnet", &[s("10.0.0.0/33"), n(2.0), n(1.0)]));
        assert!(ok(
            "cidrsubnet",
            &[crate::model::Value::unresolved(), n(2.0), n(1.0)]
        )
        .is_unknown());
    }

    #[test]
    fn subnets() {
        assert_eq!(
            ok(
                "cidrsubnets",
                &[s("10.1.0.0/16"), n(4.0), n(4.0), n(8.0), n(4.0)]
            ),
            strs(&[
                "10.1.0.0/20",
                "10.1.16.0/20",
                "10.1.32.0/24",
                "10.1.48.0/20"
            ])
        );
        assert_eq!(
            ok(
                "cidrsubnets",
                &[
                    s("fd00:fd12:3456:7890::/56"),
                    n(16.0),
                    n(16.0),
                    n(16.0),
                    n(32.0)
                ]
            ),
            strs(&[
                "fd00:fd12:3456:7800::/72",
                "fd00:fd12:3456:7800:100::/72",
                "fd00:fd12:3456:7800:200::/72",
                "fd00:fd12:3456:7800:300::/88",
            ])
        );
        assert_eq!(ok("cidrsubnets", &[s("10.0.0.0/8")]), strs(&[]));
        assert!(err(
            "cidrsubnets",
            &[s("10.0.0.0/30"), n(1.0), n(1.0), n(1.0)]
        ));
        assert!(err("cidrsubnets", &[s("10.0.0.0/30"), n(0.0)]));
        assert!(err("cidrsubnets", &[s("10.0.0.0/30"), n(3.0)]));
    }

    #[test]
    fn host_and_mask() {
        assert_eq!(
            ok("cidrhost", &[s("10.12.112.0/20"), n(16.0)]),
            s("10.12.112.16")
        );
        assert_eq!(
            ok("cidrhost", &[s("10.12.112.0/20"), n(268.0)]),
            s("10.12.113.12")
        );
        assert_eq!(
            ok("cidrhost", &[s("10.12.112.0/20"), n(-1.0)]),
            s("10.12.127.255")
        );
        assert_eq!(
            ok("cidrhost", &[s("fd00:fd12:3456:7890:00a2::/72"), n(34.0)]),
            s("fd00:fd12:3456:7890::22")
        );
        assert!(err("cidrhost", &[s("10.0.0.0/30"), n(4.0)]));
        assert!(err("cidrhost", &[s("10.0.0.0/30"), n(-5.0)]));
        assert_eq!(ok("cidrhost", &[s("10.0.0.0/30"), n(-4.0)]), s("10.0.0.0"));
        assert_eq!(ok("cidrnetmask", &[s("172.16.0.0/12")]), s("255.240.0.0"));
        assert_eq!(ok("cidrnetmask", &[s("0.0.0.0/0")]), s("0.0.0.0"));
        assert!(err("cidrnetmask", &[s("::/64")]));
    }
}
