//! SL102: `metadata.name` differs from the cluster's folder in the store.

use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};

use super::support::at;
use super::{ClusterContext, Rule};

pub static INFO: CodeInfo = CodeInfo {
    code: "SL102",
    name: "cluster-name-mismatch",
    default_severity: Severity::Error,
    summary: "the Cluster's `metadata.name` is not its folder name in the store",
    doc: "## What it checks\nThat `<store>/<name>/config` holds a Cluster whose `metadata.name` is `<name>`.\n\n## Why\nkops finds a cluster by its folder and then trusts the name inside; a mismatch (a folder copied or renamed by hand) makes kops manage DNS records, tags and keys under the wrong name.\n\n## Example\n`s3://state/prod.example.com/config` containing `metadata.name: staging.example.com`.\n\n## Fix\nMove the folder to the name in the document, or restore the document that belongs in this folder. Never rename a running cluster by editing `metadata.name`.\n",
};

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
