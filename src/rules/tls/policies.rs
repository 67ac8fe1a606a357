//! The reviewed tables of predefined TLS policies in `rules/data/tls-policies.toml`,
//! shared by the rules that judge a policy by name. Kept as data so an auditor can
//! review the list, and so a new AWS policy is one line, not a code change.

use crate::model::Meta;
use crate::rules::Ctx;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("../../../rules/data/tls-policies.toml");

/// The oldest protocol version a strong policy may accept.
const MINIMUM: Protocol = Protocol::Tls12;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tables {
    pub elb: PolicyTable,
    pub cloudfront: PolicyTable,
    pub apigateway: PolicyTable,
    pub opensearch: PolicyTable,
}

/// One service's predefined policies.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyTable {
    /// Where the protocol tables come from; named when a policy is not listed.
    pub sources: Vec<String>,
    /// What the service applies when the configuration names no policy.
    pub default: String,
    /// Policies rejected for their cipher suites although their protocols pass.
    pub weak_ciphers: Vec<String>,
    /// Policy name to the oldest protocol version it accepts.
    pub policies: BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Protocol {
    Ssl3,
    Tls10,
    Tls11,
    Tls12,
    Tls13,
}

impl Protocol {
    fn parse(s: &str) -> Option<Protocol> {
        match s {
            "SSLv3" => Some(Protocol::Ssl3),
            "TLSv1.0" => Some(Protocol::Tls10),
            "TLSv1.1" => Some(Protocol::Tls11),
            "TLSv1.2" => Some(Protocol::Tls12),
            "TLSv1.3" => Some(Protocol::Tls13),
            _ => None,
        }
    }
}

/// How a policy name fares against the TLS 1.2+ requirement.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// Accepts nothing older than TLS 1.2; the oldest protocol it accepts.
    Strong(&'a str),
    /// Accepts an older protocol; which one.
    WeakProtocol(&'a str),
    /// Protocols are fine, cipher suites are not.
    WeakCiphers,
    /// Not in the reviewed table.
    Unlisted,
}

impl PolicyTable {
    pub fn judge(&self, name: &str) -> Verdict<'_> {
        let Some(oldest) = self.policies.get(name) else {
            return Verdict::Unlisted;
        };
        match Protocol::parse(oldest) {
            None => Verdict::Unlisted,
            Some(p) if p < MINIMUM => Verdict::WeakProtocol(oldest),
            Some(_) if self.weak_ciphers.iter().any(|w| w == name) => Verdict::WeakCiphers,
            Some(_) => Verdict::Strong(oldest),
        }
    }

    /// The reference to cite when a policy is not in the table.
    pub fn source(&self) -> &str {
        self.sources.first().map(String::as_str).unwrap_or("")
    }
}

/// The embedded tables; an error names the defect (caught by the unit test below, so
/// it cannot ship, but a rule still reports unknown rather than panicking).
pub fn tables() -> Result<&'static Tables, &'static str> {
    static TABLES: OnceLock<Result<Tables, String>> = OnceLock::new();
    TABLES
        .get_or_init(|| {
            toml::from_str(DATA).map_err(|e| format!("rules/data/tls-policies.toml: {e}"))
        })
        .as_ref()
        .map_err(String::as_str)
}

/// The table `pick` chooses, or `None` after reporting `meta` unknown because the
/// tables could not be read: every rule that judges a policy by name words that
/// result alike (`lead`, when not empty, names the part judged: an ELB listener).
pub fn table_or_unknown(
    ctx: &mut Ctx,
    meta: &Meta,
    lead: &str,
    pick: impl FnOnce(&'static Tables) -> &'static PolicyTable,
) -> Option<&'static PolicyTable> {
    match tables() {
        Ok(t) => Some(pick(t)),
        Err(e) => {
            let why = format!("the TLS policy table could not be read ({e})");
            let message = if lead.is_empty() {
                why
            } else {
                format!("{lead}: {why}")
            };
            ctx.unknown(meta, message);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_tables_parse_and_are_consistent() {
        let t = tables().expect("tls-policies.toml parses");
        for (service, table) in [
            ("elb", &t.elb),
            ("cloudfront", &t.cloudfront),
            ("apigateway", &t.apigateway),
            ("opensearch", &t.opensearch),
        ] {
            assert!(!table.sources.is_empty(), "{service}: no sources");
            assert!(
                table.policies.contains_key(&table.default),
                "{service}: default {} is not listed",
                table.default
            );
            for (name, oldest) in &table.policies {
                assert!(
                    Protocol::parse(oldest).is_some(),
                    "{service}: {name} has an unknown protocol {oldest}"
                );
            }
            for w in &table.weak_ciphers {
                assert!(
                    table.policies.contains_key(w),
                    "{service}: {w} is not listed"
                );
            }
        }
    }

    #[test]
    fn verdicts_follow_the_oldest_protocol() {
        let t = tables().expect("tls-policies.toml parses");
        assert_eq!(
            t.elb.judge("ELBSecurityPolicy-2016-08"),
            Verdict::WeakProtocol("TLSv1.0")
        );
        assert_eq!(
            t.elb.judge("ELBSecurityPolicy-TLS13-1-2-2021-06"),
            Verdict::Strong("TLSv1.2")
        );
        assert_eq!(t.elb.judge("ELBSecurityPolicy-Made-Up"), Verdict::Unlisted);
        assert_eq!(t.cloudfront.judge("TLSv1.2_2018"), Verdict::WeakCiphers);
        assert_eq!(
            t.cloudfront.judge("TLSv1.2_2021"),
            Verdict::Strong("TLSv1.2")
        );
    }
}
