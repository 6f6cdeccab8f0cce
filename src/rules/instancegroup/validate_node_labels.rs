//! SL175: a node label key with more than one `/`. Mirrors kops's `validateNodeLabels`
//! (`instancegroup.go`).

use serde_json::Value;

use crate::findings::{code, CodeInfo, Finding};
use crate::rules::{ClusterContext, Rule};

use super::{escape, finding_at_key};

code!(
    INFO,
    "SL175",
    "node-label-key",
    Error,
    "an instance group's node label key has more than one `/`"
);

pub struct ValidateNodeLabels;

pub static RULE: ValidateNodeLabels = ValidateNodeLabels;

impl Rule for ValidateNodeLabels {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        for ig in cx.instance_groups {
            let Some(labels) = ig.doc.get("/spec/nodeLabels").and_then(Value::as_object) else {
                continue;
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
    }
}
