//! SL186: a Karpenter-managed instance group kops refuses. Mirrors kops's
//! `validateKarpenterInstanceGroup`, `validateKarpenterAMISelectorImage` and
//! `validateKarpenterStaticCapacity` (`instancegroup.go`).

use crate::findings::{code, Finding};
use crate::rules::support::role;
use crate::rules::{ClusterContext, InstanceGroup};

use super::{cloud, finding, int_at, GroupRule};
use crate::rules::kops::cloud::Cloud;

code!(
    INFO,
    "SL186",
    "karpenter-group",
    Error,
    "a Karpenter instance group is off AWS, not a Node group, has a non-positive size, an image Karpenter cannot select, or static capacity the feature gates switch off"
);

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

/// Why Karpenter's AMI selector cannot use `image`: it takes `ami-*`, `ssm:<parameter>`,
/// `<name>` or `<owner>/<name>`.
pub fn image_problem(image: &str) -> Option<&'static str> {
    let image = image.trim();
    if image.is_empty() {
        return None;
    }
    // kops refuses a URL before it looks for the `ami-` prefix: `ami-x://y` is refused.
    if image.contains("://") {
        return Some("a URL is not an AMI selector");
    }
    if image.starts_with("ami-") {
        return None;
    }
    if let Some(parameter) = image.strip_prefix("ssm:") {
        return parameter
            .is_empty()
            .then_some("`ssm:` needs a parameter name");
    }
    match image.split_once('/') {
        Some((owner, name)) if owner.is_empty() || name.is_empty() => {
            Some("`<owner>/<name>` needs both parts")
        }
        _ => None,
    }
}

/// kops reads `StaticCapacity=<bool>` from `spec.karpenter.featureGates`; unset gates mean
/// Karpenter's default (on), a list without it means off, and the last mention wins.
pub fn static_capacity_enabled(feature_gates: Option<&str>) -> bool {
    let Some(gates) = feature_gates.filter(|g| !g.is_empty()) else {
        return true;
    };
    let mut enabled = false;
    for gate in gates.split(',') {
        if let Some((name, value)) = gate.split_once('=') {
            if name.trim() == "StaticCapacity" {
                enabled = value.trim().eq_ignore_ascii_case("true");
            }
        }
    }
    enabled
}

fn check(cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    if ig.doc.str_at("/spec/manager") != Some("Karpenter") {
        return;
    }
    let cloud = cloud(cx);
    if cloud != Some(Cloud::Aws) {
        out.push(finding(
            &INFO,
            ig,
            "/spec/manager",
            format_args!(
                "is managed by Karpenter on cloud `{}`",
                cloud.map_or("unknown", Cloud::name)
            ),
            "Karpenter groups exist only on AWS: use `manager: CloudGroup` here",
        ));
    }
    check_group(ig, cx.cluster.str_at("/spec/karpenter/featureGates"), out);
}

fn check_group(ig: &InstanceGroup, gates: Option<&str>, out: &mut Vec<Finding>) {
    if role(ig) != Some("Node") {
        out.push(finding(
            &INFO,
            ig,
            "/spec/role",
            format_args!(
                "is managed by Karpenter but has role `{}`",
                role(ig).unwrap_or("")
            ),
            "Karpenter groups must have `role: Node`",
        ));
    }
    if let Some(max) = int_at(ig, "/spec/maxSize").filter(|n| *n <= 0) {
        out.push(finding(
            &INFO,
            ig,
            "/spec/maxSize",
            format_args!("is managed by Karpenter with `maxSize: {max}`"),
            "set `maxSize` above zero, or delete it",
        ));
    }
    if let Some(image) = ig.doc.str_at("/spec/image") {
        if let Some(why) = image_problem(image) {
            out.push(finding(
                &INFO,
                ig,
                "/spec/image",
                format_args!("is managed by Karpenter with image `{image}`: {why}"),
                "use `ami-...`, `ssm:<parameter>`, `<name>` or `<owner>/<name>`",
            ));
        }
    }
    match int_at(ig, "/spec/minSize") {
        Some(min) if min <= 0 => out.push(finding(
            &INFO,
            ig,
            "/spec/minSize",
            format_args!("is managed by Karpenter with `minSize: {min}`"),
            "delete `minSize` for dynamic capacity, or set it above zero for static capacity",
        )),
        Some(min) if !static_capacity_enabled(gates) => out.push(finding(
            &INFO,
            ig,
            "/spec/minSize",
            format_args!("asks Karpenter for static capacity (`minSize: {min}`) but `spec.karpenter.featureGates` of the cluster switches `StaticCapacity` off"),
            "add `StaticCapacity=true` to the cluster's `spec.karpenter.featureGates`, or delete `minSize`",
        )),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_selectors_like_kops() {
        for ok in [
            "ami-0123456789abcdef0",
            "ssm:/aws/x",
            "kops-node-image",
            "ubuntu/images/*",
            "",
        ] {
            assert_eq!(image_problem(ok), None, "{ok}");
        }
        for bad in [
            "https://example.com/image",
            "ssm:",
            "/missing-owner",
            "missing-name/",
        ] {
            assert!(image_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn feature_gates_like_kops() {
        assert!(static_capacity_enabled(None));
        assert!(static_capacity_enabled(Some("")));
        assert!(static_capacity_enabled(Some(
            "NodeRepair=false,StaticCapacity=true"
        )));
        assert!(static_capacity_enabled(Some(
            "StaticCapacity=false,StaticCapacity=true"
        )));
        assert!(!static_capacity_enabled(Some(" ")));
        assert!(!static_capacity_enabled(Some("NodeRepair=true")));
        assert!(!static_capacity_enabled(Some(
            "StaticCapacity=true,StaticCapacity=false"
        )));
    }
}
