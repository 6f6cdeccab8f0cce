//! SL113: the cluster has no control-plane group, or no node group.

use crate::findings::{code, CodeInfo, Finding};

use super::support::{at_key, is_control_plane, is_node, role};
use super::InstanceGroup;
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL113",
    "missing-role-groups",
    Error,
    "the cluster has no control-plane instance group, or no node group"
);

/// The roles kops's v1alpha2 conversion accepts (`Master` is the old `ControlPlane`).
const ROLES: &[&str] = &["ControlPlane", "Master", "Node", "Bastion", "APIServer"];

fn has_known_role(ig: &InstanceGroup) -> bool {
    role(ig).is_some_and(|r| ROLES.contains(&r))
}

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
        if cx.instance_groups.iter().any(|ig| !has_known_role(ig)) {
            // A group without a role (SL128) or with an unknown one (SL122) may be the
            // missing one; those findings point at the group itself.
            return;
        }
        let missing = [
            (
                cx.instance_groups.iter().any(is_control_plane),
                "control-plane (`role: ControlPlane`)",
                "ControlPlane",
            ),
            (
                cx.instance_groups.iter().any(is_node),
                "node (`role: Node`)",
                "Node",
            ),
        ];
        for (present, what, role) in missing {
            // The group names kops itself gives (`kops create cluster`), for the example.
            let group = if role == "Node" {
                "nodes"
            } else {
                "control-plane"
            };
            if present {
                continue;
            }
            out.push(
                at_key(&INFO, cx.cluster, "/metadata/name", format!("cluster `{}` has no {what} instance group", cx.name))
                    .with_help(format!("create one with `kops create instancegroup {group} --role {role} --name {}`, or set `role: {role}` on the group meant to be one", cx.name)),
            );
        }
    }
}
