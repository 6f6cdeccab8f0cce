//! SL113: the cluster has no control-plane group, or no node group.

use crate::findings::{code, CodeInfo, Finding};

use super::support::{at_key, is_control_plane, is_node};
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL113",
    "missing-role-groups",
    Error,
    "the cluster has no control-plane instance group, or no node group"
);

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
