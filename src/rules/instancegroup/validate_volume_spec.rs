//! SL181: an extra volume (`spec.volumes`) kops refuses. Mirrors kops's
//! `validateVolumeSpec` and the device check around it in `ValidateInstanceGroup`
//! (`instancegroup.go`), and `DeepValidate` (`legacy.go`), which allows extra volumes on
//! AWS only.

use std::collections::HashSet;

use serde_json::Value;

use crate::findings::{code, Finding};
use crate::rules::{ClusterContext, InstanceGroup};

use super::{finding, finding_at_key, is_aws, GroupRule};

code!(
    INFO,
    "SL181",
    "volume-spec",
    Error,
    "an instance group's extra volume has no device, no positive size, or a device used twice, or is off AWS"
);

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

fn check(cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    let base = "/spec/volumes";
    let Some(volumes) = ig.doc.get(base).and_then(Value::as_array) else {
        return;
    };
    if !volumes.is_empty() && !is_aws(cx) {
        out.push(finding_at_key(
            &INFO,
            ig,
            base,
            "has extra `volumes`, which kops supports on AWS only",
            "delete `volumes` here; on this cloud attach storage another way (for example a CSI driver)",
        ));
    }
    let mut devices = HashSet::new();
    for (i, v) in volumes.iter().enumerate() {
        let device = v.get("device").and_then(Value::as_str).unwrap_or_default();
        if device.is_empty() {
            out.push(finding_at_key(
                &INFO,
                ig,
                &format!("{base}/{i}/device"),
                format_args!("has volume {i} without a `device`"),
                "name the block device, for example `/dev/xvdd`",
            ));
        } else if !devices.insert(device) {
            out.push(finding(
                &INFO,
                ig,
                &format!("{base}/{i}/device"),
                format_args!("attaches two volumes as device `{device}`"),
                "give each volume its own device name",
            ));
        }
        let size = v.get("size").and_then(Value::as_i64).unwrap_or(0);
        if size <= 0 {
            out.push(finding_at_key(
                &INFO,
                ig,
                &format!("{base}/{i}/size"),
                format_args!("has volume {i} with size {size}"),
                "set `size` to the volume's size in GB, greater than zero",
            ));
        }
    }
}
