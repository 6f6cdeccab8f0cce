//! SL171: a control-plane instance group with more than one instance. Mirrors the
//! `ControlPlane` case of kops's `ValidateInstanceGroup` (`instancegroup.go`).

use crate::findings::{code, Finding};
use crate::rules::support::is_control_plane;
use crate::rules::{ClusterContext, InstanceGroup};

use super::{finding, int_at, GroupRule};

code!(
    INFO,
    "SL171",
    "control-plane-group-size",
    Error,
    "a control-plane instance group has `minSize` or `maxSize` above 1"
);

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    if !is_control_plane(ig) {
        return;
    }
    for field in ["minSize", "maxSize"] {
        let pointer = format!("/spec/{field}");
        if let Some(n) = int_at(ig, &pointer).filter(|n| *n > 1) {
            out.push(finding(
                &INFO,
                ig,
                &pointer,
                format_args!("has role ControlPlane and `{field}: {n}`"),
                "set it to 1 and add one control-plane group per zone for more control-plane nodes",
            ));
        }
    }
}
