//! SL190: an `additionalSecurityGroups` entry kops refuses. Mirrors kops's
//! `awsValidateAdditionalSecurityGroups` (`aws.go`) as `awsValidateInstanceGroup` calls it.

use std::collections::HashSet;

use crate::findings::{code, Finding};
use crate::rules::support::strings;
use crate::rules::{ClusterContext, InstanceGroup};

use super::{finding, GroupRule};

code!(
    INFO,
    "SL190",
    "additional-security-group",
    Error,
    "an instance group's `additionalSecurityGroups` entry is empty, repeated, or not a security group id"
);

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: true,
    check,
};

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    let mut seen = HashSet::new();
    for (pointer, sg) in strings(&ig.doc, "/spec/additionalSecurityGroups") {
        if !seen.insert(sg) {
            out.push(finding(
                &INFO,
                ig,
                &pointer,
                format_args!("lists security group `{sg}` twice"),
                "delete the repeated entry",
            ));
        }
        if sg.trim().is_empty() {
            out.push(finding(
                &INFO,
                ig,
                &pointer,
                "has an empty `additionalSecurityGroups` entry",
                "delete the entry or give a security group id (`sg-...`)",
            ));
        } else if !sg.starts_with("sg-") {
            out.push(finding(
                &INFO,
                ig,
                &pointer,
                format_args!(
                    "lists `{sg}` in `additionalSecurityGroups`, which is not a security group id"
                ),
                "use the group's id (`sg-0123456789abcdef0`), not its name",
            ));
        }
    }
}
