//! SL107: an etcd cluster has an even number of members.

use crate::findings::{code, CodeInfo, Finding};

use super::support::{at, etcd_clusters};
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL107",
    "etcd-member-count-even",
    Error,
    "an etcd cluster has an even number of members"
);

pub struct EtcdMemberCount;

pub static RULE: EtcdMemberCount = EtcdMemberCount;

impl Rule for EtcdMemberCount {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        for etcd in etcd_clusters(cx) {
            let n = etcd.members.len();
            if n == 0 || n % 2 == 1 {
                continue;
            }
            let pointer = format!("{}/etcdMembers", etcd.pointer);
            out.push(
                at(
                    &INFO,
                    cx.cluster,
                    &pointer,
                    format!(
                        "etcd cluster `{}` has {n} members; quorum needs an odd number",
                        etcd.name.unwrap_or("?")
                    ),
                )
                .with_help(format!("use {} or {} members", n - 1, n + 1)),
            );
        }
    }
}
