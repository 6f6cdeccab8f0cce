//! SL188: instance metadata options EC2 refuses. Mirrors kops's
//! `awsValidateInstanceMetadata` (`aws.go`).

use crate::findings::{code, Finding};
use crate::rules::{ClusterContext, InstanceGroup};

use super::{finding, GroupRule};

code!(
    INFO,
    "SL188",
    "instance-metadata",
    Error,
    "an instance group's `instanceMetadata` has `httpPutResponseHopLimit` outside 1-64 or `httpTokens` other than `optional`/`required`"
);

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: true,
    check,
};

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    let pointer = "/spec/instanceMetadata/httpPutResponseHopLimit";
    if let Some(v) = ig.doc.get(pointer) {
        if !v.as_i64().is_some_and(|n| (1..=64).contains(&n)) {
            out.push(finding(
                &INFO,
                ig,
                pointer,
                format_args!("has `instanceMetadata.httpPutResponseHopLimit: {v}`, outside 1-64"),
                "use a hop limit from 1 to 64 (2 lets pods reach the metadata service through one hop)",
            ));
        }
    }
    let pointer = "/spec/instanceMetadata/httpTokens";
    if let Some(v) = ig.doc.get(pointer) {
        if !matches!(v.as_str(), Some("optional" | "required")) {
            let shown = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            out.push(finding(
                &INFO,
                ig,
                pointer,
                format_args!("has `instanceMetadata.httpTokens: {shown}`"),
                "use `required` (IMDSv2 only, recommended) or `optional`",
            ));
        }
    }
}
