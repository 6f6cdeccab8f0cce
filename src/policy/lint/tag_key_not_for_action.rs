//! SL331: a tag condition key (`aws:ResourceTag/...`, `aws:RequestTag/...`, `aws:TagKeys`,
//! `s3:ExistingObjectTag/...`, ...) on S3 actions that never carry it. S3 sets each tag key
//! only on the actions the Service Authorization Reference lists it for; on the others the
//! key is absent, so the condition is constant: a Deny that never applies, a Deny that
//! applies to everyone, an Allow that never grants, or an Allow left unrestricted.

use super::{conditions, s3_actions_of, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding, Severity};
use crate::policy::evaluate::{action_matches, condition_holds_without_key};
use crate::policy::facts::{self, Action};
use crate::policy::model::{Effect, Statement};

code!(
    INFO,
    "SL331",
    "tag-key-not-for-action",
    Warning,
    "a tag condition key is used with S3 actions that never carry it"
);

pub struct TagKeyNotForAction;
pub static RULE: TagKeyNotForAction = TagKeyNotForAction;

/// The S3 actions a statement covers: its `Action` entries, or every S3 action its
/// `NotAction` leaves out.
fn covered(s: &Statement) -> Vec<&'static Action> {
    match &s.not_action {
        Some(excluded) => facts::s3_actions()
            .iter()
            .filter(|a| {
                let full = format!("s3:{}", a.name);
                !excluded.iter().any(|p| action_matches(p, &full))
            })
            .collect(),
        None => s3_actions_of(s),
    }
}

/// `` `s3:GetObject`, `s3:PutObject` and 40 more ``.
fn names(actions: &[&Action]) -> String {
    let shown: Vec<String> = actions
        .iter()
        .take(3)
        .map(|a| format!("`s3:{}`", a.name))
        .collect();
    match actions.len() {
        n if n > 3 => format!("{} and {} more", shown.join(", "), n - 3),
        _ => shown.join(", "),
    }
}

/// The tag keys every one of `actions` carries (what to use instead).
fn carried_by_all(actions: &[&Action]) -> Vec<&'static str> {
    let Some(first) = actions.first() else {
        return Vec::new();
    };
    first
        .condition_keys
        .iter()
        .copied()
        .filter(|k| facts::is_tag_key(k))
        .filter(|k| actions.iter().all(|a| a.condition_keys.contains(k)))
        .collect()
}

/// `s3:ExistingObjectTag/<key>` for `aws:ResourceTag/team` -> `s3:ExistingObjectTag/team`.
fn same_tag(suggested: &str, written: &str) -> String {
    match (suggested.split_once('/'), written.split_once('/')) {
        (Some((prefix, _)), Some((_, tag))) => format!("{prefix}/{tag}"),
        _ => suggested.to_string(),
    }
}

impl PolicyRule for TagKeyNotForAction {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            let actions = covered(s);
            if actions.is_empty() {
                continue;
            }
            for e in conditions(s, &cx.pointer(i)) {
                if !facts::is_tag_key(e.key) {
                    continue;
                }
                let missing: Vec<&Action> = actions
                    .iter()
                    .copied()
                    .filter(|a| !facts::action_lists_key(a, e.key))
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                // Unknown operators are SL312's.
                let Some(holds) = condition_holds_without_key(e.operator, e.values) else {
                    continue;
                };
                let (effect, severity) = match (s.effect, holds) {
                    (Effect::Deny, false) => (
                        "this Deny never applies to them",
                        if missing.iter().any(|a| a.on_objects()) {
                            // The guard of the store's objects (its secrets) is not there.
                            Severity::Error
                        } else {
                            Severity::Warning
                        },
                    ),
                    (Effect::Deny, true) => (
                        "this Deny applies to every request for them, kops included",
                        Severity::Error,
                    ),
                    (Effect::Allow, false) => ("this Allow never grants them", Severity::Note),
                    (Effect::Allow, true) => (
                        "the condition does not restrict them at all",
                        super::store_severity(s, Severity::Warning),
                    ),
                };
                let on = if s.not_action.is_some() {
                    format!(
                        "{} of the S3 actions this `NotAction` statement covers ({})",
                        missing.len(),
                        names(&missing)
                    )
                } else {
                    names(&missing)
                };
                let instead = carried_by_all(&missing);
                let help = match instead.first() {
                    Some(k) => format!(
                        "use a tag key S3 sets on these actions, such as `{}`, or move the condition to a statement for actions that carry `{}`",
                        same_tag(k, e.key),
                        e.key
                    ),
                    None => format!(
                        "narrow the statement to actions that carry `{}` (the IAM Service Authorization Reference lists them), or condition on something S3 sets for these",
                        e.key
                    ),
                };
                out.push(
                    cx.at(
                        &INFO,
                        &e.key_pointer,
                        format!(
                            "tag condition key `{}` is never set on {on}; with `{}` {effect}",
                            e.key, e.operator
                        ),
                    )
                    .with_severity(severity)
                    .with_help(help),
                );
            }
        }
    }
}
