//! SL179: `iam.profile` that is not an instance-profile ARN. Mirrors kops's
//! `validateInstanceProfile` (`instancegroup.go`).

use crate::findings::{code, CodeInfo, Finding};
use crate::policy::arn::Arn;
use crate::rules::{ClusterContext, Rule};

use super::finding;

code!(
    INFO,
    "SL179",
    "iam-instance-profile",
    Error,
    "an instance group's `iam.profile` is not an IAM instance-profile ARN"
);

pub struct ValidateInstanceProfile;

pub static RULE: ValidateInstanceProfile = ValidateInstanceProfile;

pub fn is_instance_profile_arn(s: &str) -> bool {
    Arn::parse(s).is_ok_and(|a| a.resource.starts_with("instance-profile/"))
}

impl Rule for ValidateInstanceProfile {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        for ig in cx.instance_groups {
            let pointer = "/spec/iam/profile";
            let Some(profile) = ig.doc.get(pointer) else {
                continue;
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
    }
}
