//! SL174: the same taint listed twice in one instance group. Mirrors the duplicate check
//! of kops's `ValidateInstanceGroup` (`instancegroup.go`).

use std::collections::HashSet;

use crate::findings::{code, CodeInfo, Finding};
use crate::rules::support::strings;
use crate::rules::{ClusterContext, Rule};

use super::finding;

code!(
    INFO,
    "SL174",
    "duplicate-taint",
    Error,
    "an instance group lists the same taint twice"
);

pub struct DuplicateTaint;

pub static RULE: DuplicateTaint = DuplicateTaint;

impl Rule for DuplicateTaint {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        for ig in cx.instance_groups {
            let mut seen = HashSet::new();
            for (pointer, taint) in strings(&ig.doc, "/spec/taints") {
                if !seen.insert(taint) {
                    out.push(finding(
                        &INFO,
                        ig,
                        &pointer,
                        format_args!("lists taint `{taint}` twice"),
                        "delete the repeated entry from `spec.taints`",
                    ));
                }
            }
        }
    }
}
