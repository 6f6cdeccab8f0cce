//! SL107: an etcd cluster has no members or an even number of them
//! (`validateEtcdClusterSpec`, `pkg/apis/kops/validation/validation.go`).

use crate::findings::{code, CodeInfo, Finding};

use super::support::{at, at_key, etcd_clusters};
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL107",
    "etcd-member-count-even",
    Error,
    "an etcd cluster has no members, or an even number of them"
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
            let pointer = format!("{}/etcdMembers", etcd.pointer);
            if n == 0 {
                out.push(
                    at_key(
                        &INFO,
                        cx.cluster,
                        &pointer,
                        format!("etcd cluster `{}` has no members", etcd.name.unwrap_or("?")),
                    )
                    .with_help(
                        "add one member per control-plane group: 1 or 3 (5 for large clusters)",
                    ),
                );
                continue;
            }
            if n % 2 == 1 {
                continue;
            }
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
