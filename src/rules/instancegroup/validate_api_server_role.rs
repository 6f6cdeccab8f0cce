//! SL191: an `APIServer` instance group where kops cannot run one. Mirrors the
//! `HasAPIServer` part of kops's `CrossValidateInstanceGroup` (`instancegroup.go`).

use crate::findings::{code, Finding};
use crate::rules::support::role;
use crate::rules::{ClusterContext, InstanceGroup};

use super::{cloud, finding, GroupRule};
use crate::rules::kops::cloud::Cloud;

code!(
    INFO,
    "SL191",
    "api-server-role",
    Error,
    "an instance group has role `APIServer` on a cloud other than AWS or GCE, or on AWS with `topology.dns.type: None`"
);

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

/// kops's `UsesNoneDNS`: `spec.topology.dns.type` (v1alpha2) or
/// `spec.networking.topology.dns` (v1alpha3) is `None`.
fn uses_none_dns(cx: &ClusterContext<'_>) -> bool {
    ["/spec/topology/dns/type", "/spec/networking/topology/dns"]
        .iter()
        .filter_map(|p| cx.cluster.str_at(p))
        .any(|t| t.eq_ignore_ascii_case("None"))
}

fn check(cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    if role(ig) != Some("APIServer") {
        return;
    }
    match cloud(cx) {
        Some(Cloud::Gce) => {}
        Some(Cloud::Aws) if !uses_none_dns(cx) => {}
        Some(Cloud::Aws) => out.push(finding(
            &INFO,
            ig,
            "/spec/role",
            "has role `APIServer`, which kops cannot use with `topology.dns.type: None` on AWS",
            "use a DNS topology other than None, or run the API server on the control-plane groups",
        )),
        other => out.push(finding(
            &INFO,
            ig,
            "/spec/role",
            format_args!(
                "has role `APIServer` on cloud `{}`; kops supports it on AWS and GCE only",
                other.map_or("unknown", Cloud::name)
            ),
            "use role `ControlPlane` for API servers on this cloud",
        )),
    }
}
