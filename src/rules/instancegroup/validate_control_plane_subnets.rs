//! SL172: a control-plane instance group without subnets. Mirrors the `ControlPlane`
//! case of kops's `ValidateInstanceGroup` (`instancegroup.go`).

use serde_json::Value;

use crate::findings::{code, Finding};
use crate::rules::support::{at_key, ig_name, is_control_plane};
use crate::rules::{ClusterContext, InstanceGroup};

use super::GroupRule;

code!(
    INFO,
    "SL172",
    "control-plane-group-no-subnets",
    Error,
    "a control-plane instance group lists no subnets"
);

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    let empty = ig
        .doc
        .get("/spec/subnets")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    if is_control_plane(ig) && empty {
        out.push(
            at_key(
                &INFO,
                &ig.doc,
                "/spec/subnets",
                format!(
                    "control-plane instance group `{}` lists no `subnets`",
                    ig_name(ig)
                ),
            )
            .with_help("add the cluster subnet (usually one zone's) the control-plane node runs in under `spec.subnets`"),
        );
    }
}
