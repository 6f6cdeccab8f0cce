//! SL310: two statements with the same `Sid`.

use super::{PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};

code!(
    INFO,
    "SL310",
    "duplicate-sid",
    Error,
    "two statements share a `Sid`"
);

pub struct DuplicateSid;
pub static RULE: DuplicateSid = DuplicateSid;

impl PolicyRule for DuplicateSid {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let mut seen: Vec<(&str, usize)> = Vec::new();
        for (i, s) in cx.statements().iter().enumerate() {
            // AWS's own examples repeat `"Sid": ""`; only named statements must be unique.
            let Some(sid) = s.sid.as_deref().filter(|sid| !sid.is_empty()) else {
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
