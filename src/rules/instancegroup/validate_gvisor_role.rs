//! SL192: gVisor switched on for a group that is not a worker group. Mirrors the gVisor
//! check of kops's `ValidateInstanceGroup` (`instancegroup.go`).

use serde_json::Value;

use crate::findings::{code, Finding};
use crate::rules::support::role;
use crate::rules::{ClusterContext, InstanceGroup};

use super::GroupRule;

use super::finding;

code!(
    INFO,
    "SL192",
    "gvisor-role",
    Error,
    "an instance group that is not a Node group enables gVisor"
);

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    let pointer = "/spec/containerd/gvisor/enabled";
    let enabled = ig.doc.get(pointer).and_then(Value::as_bool) == Some(true);
    if enabled && role(ig) != Some("Node") {
        out.push(finding(
            &INFO,
            ig,
            pointer,
            format_args!("enables gVisor but has role `{}`", role(ig).unwrap_or("")),
            "enable gVisor on Node groups only, or delete `containerd.gvisor` here",
        ));
    }
}
