//! SL102: `metadata.name` differs from the cluster's folder in the store.

use crate::findings::{code, CodeInfo, Finding};

use super::support::at;
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL102",
    "cluster-name-mismatch",
    Error,
    "the Cluster's `metadata.name` is not its folder name in the store"
);

pub struct ClusterNameMismatch;

pub static RULE: ClusterNameMismatch = ClusterNameMismatch;

impl Rule for ClusterNameMismatch {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        let pointer = "/metadata/name";
        match cx.cluster.str_at(pointer) {
            Some(name) if name == cx.name => {}
            Some(name) => out.push(
                at(&INFO, cx.cluster, pointer, format!("the Cluster is named `{name}` but lives in the folder `{}`", cx.name))
                    .with_help(format!("the folder and `metadata.name` must agree: move the files to `{name}/` or restore `{}`'s own config", cx.name)),
            ),
            // A missing name is a schema finding (SL120); nothing to compare.
            None => {}
        }
    }
}
