//! SL188: instance metadata options EC2 refuses. Mirrors kops's
//! `awsValidateInstanceMetadata` (`aws.go`).

use crate::findings::{code, CodeInfo, Finding};
use crate::rules::{ClusterContext, Rule};

use super::{finding, is_aws};

code!(
    INFO,
    "SL188",
    "instance-metadata",
    Error,
    "an instance group's `instanceMetadata` has `httpPutResponseHopLimit` outside 1-64 or `httpTokens` other than `optional`/`required`"
);

pub struct AwsValidateInstanceMetadata;

pub static RULE: AwsValidateInstanceMetadata = AwsValidateInstanceMetadata;

impl Rule for AwsValidateInstanceMetadata {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        if !is_aws(cx) {
            return;
        }
        for ig in cx.instance_groups {
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
    }
}
