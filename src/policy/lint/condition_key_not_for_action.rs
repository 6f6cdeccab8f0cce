//! SL317: an S3 condition key that none of the statement's actions supports
//! (`s3:prefix` on `s3:GetObject`): S3 never sets it on those requests, so the condition is
//! false and an Allow never matches (a Deny never applies).

use super::{conditions, s3_actions_of, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::facts;

code!(
    INFO,
    "SL317",
    "condition-key-not-for-action",
    Warning,
    "an S3 condition key is used with actions that never carry it"
);

pub struct ConditionKeyNotForAction;
pub static RULE: ConditionKeyNotForAction = ConditionKeyNotForAction;

impl PolicyRule for ConditionKeyNotForAction {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            let actions = s3_actions_of(s);
            if actions.is_empty() {
                continue;
            }
            for e in conditions(s, &cx.pointer(i)) {
                // Unknown keys are SL316's, tag keys SL331's; `Null` only asks whether the
                // key is there.
                if facts::s3_key(e.key).is_none()
                    || facts::is_tag_key(e.key)
                    || e.base_operator() == "Null"
                {
                    continue;
                }
                if actions.iter().any(|a| facts::action_supports_key(a, e.key)) {
                    continue;
                }
                let supported: Vec<String> = facts::s3_actions()
                    .iter()
                    .filter(|a| facts::action_supports_key(a, e.key))
                    .take(4)
                    .map(|a| format!("`s3:{}`", a.name))
                    .collect();
                let names: Vec<String> = actions
                    .iter()
                    .take(3)
                    .map(|a| format!("`s3:{}`", a.name))
                    .collect();
                out.push(
                    cx.at(&INFO, &e.key_pointer, format!(
                        "condition key `{}` is never set on {}{}; this condition is never true for them",
                        e.key,
                        names.join(", "),
                        if actions.len() > 3 { " and the other actions here" } else { "" }
                    ))
                    .with_help(if supported.is_empty() {
                        "remove the condition, or move it to a statement whose actions support the key".to_string()
                    } else {
                        format!("move the condition to a statement for an action that supports it, e.g. {}", supported.join(", "))
                    }),
                );
            }
        }
    }
}
