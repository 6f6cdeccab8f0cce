//! SL192: gVisor switched on for a group that is not a worker group. Mirrors the gVisor
//! check of kops's `ValidateInstanceGroup` (`instancegroup.go`).

use serde_json::Value;

use crate::findings::{code, CodeInfo, Finding};
use crate::rules::support::role;
use crate::rules::{ClusterContext, Rule};

use super::finding;

code!(
    INFO,
    "SL192",
    "gvisor-role",
    Error,
    "an instance group that is not a Node group enables gVisor"
);

pub struct ValidateGvisorRole;

pub static RULE: ValidateGvisorRole = ValidateGvisorRole;

impl Rule for ValidateGvisorRole {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        for ig in cx.instance_groups {
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
    }
}
