//! SL178: an instance group's root volume kops refuses: negative IOPS or throughput
//! (`ValidateInstanceGroup`), or on AWS a volume type other than the EBS types kops can boot
//! from (`CrossValidateInstanceGroup`), both in `instancegroup.go`.

use serde_json::Value;

use crate::findings::{code, Finding};
use crate::rules::support::quoted_list;
use crate::rules::{ClusterContext, InstanceGroup};

use super::{finding, is_aws, GroupRule};

code!(
    INFO,
    "SL178",
    "root-volume",
    Error,
    "an instance group's root volume has negative IOPS or throughput, or an EBS type kops cannot boot from"
);

/// The EBS volume types kops accepts for a root volume on AWS.
pub const AWS_ROOT_VOLUME_TYPES: &[&str] = &["standard", "gp3", "gp2", "io1", "io2"];

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

/// The pointer of a root-volume field: v1alpha2 keeps them flat (`rootVolumeIops`),
/// v1alpha3 nests them (`rootVolume.iops`). The one present wins.
fn field<'a>(ig: &'a InstanceGroup, flat: &str, nested: &str) -> Option<(String, &'a Value)> {
    [
        format!("/spec/{flat}"),
        format!("/spec/rootVolume/{nested}"),
    ]
    .into_iter()
    .find_map(|p| ig.doc.get(&p).map(|v| (p, v)))
}

fn check(cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    for (flat, nested, what) in [
        ("rootVolumeIops", "iops", "IOPS"),
        ("rootVolumeThroughput", "throughput", "throughput"),
    ] {
        if let Some((pointer, v)) = field(ig, flat, nested) {
            if v.as_i64().is_some_and(|n| n < 0) {
                out.push(finding(
                    &INFO,
                    ig,
                    &pointer,
                    format_args!("has a negative root volume {what} ({v})"),
                    format!("set {what} to a positive number or delete it for the volume type's default"),
                ));
            }
        }
    }
    if !is_aws(cx) {
        return;
    }
    if let Some((pointer, Value::String(t))) = field(ig, "rootVolumeType", "type") {
        if !AWS_ROOT_VOLUME_TYPES.contains(&t.as_str()) {
            out.push(finding(
                &INFO,
                ig,
                &pointer,
                format_args!("has root volume type `{t}`, which kops cannot boot from on AWS"),
                format!(
                    "use one of {}",
                    quoted_list(AWS_ROOT_VOLUME_TYPES.iter().copied())
                ),
            ));
        }
    }
}
