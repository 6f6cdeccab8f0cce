//! SL106: an instance group names a zone none of the cluster's subnets is in.

use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};

use super::support::{at, ig_name, quoted_list, strings, subnets};
use super::{ClusterContext, Rule};

pub static INFO: CodeInfo = CodeInfo {
    code: "SL106",
    name: "ig-unknown-zone",
    default_severity: Severity::Error,
    summary: "an instance group uses a zone that no cluster subnet is in",
    doc: "## What it checks\nThat every entry of an InstanceGroup's `spec.zones` is the `zone` of one of the Cluster's subnets.\n\n## Why\nInstances are placed in the group's subnets; a zone with no subnet cannot host any, and kops rejects the group.\n\n## Example\n```yaml\nspec:\n  zones:\n  - eu-west-1d\n```\n\n## Fix\nUse a zone the cluster has a subnet in, or add a subnet in that zone to the Cluster.\n",
};

pub struct IgUnknownZone;

pub static RULE: IgUnknownZone = IgUnknownZone;

impl Rule for IgUnknownZone {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        let mut zones: Vec<&str> = subnets(cx).iter().filter_map(|s| s.zone).collect();
        zones.sort_unstable();
        zones.dedup();
        if zones.is_empty() {
            // Subnets without zones (some clouds): nothing to compare against.
            return;
        }
        for ig in cx.instance_groups {
            for (pointer, zone) in strings(&ig.doc, "/spec/zones") {
                if zones.contains(&zone) {
                    continue;
                }
                out.push(
                    at(
                        &INFO,
                        &ig.doc,
                        &pointer,
                        format!(
                            "instance group `{}` uses zone `{zone}`, which no cluster subnet is in",
                            ig_name(ig)
                        ),
                    )
                    .with_help(format!(
                        "the cluster's zones are {}",
                        quoted_list(zones.iter().copied())
                    )),
                );
            }
        }
    }
}
