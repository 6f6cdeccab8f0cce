//! SL114: an instance group's size bounds are inconsistent.

use serde_json::Value;

use crate::findings::{code, CodeInfo, Finding};

use super::support::{at, ig_name};
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL114",
    "instance-group-size",
    Error,
    "an instance group has `minSize` greater than `maxSize`, or a negative size"
);

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
