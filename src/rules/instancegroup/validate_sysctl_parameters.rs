//! SL184: a `sysctlParameters` entry without `=`. Mirrors the check in kops's
//! `ValidateInstanceGroup` (`instancegroup.go`).

use crate::findings::{code, Finding};
use crate::rules::support::strings;
use crate::rules::{ClusterContext, InstanceGroup};

use super::GroupRule;

use super::finding;

code!(
    INFO,
    "SL184",
    "sysctl-parameter",
    Error,
    "an instance group's `sysctlParameters` entry is not `name=value`"
);

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    for (pointer, entry) in strings(&ig.doc, "/spec/sysctlParameters") {
        if !entry.contains('=') {
            out.push(finding(
                &INFO,
                ig,
                &pointer,
                format_args!("has sysctl parameter `{entry}` without `=`"),
                "write it as `name=value`, for example `net.ipv4.ip_forward=1`",
            ));
        }
    }
}
