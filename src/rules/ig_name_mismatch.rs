//! SL111: an instance group's `metadata.name` differs from its file name.

use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};

use super::support::at;
use super::{ClusterContext, Rule};

pub static INFO: CodeInfo = CodeInfo {
    code: "SL111",
    name: "ig-name-mismatch",
    default_severity: Severity::Error,
    summary: "an InstanceGroup's `metadata.name` is not its file name under `instancegroup/`",
    doc: "## What it checks\nThat `<cluster>/instancegroup/<name>` holds an InstanceGroup named `<name>`.\n\n## Why\nkops lists groups by file name and then uses the name inside; a mismatch (a file copied to a new name) makes two files describe one group, or etcd members and autoscaler settings point at the wrong one.\n\n## Example\n`instancegroup/nodes-b` containing `metadata.name: nodes-a`.\n\n## Fix\nRename the file or the group so they agree; prefer `kops create ig` / `kops delete ig` over copying files.\n",
};

pub struct IgNameMismatch;

pub static RULE: IgNameMismatch = IgNameMismatch;

impl Rule for IgNameMismatch {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        for ig in cx.instance_groups {
            let pointer = "/metadata/name";
            let Some(name) = ig.doc.str_at(pointer) else {
                continue;
            };
            if name == ig.file_name {
                continue;
            }
            out.push(
                at(
                    &INFO,
                    &ig.doc,
                    pointer,
                    format!(
                        "the InstanceGroup in `instancegroup/{}` is named `{name}`",
                        ig.file_name
                    ),
                )
                .with_help(format!(
                    "rename the file to `instancegroup/{name}` or set `metadata.name: {}`",
                    ig.file_name
                )),
            );
        }
    }
}
