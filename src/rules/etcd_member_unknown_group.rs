//! SL108: an etcd member refers to an instance group that does not exist.

use crate::findings::{code, CodeInfo, Finding};
use crate::suggest::did_you_mean;

use super::support::{at, at_key, etcd_clusters, ig_name, quoted_list};
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL108",
    "etcd-member-unknown-group",
    Error,
    "an etcd member's `instanceGroup` is missing or names no instance group"
);

pub struct EtcdMemberUnknownGroup;

pub static RULE: EtcdMemberUnknownGroup = EtcdMemberUnknownGroup;

impl Rule for EtcdMemberUnknownGroup {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        let groups: Vec<&str> = cx.instance_groups.iter().map(ig_name).collect();
        for etcd in etcd_clusters(cx) {
            let cluster_name = etcd.name.unwrap_or("?");
            for member in &etcd.members {
                let member_name = member.name.unwrap_or("?");
                let Some(group) = member.instance_group else {
                    out.push(
                        at_key(&INFO, cx.cluster, &member.pointer, format!("etcd member `{member_name}` of `{cluster_name}` has no `instanceGroup`"))
                            .with_help(format!("set `instanceGroup` to one of {}", quoted_list(groups.iter().copied()))),
                    );
                    continue;
                };
                if groups.contains(&group) {
                    continue;
                }
                let help = match did_you_mean(group, groups.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "the cluster's instance groups are {}",
                        quoted_list(groups.iter().copied())
                    ),
                };
                out.push(
                    at(
                        &INFO,
                        cx.cluster,
                        &format!("{}/instanceGroup", member.pointer),
                        format!("etcd member `{member_name}` of `{cluster_name}` runs on instance group `{group}`, which does not exist"),
                    )
                    .with_help(help),
                );
            }
        }
    }
}
