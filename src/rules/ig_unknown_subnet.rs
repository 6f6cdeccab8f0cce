//! SL105: an instance group names a subnet the cluster does not have.

use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};
use crate::suggest::did_you_mean;

use super::support::{at, quoted_list, strings, subnets};
use super::{ClusterContext, Rule};

pub static INFO: CodeInfo = CodeInfo {
    code: "SL105",
    name: "ig-unknown-subnet",
    default_severity: Severity::Error,
    summary: "an instance group uses a subnet that is not in the Cluster's `spec.subnets`",
    doc: "## What it checks\nThat every name in an InstanceGroup's `spec.subnets` is the `name` of one of the Cluster's `spec.subnets`.\n\n## Why\nkops refuses to build the group (`InstanceGroup ... subnet ... not found`); it usually follows a zone being removed from the cluster or a copy of a group from another cluster.\n\n## Example\n```yaml\n# instancegroup/nodes, in a cluster with subnets us-east-1a and us-east-1b\nspec:\n  subnets:\n  - us-east-1c\n```\n\n## Fix\nUse one of the cluster's subnet names, or add the subnet to the Cluster first.\n",
};

pub struct IgUnknownSubnet;

pub static RULE: IgUnknownSubnet = IgUnknownSubnet;

impl Rule for IgUnknownSubnet {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        let known: Vec<&str> = subnets(cx).iter().filter_map(|s| s.name).collect();
        for ig in cx.instance_groups {
            for (pointer, name) in strings(&ig.doc, "/spec/subnets") {
                if known.contains(&name) {
                    continue;
                }
                let help = match did_you_mean(name, known.iter().copied()) {
                    Some(s) => format!(
                        "did you mean `{s}`? the cluster's subnets are {}",
                        quoted_list(known.iter().copied())
                    ),
                    None => format!(
                        "use one of the cluster's subnets: {}",
                        quoted_list(known.iter().copied())
                    ),
                };
                out.push(
                    at(
                        &INFO,
                        &ig.doc,
                        &pointer,
                        format!("instance group `{}` uses subnet `{name}`, which the cluster does not define", super::support::ig_name(ig)),
                    )
                    .with_help(help),
                );
            }
        }
    }
}
