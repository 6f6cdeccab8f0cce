//! SL103: a subnet's CIDR is not inside the cluster's network.

use ipnet::IpNet;

use crate::findings::{code, CodeInfo, Finding};

use super::support::{at, strings, subnets};
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL103",
    "subnet-outside-network",
    Error,
    "a subnet CIDR is not inside `networkCIDR` or `additionalNetworkCIDRs`"
);

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
