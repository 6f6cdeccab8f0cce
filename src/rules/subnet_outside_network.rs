//! SL103: a subnet's CIDR is not inside the cluster's network.

use ipnet::IpNet;

use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};

use super::support::{at, strings, subnets};
use super::{ClusterContext, Rule};

pub static INFO: CodeInfo = CodeInfo {
    code: "SL103",
    name: "subnet-outside-network",
    default_severity: Severity::Error,
    summary: "a subnet CIDR is not inside `networkCIDR` or `additionalNetworkCIDRs`",
    doc: "## What it checks\nThat every `spec.subnets[].cidr` lies inside `spec.networkCIDR` or one of `spec.additionalNetworkCIDRs` (skipped when no `networkCIDR` is set, e.g. a shared VPC).\n\n## Why\nkops rejects the cluster (`Subnet ... had a CIDR that was not a subnet of the NetworkCIDR`), and the cloud cannot create such a subnet in the VPC.\n\n## Example\n```yaml\nspec:\n  networkCIDR: 172.20.0.0/16\n  subnets:\n  - name: us-east-1a\n    cidr: 10.0.32.0/19\n```\n\n## Fix\nPick a subnet CIDR inside the network, or add the range to `additionalNetworkCIDRs` (and to the VPC).\n",
};

pub struct SubnetOutsideNetwork;

pub static RULE: SubnetOutsideNetwork = SubnetOutsideNetwork;

impl Rule for SubnetOutsideNetwork {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        let Some(Ok(network)) = cx
            .cluster
            .str_at("/spec/networkCIDR")
            .map(str::parse::<IpNet>)
        else {
            return;
        };
        let mut networks = vec![network];
        networks.extend(
            strings(cx.cluster, "/spec/additionalNetworkCIDRs")
                .into_iter()
                .filter_map(|(_, s)| s.parse::<IpNet>().ok()),
        );
        for subnet in subnets(cx) {
            let Some(cidr_text) = subnet.cidr else {
                continue;
            };
            let Ok(cidr) = cidr_text.parse::<IpNet>() else {
                continue;
            };
            if networks.iter().any(|n| n.contains(&cidr)) {
                continue;
            }
            let pointer = format!("{}/cidr", subnet.pointer);
            let list = networks
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(
                at(
                    &INFO,
                    cx.cluster,
                    &pointer,
                    format!(
                        "subnet `{}` has CIDR `{cidr_text}`, outside the cluster network ({list})",
                        subnet.name.unwrap_or("?")
                    ),
                )
                .with_help("choose a CIDR inside `networkCIDR`, or add its range to `additionalNetworkCIDRs`"),
            );
        }
    }
}
