//! SL116: etcd clusters with unknown or duplicated names, or duplicated members.

use std::collections::HashSet;

use crate::findings::{code, CodeInfo, Finding};
use crate::suggest::did_you_mean;

use super::support::{at, etcd_clusters, quoted_list};
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL116",
    "etcd-cluster-names",
    Error,
    "an etcd cluster name is unknown or repeated, or a member name is repeated"
);

pub struct EtcdClusterNames;

pub static RULE: EtcdClusterNames = EtcdClusterNames;

const KNOWN: &[&str] = &["main", "events", "cilium", "leases"];

impl Rule for EtcdClusterNames {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        let mut seen = HashSet::new();
        for etcd in etcd_clusters(cx) {
            let Some(name) = etcd.name else { continue };
            let pointer = format!("{}/name", etcd.pointer);
            if !KNOWN.contains(&name) {
                out.push(
                    at(
                        &INFO,
                        cx.cluster,
                        &pointer,
                        format!("etcd cluster `{name}` is not one kops runs"),
                    )
                    .with_help(
                        match did_you_mean(name, KNOWN.iter().copied()) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!("use one of {}", quoted_list(KNOWN.iter().copied())),
                        },
                    ),
                );
            }
            if !seen.insert(name) {
                out.push(
                    at(
                        &INFO,
                        cx.cluster,
                        &pointer,
                        format!("etcd cluster `{name}` is defined more than once"),
                    )
                    .with_help("merge the entries into one"),
                );
            }
            let mut members = HashSet::new();
            for m in &etcd.members {
                let Some(member) = m.name else { continue };
                if !members.insert(member) {
                    out.push(
                        at(
                            &INFO,
                            cx.cluster,
                            &format!("{}/name", m.pointer),
                            format!("etcd cluster `{name}` has two members named `{member}`"),
                        )
                        .with_help("give each member its own name"),
                    );
                }
            }
        }
    }
}
