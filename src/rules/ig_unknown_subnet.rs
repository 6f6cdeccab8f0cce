//! SL105: an instance group names a subnet the cluster does not have.

use crate::findings::{code, CodeInfo, Finding};
use crate::suggest::did_you_mean;

use super::support::{at, quoted_list, strings, subnets};
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL105",
    "ig-unknown-subnet",
    Error,
    "an instance group uses a subnet that is not in the Cluster's `spec.subnets`"
);

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
