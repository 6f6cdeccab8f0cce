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
                    .with_help(format!(
                        "write an address and a prefix length, e.g. `{}`",
                        example_for(cx, &pointer)
                    )),
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

/// A well-formed value for the field at `pointer`, so the advice never proposes a range the
/// cluster cannot use (a pod range inside its own network, say): kops's defaults for the
/// cluster-wide ranges, and for a subnet the first /19 (or smaller) of the cluster's network.
fn example_for(cx: &ClusterContext<'_>, pointer: &str) -> String {
    match pointer {
        "/spec/podCIDR" => "100.96.0.0/11".into(),
        "/spec/serviceClusterIPRange" => "100.64.0.0/13".into(),
        "/spec/nonMasqueradeCIDR" => "100.64.0.0/10".into(),
        "/spec/networkCIDR" => "172.20.0.0/16".into(),
        _ if pointer.starts_with("/spec/subnets/") => cx
            .cluster
            .str_at("/spec/networkCIDR")
            .and_then(|n| n.parse::<IpNet>().ok())
            .and_then(|net| {
                let prefix = (net.prefix_len() + 3).max(19).min(net.max_prefix_len());
                net.trunc().subnets(prefix).ok()?.next()
            })
            .map_or_else(|| "172.20.32.0/19".into(), |n| n.to_string()),
        _ => "10.1.0.0/16".into(),
    }
}
