//! DRIFT002 unmanaged-resource: a security-relevant live resource (bucket, customer
//! managed KMS key, IAM role, user or customer managed policy, database, queue, topic,
//! table) that no scanned Terraform manages. What nobody manages, nobody reviewed: it
//! is outside the change management that CC8.1 asks for.
//!
//! Judged only in accounts the run's Terraform is known to cover (its state names the
//! account in ARNs, the configuration maps its files to the account, or a live
//! resource there is linked by name), and only in what was swept. AWS-managed and
//! service-linked resources are nobody's Terraform to hold. A resource tagged
//! `soc2scan:unmanaged`, or matched by a glob of `[drift] unmanaged` in the
//! configuration, is unmanaged on purpose and passes, saying so.

use crate::model::{Inventory, Meta, Origin, Tri};
use crate::rules::Ctx;

/// The tag that marks a resource intentionally left out of Terraform.
pub const UNMANAGED_TAG: &str = "soc2scan:unmanaged";

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    if inv.terraform_accounts.is_empty() {
        return;
    }
    let mut candidates: Vec<&Meta> = Vec::new();
    candidates.extend(
        inv.s3_buckets
            .iter()
            .filter(|b| b.declared_elsewhere.is_none())
            .map(|b| &b.meta),
    );
    candidates.extend(
        inv.kms_keys
            .iter()
            .filter(|k| k.customer_managed != Tri::Known(false))
            .map(|k| &k.meta),
    );
    candidates.extend(
        inv.iam_roles
            .iter()
            .filter(|r| {
                !r.meta
                    .arn
                    .as_deref()
                    .is_some_and(|a| a.contains(":role/aws-service-role/"))
            })
            .map(|r| &r.meta),
    );
    candidates.extend(inv.iam_users.iter().map(|u| &u.meta));
    candidates.extend(
        inv.identity_policies
            .iter()
            .filter(|p| {
                !p.inline
                    && !p
                        .meta
                        .arn
                        .as_deref()
                        .is_some_and(|a| a.contains(":iam::aws:policy/"))
            })
            .map(|p| &p.meta),
    );
    candidates.extend(inv.db_instances.iter().map(|d| &d.meta));
    candidates.extend(inv.sqs_queues.iter().map(|q| &q.meta));
    candidates.extend(inv.sns_topics.iter().map(|t| &t.meta));
    candidates.extend(inv.dynamo_tables.iter().map(|t| &t.meta));
    for m in candidates {
        let Origin::Aws {
            account: Some(account),
            ..
        } = &m.origin
        else {
            continue;
        };
        let Some(covered) = inv.terraform_accounts.get(account) else {
            continue;
        };
        if let Some(link) = &m.managed_by {
            ctx.pass(m, format!("managed by {} ({})", link.address, link.by));
        } else if let Some(pattern) = unmanaged_by_config(m, ctx) {
            ctx.pass(
                m,
                format!("unmanaged on purpose: config drift.unmanaged \"{pattern}\""),
            );
        } else if let Some(why) = m.tags.get(UNMANAGED_TAG) {
            ctx.pass(
                m,
                format!("unmanaged on purpose: tag {UNMANAGED_TAG}={why}"),
            );
        } else {
            ctx.fail(
                m,
                format!(
                    "no scanned Terraform manages this {} in account {account}, which the Terraform covers ({covered}); bring it into Terraform (terraform import) or tag it {UNMANAGED_TAG}=<reason>",
                    m.kind
                ),
            );
        }
    }
}

/// The configured glob that marks this resource (by ARN or name) as unmanaged on
/// purpose, if any.
fn unmanaged_by_config(m: &Meta, ctx: &Ctx) -> Option<String> {
    let settings = ctx.settings;
    [m.arn.as_deref(), m.name.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|s| settings.unmanaged_globs.matches(s).first().copied())
        .and_then(|i| settings.unmanaged.get(i).cloned())
}
