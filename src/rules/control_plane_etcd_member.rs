//! SL112: a control-plane group is not a member of every etcd cluster.

use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};

use super::support::{at, etcd_clusters, ig_name, is_control_plane};
use super::{ClusterContext, Rule};

pub static INFO: CodeInfo = CodeInfo {
    code: "SL112",
    name: "control-plane-not-etcd-member",
    default_severity: Severity::Error,
    summary: "a control-plane instance group is missing from an etcd cluster",
    doc: "## What it checks\nThat every InstanceGroup with role `ControlPlane` (or `Master`) hosts a member of every etcd cluster (`main`, `events`, ...).\n\n## Why\nkops runs one member of each etcd cluster on each control-plane group; a group left out of one cluster runs an API server without a local etcd member, and kops validation rejects the spec.\n\n## Example\nThree control-plane groups, but `events` lists members for only two of them.\n\n## Fix\nAdd an `etcdMembers` entry for the group to every etcd cluster, or remove the group.\n",
};

pub struct ControlPlaneEtcdMember;

pub static RULE: ControlPlaneEtcdMember = ControlPlaneEtcdMember;

impl Rule for ControlPlaneEtcdMember {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        let etcd = etcd_clusters(cx);
        for ig in cx.instance_groups.iter().filter(|ig| is_control_plane(ig)) {
            let name = ig_name(ig);
            for cluster in &etcd {
                if cluster
                    .members
                    .iter()
                    .any(|m| m.instance_group == Some(name))
                {
                    continue;
                }
                out.push(
                    at(
                        &INFO,
                        cx.cluster,
                        &format!("{}/etcdMembers", cluster.pointer),
                        format!("control-plane group `{name}` has no member in etcd cluster `{}`", cluster.name.unwrap_or("?")),
                    )
                    .with_help(format!("add `- instanceGroup: {name}` (with a member name) to this etcd cluster's members")),
                );
            }
        }
    }
}
