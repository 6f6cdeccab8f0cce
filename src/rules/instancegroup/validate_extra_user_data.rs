//! SL180: an `additionalUserData` part kops refuses. Mirrors kops's
//! `validateExtraUserData` (`instancegroup.go`).

use serde_json::Value;

use crate::findings::{code, Finding};
use crate::rules::support::quoted_list;
use crate::rules::{ClusterContext, InstanceGroup};

use super::{finding, finding_at_key, GroupRule};

code!(
    INFO,
    "SL180",
    "additional-user-data",
    Error,
    "an `additionalUserData` part lacks a name or content, or has a MIME type cloud-init does not take"
);

/// The MIME types kops accepts for a user-data part.
pub const USER_DATA_TYPES: &[&str] = &[
    "text/x-include-once-url",
    "text/x-include-url",
    "text/cloud-config-archive",
    "text/upstart-job",
    "text/cloud-config",
    "text/part-handler",
    "text/x-shellscript",
    "text/cloud-boothook",
];

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    let base = "/spec/additionalUserData";
    let Some(parts) = ig.doc.get(base).and_then(Value::as_array) else {
        return;
    };
    for (i, part) in parts.iter().enumerate() {
        let text = |k: &str| part.get(k).and_then(Value::as_str).unwrap_or_default();
        for field in ["name", "content"] {
            if text(field).is_empty() {
                out.push(finding_at_key(
                    &INFO,
                    ig,
                    &format!("{base}/{i}/{field}"),
                    format_args!("has an `additionalUserData` part ({i}) without `{field}`"),
                    format!("give the part a non-empty `{field}`"),
                ));
            }
        }
        let kind = text("type");
        if !USER_DATA_TYPES.contains(&kind) {
            out.push(finding(
                &INFO,
                ig,
                &format!("{base}/{i}/type"),
                format_args!("has an `additionalUserData` part ({i}) of type `{kind}`, which kops does not accept"),
                format!("set `type` to one of {}", quoted_list(USER_DATA_TYPES.iter().copied())),
            ));
        }
    }
}
