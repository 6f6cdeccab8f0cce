//! SL179: `iam.profile` that is not an instance-profile ARN. Mirrors kops's
//! `validateInstanceProfile` (`instancegroup.go`).

use crate::findings::{code, Finding};
use crate::policy::arn::Arn;
use crate::rules::{ClusterContext, InstanceGroup};

use super::GroupRule;

use super::finding;

code!(
    INFO,
    "SL179",
    "iam-instance-profile",
    Error,
    "an instance group's `iam.profile` is not an IAM instance-profile ARN"
);

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

pub fn is_instance_profile_arn(s: &str) -> bool {
    Arn::parse(s).is_ok_and(|a| a.resource.starts_with("instance-profile/"))
}

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    let pointer = "/spec/iam/profile";
    let Some(profile) = ig.doc.get(pointer) else {
        return;
    };
    let text = profile
        .as_str()
        .map_or_else(|| profile.to_string(), str::to_string);
    if !is_instance_profile_arn(&text) {
        out.push(finding(
            &INFO,
            ig,
            pointer,
            format_args!("has `iam.profile: {text}`, which is not an instance-profile ARN"),
            "give the instance profile's ARN, like `arn:aws:iam::123456789012:instance-profile/my-profile` (not a role's or group's ARN)",
        ));
    }
}
