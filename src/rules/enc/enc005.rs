//! ENC005 ebs-default-encryption-off: EBS encryption by default is an account-level,
//! per-Region setting that encrypts every new volume, including those that
//! configuration forgets (an instance's implicit root volume, volumes created by
//! autoscaling or by hand). Judged once per scope (a Terraform root, taken as one
//! account and Region; live: account and Region) that creates EBS storage or
//! configures the setting.
//!
//! The result sits on the `aws_ebs_encryption_by_default` resource when there is one
//! (the line to keep or fix); otherwise on the first resource of the root that
//! creates EBS storage, by file and line.

use crate::model::ec2::{default_encryption, ebs_scope, DefaultEncryption};
use crate::model::{Inventory, Meta};
use crate::rules::Ctx;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Default)]
struct Scope<'a> {
    /// Addresses of the resources that create EBS storage.
    creators: BTreeSet<&'a str>,
    /// The first of them by file and line.
    first: Option<&'a Meta>,
    /// A default-encryption resource, for scopes that create no storage.
    setting: Option<&'a Meta>,
}

fn position(m: &Meta) -> (String, usize, String) {
    match m.location() {
        Some(l) => (l.file.clone(), l.start_line, m.address.clone()),
        None => (String::new(), 0, m.address.clone()),
    }
}

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    let mut scopes: BTreeMap<String, Scope> = BTreeMap::new();
    for v in &inv.ebs_volumes {
        let s = scopes.entry(ebs_scope(&v.meta)).or_default();
        s.creators.insert(v.meta.address.as_str());
        if s.first.is_none_or(|f| position(&v.meta) < position(f)) {
            s.first = Some(&v.meta);
        }
    }
    for d in &inv.ebs_default_encryption {
        scopes.entry(ebs_scope(&d.meta)).or_default().setting = Some(&d.meta);
    }
    for (scope, s) in &scopes {
        let Some(anchor) = s.first.or(s.setting) else {
            continue;
        };
        let creates = match s.creators.len() {
            0 => "creates no EBS storage itself".to_string(),
            1 => "creates EBS storage in 1 resource".to_string(),
            n => format!("creates EBS storage in {n} resources"),
        };
        match default_encryption(inv, anchor) {
            DefaultEncryption::On(d) => ctx.pass(
                &d.meta,
                format!("EBS encryption by default is enabled for {scope}, which {creates}"),
            ),
            DefaultEncryption::Unknown(d) => ctx.unknown(
                &d.meta,
                format!("whether EBS encryption by default is enabled for {scope} is {gap}; {scope} {creates}", gap = d.meta.wording.gap),
            ),
            DefaultEncryption::Off(Some(d)) => ctx.fail(
                &d.meta,
                format!("EBS encryption by default is disabled (enabled = false) for {scope}, which {creates}; set enabled = true"),
            ),
            DefaultEncryption::Off(None) => ctx.fail(
                anchor,
                format!("{scope} {creates} (this is the first) but does not enable EBS encryption by default; add resource \"aws_ebs_encryption_by_default\" with enabled = true"),
            ),
        }
    }
}
