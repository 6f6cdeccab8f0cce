//! SL313: the same key twice in one JSON object. AWS reads the last one, so everything the
//! earlier ones said (a whole `StringEquals` block, an `Action` list) is silently dropped.

use super::{PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};

code!(
    INFO,
    "SL313",
    "duplicate-json-key",
    Error,
    "a JSON object of the policy has the same key twice; all but the last are ignored"
);

pub struct DuplicateJsonKey;
pub static RULE: DuplicateJsonKey = DuplicateJsonKey;

impl PolicyRule for DuplicateJsonKey {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let mut reported = Vec::new();
        for d in &cx.parsed.duplicates {
            let key = d.pointer.rsplit('/').next().unwrap_or_default();
            let key = key.replace("~1", "/").replace("~0", "~");
            let first = format!(
                "key `{key}` is written again at {}:{} in the same object, so this entry is ignored",
                d.second.line, d.second.column
            );
            let second = format!(
                "key `{key}` repeats the one at {}:{} in the same object and silently replaces it",
                d.first.line, d.first.column
            );
            for (span, message) in [(d.first, first), (d.second, second)] {
                if reported.contains(&span.offset) {
                    continue;
                }
                reported.push(span.offset);
                out.push(cx.at_span(&INFO, span, &d.pointer, message).with_help(
                    "merge the two entries into one (for conditions, put every key under one operator)",
                ));
            }
        }
    }
}
