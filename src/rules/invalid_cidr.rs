//! SL115: a network range of the cluster is not a valid CIDR, or has host bits set.

use ipnet::IpNet;

use crate::findings::{code, CodeInfo, Finding};

use super::support::{at, strings, subnets};
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL115",
    "invalid-cidr",
    Error,
    "a CIDR of the cluster is malformed or has host bits set"
);

pub struct InvalidCidr;

pub static RULE: InvalidCidr = InvalidCidr;

const SINGLE: &[&str] = &[
    "/spec/networkCIDR",
    "/spec/nonMasqueradeCIDR",
    "/spec/podCIDR",
    "/spec/serviceClusterIPRange",
];

impl Rule for InvalidCidr {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        let mut ranges: Vec<(String, &str)> = SINGLE
            .iter()
            .filter_map(|p| cx.cluster.str_at(p).map(|v| (p.to_string(), v)))
            .collect();
        ranges.extend(strings(cx.cluster, "/spec/additionalNetworkCIDRs"));
        ranges.extend(
            subnets(cx)
                .into_iter()
                .filter_map(|s| s.cidr.map(|c| (format!("{}/cidr", s.pointer), c))),
        );
        for (pointer, text) in ranges {
            let field = crate::schema::display_path(&pointer);
            match text.parse::<IpNet>() {
                Err(_) => out.push(
                    at(
                        &INFO,
                        cx.cluster,
                        &pointer,
                        format!("`{field}` is `{text}`, which is not a CIDR"),
                    )
                    .with_help("write an address and a prefix length, e.g. `172.20.32.0/19`"),
                ),
                Ok(net) if net.trunc() != net => out.push(
                    at(
                        &INFO,
                        cx.cluster,
                        &pointer,
                        format!("`{field}` is `{text}`, which has host bits set"),
                    )
                    .with_help(format!("did you mean `{}`?", net.trunc())),
                ),
                Ok(_) => {}
            }
        }
    }
}
