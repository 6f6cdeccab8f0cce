//! SL174: the same taint listed twice in one instance group. Mirrors the duplicate check
//! of kops's `ValidateInstanceGroup` (`instancegroup.go`).

use std::collections::HashSet;

use crate::findings::{code, Finding};
use crate::rules::support::strings;
use crate::rules::{ClusterContext, InstanceGroup};

use super::GroupRule;

use super::finding;

code!(
    INFO,
    "SL174",
    "duplicate-taint",
    Error,
    "an instance group lists the same taint twice"
);

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    let mut seen = HashSet::new();
    for (pointer, taint) in strings(&ig.doc, "/spec/taints") {
        if !seen.insert(taint) {
            out.push(finding(
                &INFO,
                ig,
                &pointer,
                format_args!("lists taint `{taint}` twice"),
                "delete the repeated entry from `spec.taints`",
            ));
        }
    }
}
