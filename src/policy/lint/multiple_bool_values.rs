//! SL339: a `Bool` condition given several values (`"aws:SecureTransport": ["true",
//! "false"]`). A Boolean key holds one value, and the values of a key are ORed: the
//! condition holds whenever the key is there, whatever was meant.

use super::{conditions, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};

code!(
    INFO,
    "SL339",
    "multiple-bool-values",
    Error,
    "a `Bool` condition lists more than one value for its key"
);

pub struct MultipleBoolValues;
pub static RULE: MultipleBoolValues = MultipleBoolValues;

impl PolicyRule for MultipleBoolValues {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            for e in conditions(s, &cx.pointer(i)) {
                if e.base_operator() != "Bool" || e.values.len() < 2 {
                    continue;
                }
                out.push(
                    cx.at(
                        &INFO,
                        &e.key_pointer,
                        format!(
                            "`{}: {}` lists {} values for one Boolean; as any of them matches, the condition holds whenever `{}` is in the request",
                            e.operator,
                            e.key,
                            e.values.len(),
                            e.key
                        ),
                    )
                    .with_help("give one value, `\"true\"` or `\"false\"` (for \"is present\" use `Null`)"),
                );
            }
        }
    }
}
