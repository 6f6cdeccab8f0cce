//! SL338: a statement with `"Sid": ""`. An empty label names nothing: findings, Access
//! Analyzer and `fix-policy` cannot tell such statements apart.

use super::{PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};

code!(
    INFO,
    "SL338",
    "empty-sid",
    Note,
    "a statement's `Sid` is the empty string"
);

pub struct EmptySid;
pub static RULE: EmptySid = EmptySid;

impl PolicyRule for EmptySid {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            if s.sid.as_deref() == Some("") {
                out.push(
                    cx.at(
                        &INFO,
                        &format!("{}/Sid", cx.pointer(i)),
                        format!("statement {i} has an empty `Sid`"),
                    )
                    .with_help("name the statement (`\"Sid\": \"KopsNodesRead\"`) or remove `Sid`"),
                );
            }
        }
    }
}
