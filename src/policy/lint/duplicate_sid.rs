//! SL310: two statements with the same `Sid`.

use super::{PolicyContext, PolicyRule};
use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};

pub static INFO: CodeInfo = CodeInfo {
    code: "SL310",
    name: "duplicate-sid",
    default_severity: Severity::Error,
    summary: "two statements share a `Sid`",
    doc: "## What it checks\nThat every `Sid` in the policy is unique.\n\n## Why\nS3 rejects bucket policies with duplicate statement ids (`MalformedPolicy`), and tools that update statements by `Sid` (including `statelint fix-policy`) would change the wrong one.\n\n## Example\nTwo statements both with `\"Sid\": \"KopsState\"`.\n\n## Fix\nRename one of them.\n",
};

pub struct DuplicateSid;
pub static RULE: DuplicateSid = DuplicateSid;

impl PolicyRule for DuplicateSid {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let mut seen: Vec<(&str, usize)> = Vec::new();
        for (i, s) in cx.statements().iter().enumerate() {
            let Some(sid) = s.sid.as_deref() else {
                continue;
            };
            if let Some((_, first)) = seen.iter().find(|(x, _)| *x == sid) {
                out.push(
                    cx.at(
                        &INFO,
                        &format!("{}/Sid", cx.pointer(i)),
                        format!("`Sid` `{sid}` is already used by statement #{first}"),
                    )
                    .with_help("give every statement its own `Sid`"),
                );
            } else {
                seen.push((sid, i));
            }
        }
    }
}
