//! SL111: an instance group's `metadata.name` differs from its file name.

use crate::findings::{code, CodeInfo, Finding};

use super::support::at;
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL111",
    "ig-name-mismatch",
    Error,
    "an InstanceGroup's `metadata.name` is not its file name under `instancegroup/`"
);

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
