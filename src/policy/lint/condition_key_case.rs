//! SL314: one operator block names the same condition key twice in different case. Key
//! names are case-insensitive, so the two entries collide and one is lost.

use super::{conditions, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};

code!(
    INFO,
    "SL314",
    "condition-key-case-duplicate",
    Error,
    "one condition operator lists the same key twice, spelt in different case"
);

pub struct ConditionKeyCase;
pub static RULE: ConditionKeyCase = ConditionKeyCase;

impl PolicyRule for ConditionKeyCase {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            let entries = conditions(s, &cx.pointer(i));
            for (n, e) in entries.iter().enumerate() {
                let earlier = entries[..n].iter().find(|o| {
                    o.operator == e.operator && o.key != e.key && o.key.eq_ignore_ascii_case(e.key)
                });
                if let Some(o) = earlier {
                    out.push(
                        cx.at(&INFO, &e.key_pointer, format!(
                            "condition key `{}` under `{}` is `{}` again in other case; key names ignore case, so only one of them counts",
                            e.key, e.operator, o.key
                        ))
                        .with_help("merge the values under one spelling of the key"),
                    );
                }
            }
        }
    }
}
