//! SL113: the cluster has no control-plane group, or no node group.

use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};

use super::support::{at_key, is_control_plane, is_node};
use super::{ClusterContext, Rule};

pub static INFO: CodeInfo = CodeInfo {
    code: "SL113",
    name: "missing-role-groups",
    default_severity: Severity::Error,
    summary: "the cluster has no control-plane instance group, or no node group",
    doc: "## What it checks\nThat among the cluster's InstanceGroups at least one has role `ControlPlane` (or `Master`) and at least one has role `Node`.\n\n## Why\nWithout a control plane there is no cluster; without nodes no workload can be scheduled. A store copied without all of `instancegroup/` is the usual cause.\n\n## Example\n`instancegroup/` containing only `nodes`.\n\n## Fix\nRestore the missing group files from the original store, or create the group with `kops create ig`.\n",
};

pub struct MissingRoleGroups;

pub static RULE: MissingRoleGroups = MissingRoleGroups;

impl Rule for MissingRoleGroups {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        if cx.instance_groups.is_empty() {
            // No groups at all is a layout finding (SL013).
            return;
        }
        let missing = [
            (
                cx.instance_groups.iter().any(is_control_plane),
                "control-plane (`role: ControlPlane`)",
            ),
            (
                cx.instance_groups.iter().any(is_node),
                "node (`role: Node`)",
            ),
        ];
        for (present, what) in missing {
            if present {
                continue;
            }
            out.push(
                at_key(&INFO, cx.cluster, "/metadata/name", format!("cluster `{}` has no {what} instance group", cx.name))
                    .with_help("restore the group's file under `instancegroup/`, or create it with `kops create ig`"),
            );
        }
    }
}
