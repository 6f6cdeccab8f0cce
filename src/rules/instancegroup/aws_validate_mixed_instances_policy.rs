//! SL187: a `mixedInstancesPolicy` kops refuses on AWS. Mirrors kops's
//! `awsValidateMixedInstancesPolicy` (`aws.go`); its instance types are SL170's, and its
//! GPU/non-GPU mix needs EC2's description of each type (a live call).

use crate::findings::{code, Finding};
use crate::rules::support::quoted_list;
use crate::rules::{ClusterContext, InstanceGroup};

use super::{finding, int_at, GroupRule};

code!(
    INFO,
    "SL187",
    "mixed-instances-policy",
    Error,
    "an instance group's `mixedInstancesPolicy` has an on-demand base or percentage out of range, or an unknown spot allocation strategy"
);

/// kops's `SpotAllocationStrategies`.
pub const SPOT_ALLOCATION_STRATEGIES: &[&str] = &[
    "lowest-price",
    "diversified",
    "capacity-optimized",
    "capacity-optimized-prioritized",
    "price-capacity-optimized",
];

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: true,
    check,
};

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    if ig.doc.get("/spec/mixedInstancesPolicy").is_some() {
        check_policy(ig, out);
    }
}

fn check_policy(ig: &InstanceGroup, out: &mut Vec<Finding>) {
    let base = "/spec/mixedInstancesPolicy";
    let pointer = format!("{base}/onDemandBase");
    if let Some(n) = int_at(ig, &pointer) {
        if n < 0 {
            out.push(finding(
                &INFO,
                ig,
                &pointer,
                format_args!("has a negative `mixedInstancesPolicy.onDemandBase: {n}`"),
                "use zero or more on-demand instances",
            ));
        } else if let Some(max) = int_at(ig, "/spec/maxSize").filter(|max| n > *max) {
            out.push(finding(
                &INFO,
                ig,
                &pointer,
                format_args!("has `mixedInstancesPolicy.onDemandBase: {n}` above `maxSize: {max}`"),
                "lower `onDemandBase` to at most the group's `maxSize`",
            ));
        }
    }
    let pointer = format!("{base}/onDemandAboveBase");
    if let Some(n) = int_at(ig, &pointer).filter(|n| !(0..=100).contains(n)) {
        out.push(finding(
            &INFO,
            ig,
            &pointer,
            format_args!("has `mixedInstancesPolicy.onDemandAboveBase: {n}`, not a percentage"),
            "use a percentage from 0 to 100",
        ));
    }
    let pointer = format!("{base}/spotAllocationStrategy");
    if let Some(v) = ig.doc.get(&pointer) {
        let s = v.as_str().unwrap_or_default();
        if !SPOT_ALLOCATION_STRATEGIES.contains(&s) {
            out.push(finding(
                &INFO,
                ig,
                &pointer,
                format_args!("has spot allocation strategy `{s}`"),
                format!(
                    "use one of {}",
                    quoted_list(SPOT_ALLOCATION_STRATEGIES.iter().copied())
                ),
            ));
        }
    }
}
