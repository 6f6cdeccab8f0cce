//! SL327: policy variables (`${aws:username}`) written so that IAM cannot read them: an
//! unclosed brace, quotes, spaces, an empty `${}`, a variable where none is allowed
//! (`Action`, `Principal`, a condition key), or any variable in a `2008-10-17` policy,
//! where `${...}` is plain text.

use super::{action_entries, resource_entries, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::model::VERSION_2012;

code!(
    INFO,
    "SL327",
    "policy-variable-syntax",
    Error,
    "a policy variable `${...}` is malformed, misplaced, or used in a policy without `Version` 2012-10-17"
);

pub struct PolicyVariableSyntax;
pub static RULE: PolicyVariableSyntax = PolicyVariableSyntax;

/// The first problem of the `${...}` variables in `text`.
pub(crate) fn variable_problem(text: &str) -> Option<&'static str> {
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        let after = &rest[at + 2..];
        let Some(end) = after.find('}') else {
            return Some("opens `${` without a closing `}`");
        };
        let body = &after[..end];
        let name = body.split_once(", ").map_or(body, |(name, _default)| name);
        if name.is_empty() {
            return Some("has an empty variable `${}`");
        }
        if name.contains(['"', '\'']) && !body.contains(", '") {
            return Some("has quotes inside a variable name");
        }
        if name.contains(char::is_whitespace) {
            return Some("has a space inside a variable name");
        }
        if name.contains("${") {
            return Some("nests one variable in another");
        }
        rest = &after[end + 1..];
    }
    None
}

impl PolicyRule for PolicyVariableSyntax {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let versioned = cx.parsed.policy.version.as_deref() == Some(VERSION_2012);
        for (i, s) in cx.statements().iter().enumerate() {
            let base = cx.pointer(i);
            let mut values: Vec<(String, String, bool)> = Vec::new();
            for (p, v) in resource_entries(s, &base) {
                values.push((p, v.to_string(), true));
            }
            for (p, v) in action_entries(s, &base) {
                values.push((p, v.to_string(), false));
            }
            for e in super::conditions(s, &base) {
                for v in e.texts() {
                    values.push((e.key_pointer.clone(), v, true));
                }
                values.push((e.key_pointer.clone(), e.key.to_string(), false));
            }
            for (pointer, value, allowed) in values {
                if !value.contains("${") {
                    continue;
                }
                let problem = if !allowed {
                    Some("uses a policy variable where IAM does not replace them (only `Resource` and condition values)")
                } else if !versioned {
                    Some("uses a policy variable, but without `\"Version\": \"2012-10-17\"` it is matched as plain text")
                } else {
                    variable_problem(&value)
                };
                if let Some(problem) = problem {
                    out.push(
                        cx.at(&INFO, &pointer, format!("`{value}` {problem}"))
                            .with_help("write variables as `${aws:username}` (no spaces or quotes) in `Resource` or condition values of a 2012-10-17 policy"),
                    );
                }
            }
        }
    }
}
