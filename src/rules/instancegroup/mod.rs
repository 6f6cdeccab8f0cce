//! kops's offline checks of instance groups, ported from `pkg/apis/kops/validation/`
//! (`instancegroup.go` and the instance-group parts of `aws.go`) at
//! [`KOPS_COMMIT`](super::kops::version::KOPS_COMMIT). One rule per file, named after the kops function it mirrors;
//! codes SL170-SL199.

pub mod aws_instance_types;
pub mod aws_validate_additional_security_groups;
pub mod aws_validate_instance_metadata;
pub mod aws_validate_instance_type;
pub mod aws_validate_maximum_instance_lifetime;
pub mod aws_validate_mixed_instances_policy;
pub mod duplicate_taint;
pub mod parse_taint;
pub mod validate_api_server_role;
pub mod validate_control_plane_size;
pub mod validate_control_plane_subnets;
pub mod validate_external_load_balancer;
pub mod validate_extra_user_data;
pub mod validate_gvisor_role;
pub mod validate_hook_spec;
pub mod validate_ig_cloud_labels;
pub mod validate_instance_profile;
pub mod validate_karpenter_instance_group;
pub mod validate_node_labels;
pub mod validate_rolling_update;
pub mod validate_root_volume;
pub mod validate_sysctl_parameters;
pub mod validate_volume_mount_spec;
pub mod validate_volume_spec;
pub mod validate_warm_pool;

use serde_json::Value;

use super::kops::cloud::Cloud;
use super::support::{at, ig_name};
use super::{ClusterContext, InstanceGroup, Rule};
use crate::findings::{CodeInfo, Finding};
pub use crate::yaml::escape_pointer_token as escape;

/// The cluster's cloud as kops's conversion decides it (`None`: none kops accepts).
pub fn cloud(cx: &ClusterContext<'_>) -> Option<Cloud> {
    Cloud::of(cx.cluster)
}

/// True when the cluster runs on AWS, where the AWS-only checks of `aws.go` apply.
pub fn is_aws(cx: &ClusterContext<'_>) -> bool {
    cloud(cx) == Some(Cloud::Aws)
}

/// A finding about instance group `ig` at the value of `pointer`; the message starts with
/// the group's name so every finding names its object.
pub fn finding(
    info: &'static CodeInfo,
    ig: &InstanceGroup,
    pointer: &str,
    what: impl std::fmt::Display,
    help: impl Into<String>,
) -> Finding {
    at(
        info,
        &ig.doc,
        pointer,
        format!("instance group `{}` {what}", ig_name(ig)),
    )
    .with_help(help)
}

/// An integer at `pointer` (YAML `3`, not `"3"`).
pub fn int_at(ig: &InstanceGroup, pointer: &str) -> Option<i64> {
    ig.doc.get(pointer).and_then(Value::as_i64)
}

/// Like [`finding`], but at the key of `pointer` (for a map key that is itself wrong, or
/// a field that is missing).
pub fn finding_at_key(
    info: &'static CodeInfo,
    ig: &InstanceGroup,
    pointer: &str,
    what: impl std::fmt::Display,
    help: impl Into<String>,
) -> Finding {
    let mut f = finding(info, ig, pointer, what, help);
    f.location = ig.doc.key_location(pointer);
    f
}

/// A rule that judges one instance group at a time, as kops's `ValidateInstanceGroup`
/// does; registering it is the `RULE` static of its file.
pub struct GroupRule {
    pub info: &'static CodeInfo,
    /// kops makes the check on AWS only (from `awsValidateInstanceGroup` or an AWS branch).
    pub aws_only: bool,
    pub check: fn(&ClusterContext<'_>, &InstanceGroup, &mut Vec<Finding>),
}

impl Rule for GroupRule {
    fn info(&self) -> &'static CodeInfo {
        self.info
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        if self.aws_only && !is_aws(cx) {
            return;
        }
        for ig in cx.instance_groups {
            (self.check)(cx, ig, out);
        }
    }
}
