//! SL104: two subnets of the cluster have overlapping CIDRs.

use ipnet::IpNet;

use crate::findings::{code, CodeInfo, Finding};

use super::support::{at, subnets};
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL104",
    "subnet-overlap",
    Error,
    "two subnets of the cluster have overlapping CIDRs"
);

pub struct SubnetOverlap;

pub static RULE: SubnetOverlap = SubnetOverlap;

fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

impl Rule for SubnetOverlap {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        let parsed: Vec<_> = subnets(cx)
            .into_iter()
            .filter_map(|s| {
                let text = s.cidr?;
                let net = text.parse::<IpNet>().ok()?.trunc();
                Some((s, text, net))
            })
            .collect();
        for (i, (later, later_text, later_net)) in parsed.iter().enumerate() {
            // Report each subnet once, against the first earlier subnet it overlaps.
            let Some((first, first_text, _)) = parsed[..i]
                .iter()
                .find(|(_, _, net)| overlaps(net, later_net))
            else {
                continue;
            };
            let pointer = format!("{}/cidr", later.pointer);
            out.push(
                at(
                    &INFO,
                    cx.cluster,
                    &pointer,
                    format!(
                        "subnet `{}` (`{later_text}`) overlaps subnet `{}` (`{first_text}`)",
                        later.name.unwrap_or("?"),
                        first.name.unwrap_or("?")
                    ),
                )
                .with_help("give every subnet a distinct, non-overlapping range"),
            );
        }
    }
}
