//! SL104: two subnets of the cluster have overlapping CIDRs.

use ipnet::IpNet;

use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};

use super::support::{at, subnets};
use super::{ClusterContext, Rule};

pub static INFO: CodeInfo = CodeInfo {
    code: "SL104",
    name: "subnet-overlap",
    default_severity: Severity::Error,
    summary: "two subnets of the cluster have overlapping CIDRs",
    doc: "## What it checks\nThat no two `spec.subnets[].cidr` ranges overlap.\n\n## Why\nThe cloud refuses to create the second subnet (`InvalidSubnet.Conflict` on AWS), so `kops update cluster` fails half-way; a hand-edited copy of a subnet block is the usual cause.\n\n## Example\n```yaml\nsubnets:\n- {name: eu-west-1a, cidr: 172.20.32.0/19, zone: eu-west-1a}\n- {name: eu-west-1b, cidr: 172.20.48.0/20, zone: eu-west-1b}\n```\n\n## Fix\nGive each subnet its own range (for a /16 network, /19 blocks starting at .32, .64, .96 ...).\n",
};

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
