//! `--shard I/N`: one of N independent jobs (a GitHub Actions matrix entry, a
//! Kubernetes Indexed Job, an AWS Batch array child) sweeps the accounts whose stable
//! hash falls in its share, so the N jobs cover the organization exactly once with no
//! coordination between them. The hash is of the account id alone: an account stays
//! in its shard when others join or leave the organization.

use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// Shard `index` of `count`, counted from 0 as schedulers number their jobs
/// (`JOB_COMPLETION_INDEX`, `AWS_BATCH_JOB_ARRAY_INDEX`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Whether this shard sweeps `account`: the first eight bytes of the SHA-256 of
    /// the id, modulo the shard count. SHA-256 rather than the standard library's
    /// hasher, whose output may change between Rust releases and so between the
    /// binaries of two jobs.
    pub fn holds(&self, account: &str) -> bool {
        let digest = Sha256::digest(account.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % u64::from(self.count) == u64::from(self.index)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "--shard expects I/N with 0 <= I < N (shards are numbered from 0, as \
                 JOB_COMPLETION_INDEX and AWS_BATCH_JOB_ARRAY_INDEX are), got \"{s}\""
            )
        };
        let (index, count) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = index.trim().parse().map_err(|_| bad())?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_account_exactly_once() {
        let accounts: Vec<String> = (0..500).map(|i| format!("{:012}", 100_000 + i)).collect();
        for count in [1, 2, 3, 7] {
            let shards: Vec<Shard> = (0..count).map(|index| Shard { index, count }).collect();
            let mut sizes = vec![0usize; count as usize];
            for a in &accounts {
                let holders: Vec<&Shard> = shards.iter().filter(|s| s.holds(a)).collect();
                assert_eq!(holders.len(), 1, "{a} in {count} shards");
                sizes[holders[0].index as usize] += 1;
            }
            // Spread, not all in one shard.
            assert!(sizes.iter().all(|n| *n > 0), "{sizes:?}");
        }
    }

    #[test]
    fn the_hash_is_fixed() {
        // Two jobs built by different compilers must agree: the byte order is fixed.
        let two = |index| Shard { index, count: 2 };
        let held: Vec<bool> = ["111111111111", "222222222222", "333333333333"]
            .iter()
            .map(|a| two(0).holds(a))
            .collect();
        assert_eq!(held, shard_zero_of_two());
    }

    /// Independently of `holds`: modulo 2, the big-endian u64 of the digest's first
    /// eight bytes is the parity of its eighth byte.
    fn shard_zero_of_two() -> Vec<bool> {
        ["111111111111", "222222222222", "333333333333"]
            .iter()
            .map(|a| {
                let d = Sha256::digest(a.as_bytes());
                d[7] % 2 == 0
            })
            .collect()
    }

    #[test]
    fn parses_and_refuses() {
        assert_eq!("0/4".parse(), Ok(Shard { index: 0, count: 4 }));
        assert_eq!(" 3 / 4 ".parse(), Ok(Shard { index: 3, count: 4 }));
        for bad in ["4/4", "1/0", "1", "a/2", "-1/2", "1/2/3", ""] {
            let err = bad.parse::<Shard>().unwrap_err();
            assert!(err.contains("I/N"), "{bad}: {err}");
        }
        assert_eq!(Shard { index: 1, count: 3 }.to_string(), "1/3");
    }
}
