//! SL106: an instance group names a zone none of the cluster's subnets is in.

use crate::findings::{code, CodeInfo, Finding};

use super::kops::cloud::Cloud;
use super::support::{at, ig_name, quoted_list, strings, subnets};
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL106",
    "ig-unknown-zone",
    Error,
    "an instance group uses a zone that no cluster subnet is in"
);

pub struct IgUnknownZone;

pub static RULE: IgUnknownZone = IgUnknownZone;

impl Rule for IgUnknownZone {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        if Cloud::of(cx.cluster) == Some(Cloud::Gce) {
            // GCE subnets are regional: a `zone` on one is the subnet's fault (SL124), and
            // a group's zones are not bound to subnet zones.
            return;
        }
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
