//! SL184: a `sysctlParameters` entry without `=`. Mirrors the check in kops's
//! `ValidateInstanceGroup` (`instancegroup.go`).

use crate::findings::{code, CodeInfo, Finding};
use crate::rules::support::strings;
use crate::rules::{ClusterContext, Rule};

use super::finding;

code!(
    INFO,
    "SL184",
    "sysctl-parameter",
    Error,
    "an instance group's `sysctlParameters` entry is not `name=value`"
);

pub struct ValidateSysctlParameters;

pub static RULE: ValidateSysctlParameters = ValidateSysctlParameters;

impl Rule for ValidateSysctlParameters {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        for ig in cx.instance_groups {
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
    }
}
