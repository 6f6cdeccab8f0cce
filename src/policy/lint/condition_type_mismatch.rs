//! SL312: condition operators with values of the wrong type, or unknown operators.

use serde_json::Value;

use super::{PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::evaluate::is_known_operator;
use crate::yaml::escape_pointer_token;

code!(
    INFO,
    "SL312",
    "condition-type-mismatch",
    Error,
    "a condition uses an unknown operator, or values of the wrong type for it"
);

pub struct ConditionTypeMismatch;
pub static RULE: ConditionTypeMismatch = ConditionTypeMismatch;

fn base_operator(op: &str) -> &str {
    let op = op.split_once(':').map_or(op, |(_, rest)| rest);
    op.strip_suffix("IfExists").unwrap_or(op)
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn is_date(s: &str) -> bool {
    s.parse::<i64>().is_ok()
        || (s.len() >= 10
            && s.as_bytes()[4] == b'-'
            && s.as_bytes()[7] == b'-'
            && s[..4].bytes().all(|b| b.is_ascii_digit()))
}

fn value_problem(op: &str, v: &Value) -> Option<String> {
    let t = text(v);
    // A policy variable where the operator does not substitute one is SL340's.
    if super::variable_operator::has_variable(&t) {
        return None;
    }
    match op {
        "IpAddress" | "NotIpAddress" => (t.parse::<ipnet::IpNet>().is_err()
            && t.parse::<std::net::IpAddr>().is_err())
        .then(|| format!("`{t}` is not an IP address or CIDR")),
        o if o.starts_with("Numeric") => t
            .trim()
            .parse::<f64>()
            .is_err()
            .then(|| format!("`{t}` is not a number")),
        "Bool" => (!t.eq_ignore_ascii_case("true") && !t.eq_ignore_ascii_case("false"))
            .then(|| format!("`{t}` is not `true` or `false`")),
        o if o.starts_with("Date") => (!is_date(&t)).then(|| format!("`{t}` is not a date")),
        _ => None,
    }
}

impl PolicyRule for ConditionTypeMismatch {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            let Some(condition) = &s.condition else {
                continue;
            };
            let base = format!("{}/Condition", cx.pointer(i));
            for (op, keys) in condition.iter() {
                let op_pointer = format!("{base}/{}", escape_pointer_token(op));
                if !is_known_operator(op) {
                    out.push(cx.at(&INFO, &op_pointer, format!("`{op}` is not an IAM condition operator; the condition never matches")).with_help("use an operator from the IAM documentation, e.g. `StringEquals`, `ArnLike`, `Bool`, `IpAddress`"));
                    continue;
                }
                let bare = base_operator(op);
                for (key, values) in keys.iter() {
                    let key_pointer = format!("{op_pointer}/{}", escape_pointer_token(key));
                    if key.eq_ignore_ascii_case("aws:SecureTransport") && bare != "Bool" {
                        out.push(cx.at(&INFO, &key_pointer, format!("`aws:SecureTransport` is a boolean but is compared with `{op}`")).with_help("use `\"Bool\": {\"aws:SecureTransport\": \"false\"}`"));
                        continue;
                    }
                    for v in values.iter() {
                        if let Some(problem) = value_problem(bare, v) {
                            out.push(cx.at(&INFO, &key_pointer, format!("`{op}` on `{key}`: {problem}")).with_help("fix the value, or use the operator family of the key's type"));
                        }
                    }
                }
            }
        }
    }
}
