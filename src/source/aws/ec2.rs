//! EC2 of one region: EBS encryption by default and EBS volumes. Also the list of
//! regions enabled for the account, for `--all-regions`.

use super::ctx::{flag, key_value_tags, ops, partition, Read, SweepState};
use crate::model::ec2::{EbsDefaultEncryption, EbsVolume};
use crate::model::Inventory;

const SVC: &str = "ec2";

pub async fn collect(ctx: &SweepState, region: &str) -> Inventory {
    let client = ctx.clients.ec2(region);
    let mut inv = Inventory::default();
    let account = ctx.account.clone().unwrap_or_default();
    let (default, volumes) = tokio::join!(
        ctx.read(
            SVC,
            region,
            "GetEbsEncryptionByDefault",
            "the region",
            &[],
            "whether EBS encryption by default is on",
            client.get_ebs_encryption_by_default().send(),
        ),
        ctx.pages(
            SVC,
            region,
            "DescribeVolumes",
            "the region",
            "every EBS volume",
            |token| client
                .describe_volumes()
                .max_results(500)
                .set_next_token(token)
                .send(),
            |o| (o.volumes().to_vec(), o.next_token().map(str::to_owned)),
        ),
    );
    let arn = format!(
        "arn:{}:ec2:{region}:{account}:ebs-encryption-by-default",
        partition(region)
    );
    inv.ebs_default_encryption.push(EbsDefaultEncryption {
        meta: ctx.meta(
            "aws_ebs_encryption_by_default",
            &arn,
            None,
            region,
            ops(SVC, &["GetEbsEncryptionByDefault"]),
        ),
        enabled: match default {
            Read::Found(out) => flag(out.ebs_encryption_by_default()),
            Read::Absent | Read::Failed => {
                crate::model::Tri::Unknown(crate::model::Gap::NotCollected)
            }
        },
    });
    for v in volumes.unwrap_or_default() {
        let Some(id) = v.volume_id() else { continue };
        let arn = format!(
            "arn:{}:ec2:{region}:{account}:volume/{id}",
            partition(region)
        );
        let mut meta = ctx.meta(
            "aws_ebs_volume",
            &arn,
            Some(id),
            region,
            ops(SVC, &["DescribeVolumes"]),
        );
        meta.tags = key_value_tags(v.tags().iter().map(|t| (t.key(), t.value())));
        inv.ebs_volumes.push(EbsVolume {
            meta,
            device: "volume".into(),
            encrypted: flag(v.encrypted()),
            from_snapshot: v.snapshot_id().is_some_and(|s| !s.is_empty()),
            implicit: false,
        });
    }
    inv.ebs_volumes
        .sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv
}

/// The regions enabled for the account (DescribeRegions leaves out opt-in regions
/// that are not enabled). On failure, the home region alone, with a gap.
pub async fn enabled_regions(ctx: &SweepState, home: &str) -> Vec<String> {
    let asked = ctx.call(SVC, ctx.clients.ec2(home).describe_regions().send());
    match asked.await {
        Ok(out) => {
            let mut regions: Vec<String> = out
                .regions()
                .iter()
                .filter_map(|r| r.region_name().map(str::to_owned))
                .collect();
            regions.sort();
            // The home region first: global services are called there.
            if let Some(i) = regions.iter().position(|r| r == home) {
                let h = regions.remove(i);
                regions.insert(0, h);
            }
            if regions.is_empty() {
                vec![home.to_string()]
            } else {
                regions
            }
        }
        Err(f) => {
            ctx.gap(
                SVC,
                home,
                "DescribeRegions",
                "the account",
                &f,
                &format!("which regions are enabled, so only {home} was swept"),
            );
            vec![home.to_string()]
        }
    }
}
