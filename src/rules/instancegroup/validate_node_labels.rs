//! SL175: a node label key with more than one `/`. Mirrors kops's `validateNodeLabels`
//! (`instancegroup.go`).

use serde_json::Value;

use crate::findings::{code, Finding};
use crate::rules::{ClusterContext, InstanceGroup};

use super::{escape, finding_at_key, GroupRule};

code!(
    INFO,
    "SL175",
    "node-label-key",
    Error,
    "an instance group's node label key has more than one `/`"
);

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    let Some(labels) = ig.doc.get("/spec/nodeLabels").and_then(Value::as_object) else {
        return;
    };
    for key in labels.keys().filter(|k| k.matches('/').count() > 1) {
        out.push(finding_at_key(
            &INFO,
            ig,
            &format!("/spec/nodeLabels/{}", escape(key)),
            format_args!("has node label `{key}`, whose key has more than one `/`"),
            "use `prefix/name` with at most one `/` (for example `example.com/team`)",
        ));
    }
}
