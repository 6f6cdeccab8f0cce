//! SL107: an etcd cluster has an even number of members.

use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};

use super::support::{at, etcd_clusters};
use super::{ClusterContext, Rule};

pub static INFO: CodeInfo = CodeInfo {
    code: "SL107",
    name: "etcd-member-count-even",
    default_severity: Severity::Error,
    summary: "an etcd cluster has an even number of members",
    doc: "## What it checks\nThat each of `spec.etcdClusters` has an odd number of `etcdMembers` (1, 3, 5).\n\n## Why\netcd needs a majority to work: 2 members tolerate no failure (no better than 1) and 4 tolerate one (no better than 3), so an even count only adds a way to lose quorum. kops validation rejects it.\n\n## Example\n```yaml\netcdClusters:\n- name: main\n  etcdMembers:\n  - {name: a, instanceGroup: control-plane-us-east-1a}\n  - {name: b, instanceGroup: control-plane-us-east-1b}\n```\n\n## Fix\nAdd a member (and its control-plane group) or remove one, so the count is odd.\n",
};

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
