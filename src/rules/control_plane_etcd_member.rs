//! SL112: a control-plane group is not a member of every etcd cluster.

use crate::findings::{code, CodeInfo, Finding};

use super::support::{at, etcd_clusters, ig_name, is_control_plane};
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL112",
    "control-plane-not-etcd-member",
    Error,
    "a control-plane instance group is missing from an etcd cluster"
);

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
