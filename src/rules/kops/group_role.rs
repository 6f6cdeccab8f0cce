//! An instance group's `role`, without which kops cannot tell what the group runs.

use super::engine::{Check, KopsRef, Shape, Target, When};
use crate::findings::{code, CodeInfo};

code!(
    ROLE_MISSING,
    "SL128",
    "ig-role-missing",
    Error,
    "an instance group has no `role`"
);

pub static CODES: &[&CodeInfo] = &[&ROLE_MISSING];

pub static CHECKS: &[Check] = &[Check {
    info: &ROLE_MISSING,
    target: Target::InstanceGroup,
    pointer: "/spec/role",
    shape: Shape::Required,
    when: When::Always,
    since: None,
    kops: KopsRef {
        file: "pkg/apis/kops/validation/instancegroup.go",
        function: "ValidateInstanceGroup",
    },
    reason: "kops must know whether the group is control plane, nodes, a bastion or API servers",
    help: "add `role:` with `ControlPlane`, `Node`, `Bastion` or `APIServer`",
}];
