//! SL114: an instance group's size bounds are inconsistent.

use serde_json::Value;

use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};

use super::support::{at, ig_name};
use super::{ClusterContext, Rule};

pub static INFO: CodeInfo = CodeInfo {
    code: "SL114",
    name: "instance-group-size",
    default_severity: Severity::Error,
    summary: "an instance group has `minSize` greater than `maxSize`, or a negative size",
    doc: "## What it checks\nThat `spec.minSize` and `spec.maxSize` are not negative and that `minSize <= maxSize`.\n\n## Why\nThe cloud's autoscaling group rejects such bounds, so `kops update cluster` fails; it usually comes from raising one bound and forgetting the other.\n\n## Example\n```yaml\nspec:\n  minSize: 3\n  maxSize: 1\n```\n\n## Fix\nRaise `maxSize` (or lower `minSize`) so `minSize <= maxSize`.\n",
};

pub struct InstanceGroupSize;

pub static RULE: InstanceGroupSize = InstanceGroupSize;

impl Rule for InstanceGroupSize {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        for ig in cx.instance_groups {
            let name = ig_name(ig);
            let size = |p: &str| ig.doc.get(p).and_then(Value::as_i64);
            let (min, max) = (size("/spec/minSize"), size("/spec/maxSize"));
            for (pointer, value) in [("/spec/minSize", min), ("/spec/maxSize", max)] {
                if let Some(v) = value.filter(|v| *v < 0) {
                    let field = &pointer["/spec/".len()..];
                    out.push(
                        at(
                            &INFO,
                            &ig.doc,
                            pointer,
                            format!("instance group `{name}` has `{field}: {v}`, a negative size"),
                        )
                        .with_help("sizes are instance counts: 0 or more"),
                    );
                }
            }
            if let (Some(min), Some(max)) = (min, max) {
                if min > max && max >= 0 {
                    out.push(
                        at(&INFO, &ig.doc, "/spec/minSize", format!("instance group `{name}` has `minSize: {min}` above `maxSize: {max}`"))
                            .with_help(format!("raise `maxSize` to at least {min}, or lower `minSize`")),
                    );
                }
            }
        }
    }
}
