//! SL182: a volume mount (`spec.volumeMounts`) kops refuses. Mirrors kops's
//! `validateVolumeMountSpec` and the checks around it in `ValidateInstanceGroup`
//! (`instancegroup.go`).

use std::collections::HashSet;

use serde_json::Value;

use crate::findings::{code, Finding};
use crate::rules::support::quoted_list;
use crate::rules::{ClusterContext, InstanceGroup};

use super::{finding, finding_at_key, GroupRule};

code!(
    INFO,
    "SL182",
    "volume-mount-spec",
    Error,
    "an instance group's volume mount lacks a device, filesystem or path, uses an unsupported filesystem, or repeats a device or path"
);

/// kops's `SupportedFilesystems` (`btfs` is kops's spelling).
pub const FILESYSTEMS: &[&str] = &["btfs", "ext4", "xfs"];

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    let base = "/spec/volumeMounts";
    let Some(mounts) = ig.doc.get(base).and_then(Value::as_array) else {
        return;
    };
    let mut used: [HashSet<&str>; 2] = Default::default();
    for (i, m) in mounts.iter().enumerate() {
        let text = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or_default();
        for (field, example) in [
            ("device", "`/dev/xvdd`"),
            ("filesystem", "`ext4`"),
            ("path", "`/data`"),
        ] {
            if text(field).is_empty() {
                out.push(finding_at_key(
                    &INFO,
                    ig,
                    &format!("{base}/{i}/{field}"),
                    format_args!("has volume mount {i} without `{field}`"),
                    format!("set `{field}`, for example {example}"),
                ));
            }
        }
        let fs = text("filesystem");
        if !fs.is_empty() && !FILESYSTEMS.contains(&fs) {
            out.push(finding(
                &INFO,
                ig,
                &format!("{base}/{i}/filesystem"),
                format_args!("mounts volume {i} with filesystem `{fs}`, which kops cannot format"),
                format!("use one of {}", quoted_list(FILESYSTEMS.iter().copied())),
            ));
        }
        for (seen, field) in used.iter_mut().zip(["device", "path"]) {
            let value = text(field);
            if !value.is_empty() && !seen.insert(value) {
                out.push(finding(
                    &INFO,
                    ig,
                    &format!("{base}/{i}/{field}"),
                    format_args!("has two volume mounts with {field} `{value}`"),
                    format!("give each mount its own {field}"),
                ));
            }
        }
    }
}
