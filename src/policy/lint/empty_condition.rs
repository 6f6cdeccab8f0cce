//! SL329: an empty `Condition` object, or a condition key with an empty list of values.
//! An empty list makes the condition false (or, under `ForAllValues:` and `...IfExists`,
//! true whenever the key is absent): almost never what the author meant.

use super::{conditions, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};

code!(
    INFO,
    "SL329",
    "empty-condition",
    Warning,
    "a `Condition` is an empty object, or a condition key has no values"
);

pub struct EmptyCondition;
pub static RULE: EmptyCondition = EmptyCondition;

impl PolicyRule for EmptyCondition {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            let base = cx.pointer(i);
            if s.condition.as_ref().is_some_and(|c| c.is_empty()) {
                out.push(
                    cx.at(
                        &INFO,
                        &format!("{base}/Condition"),
                        "`Condition` is an empty object".into(),
                    )
                    .with_help("remove `Condition`, or add the condition it was meant to hold"),
                );
            }
            for e in conditions(s, &base) {
                if !e.values.is_empty() {
                    continue;
                }
                let effect = if e
                    .qualifier()
                    .is_some_and(|q| q.eq_ignore_ascii_case("ForAllValues"))
                    || e.operator.ends_with("IfExists")
                {
                    "true only when the request has no such key"
                } else {
                    "never true"
                };
                out.push(
                    cx.at(
                        &INFO,
                        &e.key_pointer,
                        format!(
                            "`{}` under `{}` has no values, so the condition is {effect}",
                            e.key, e.operator
                        ),
                    )
                    .with_help("list the values to compare with, or remove the key"),
                );
            }
        }
    }
}
