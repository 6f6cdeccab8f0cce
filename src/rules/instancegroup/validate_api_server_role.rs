//! SL191: an `APIServer` instance group where kops cannot run one. Mirrors the
//! `HasAPIServer` part of kops's `CrossValidateInstanceGroup` (`instancegroup.go`).

use crate::findings::{code, CodeInfo, Finding};
use crate::rules::support::role;
use crate::rules::{ClusterContext, Rule};

use super::{cloud, finding};
use crate::rules::kops::cloud::Cloud;

code!(
    INFO,
    "SL191",
    "api-server-role",
    Error,
    "an instance group has role `APIServer` on a cloud other than AWS or GCE, or on AWS with `topology.dns.type: None`"
);

pub struct ValidateApiServerRole;

pub static RULE: ValidateApiServerRole = ValidateApiServerRole;

/// kops's `UsesNoneDNS`: `spec.topology.dns.type` (v1alpha2) or
/// `spec.networking.topology.dns` (v1alpha3) is `None`.
fn uses_none_dns(cx: &ClusterContext<'_>) -> bool {
    ["/spec/topology/dns/type", "/spec/networking/topology/dns"]
        .iter()
        .filter_map(|p| cx.cluster.str_at(p))
        .any(|t| t.eq_ignore_ascii_case("None"))
}

impl Rule for ValidateApiServerRole {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        let cloud = cloud(cx);
        let none_dns = uses_none_dns(cx);
        for ig in cx
            .instance_groups
            .iter()
            .filter(|ig| role(ig) == Some("APIServer"))
        {
            match cloud {
                Some(Cloud::Gce) => {}
                Some(Cloud::Aws) if !none_dns => {}
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
                    format_args!("has role `APIServer` on cloud `{}`; kops supports it on AWS and GCE only", other.map_or("unknown", Cloud::name)),
                    "use role `ControlPlane` for API servers on this cloud",
                )),
            }
        }
    }
}
