//! SL173: a taint kops cannot parse. Mirrors `ValidateInstanceGroup` (`instancegroup.go`)
//! calling `util.ParseTaint` (`pkg/apis/kops/util/taints.go`).

use crate::findings::{code, Finding};
use crate::rules::support::strings;
use crate::rules::{ClusterContext, InstanceGroup};

use super::GroupRule;

use super::finding;

code!(
    INFO,
    "SL173",
    "invalid-taint",
    Error,
    "an instance group taint is not `key[=value]:Effect`"
);

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

/// kops's `ParseTaint` accepts `key`, `key:effect` and `key=value:effect`; more than one
/// `:` or more than one `=` is an error.
pub fn parses(taint: &str) -> bool {
    match taint.split(':').collect::<Vec<_>>().as_slice() {
        [_] => true,
        [kv, _effect] => kv.split('=').count() <= 2,
        _ => false,
    }
}

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    for (pointer, taint) in strings(&ig.doc, "/spec/taints") {
        if !parses(taint) {
            out.push(finding(
                &INFO,
                ig,
                &pointer,
                format_args!("has taint `{taint}`, which is not `key[=value]:Effect`"),
                "write the taint as `key=value:Effect` with one `=` and one `:` (for example `dedicated=gpu:NoSchedule`)",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parses;

    #[test]
    fn parses_like_kops() {
        for ok in [
            "nvidia.com/gpu:NoSchedule",
            "a=b:NoExecute",
            "plain",
            "a=:NoSchedule",
        ] {
            assert!(parses(ok), "{ok}");
        }
        for bad in ["a:b:c", "a=b=c:NoSchedule", "k=v:NoSchedule:extra"] {
            assert!(!parses(bad), "{bad}");
        }
    }
}
