//! Conditions the map cannot decide offline. A statement whose condition reads a key that
//! depends on the request (source IP, VPC endpoint, MFA, organisation, ...) is evaluated
//! twice: once as if that part held (optimistic: conditional `Allow`s grant, conditional
//! `Deny`s do not apply) and once as if it did not (pessimistic). Where the two answers
//! differ, the capability "depends" on that condition.
//!
//! Keys the map does know are left to the evaluator: the principal's own keys (which it
//! derives from the caller) and what kops sends on every request (HTTPS, the listing
//! prefix and delimiter).

use crate::policy::fix::PRINCIPAL_KEYS;
use crate::policy::model::{Condition, Effect, OneOrMany, OrderedMap, PolicyDocument, Statement};

/// Request keys whose value is known for kops's own requests.
const KOPS_REQUEST_KEYS: [&str; 3] = ["aws:securetransport", "s3:prefix", "s3:delimiter"];

/// Whether the evaluator can decide `key` offline.
fn decidable(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    PRINCIPAL_KEYS.contains(&key.as_str()) || KOPS_REQUEST_KEYS.contains(&key.as_str())
}

/// The condition with only the entries whose keys pass `keep`; `None` when nothing is left.
fn filtered(condition: &Condition, keep: impl Fn(&str) -> bool) -> Option<Condition> {
    let ops: Vec<_> = condition
        .iter()
        .filter_map(|(op, keys)| {
            let kept: Vec<_> = keys
                .iter()
                .filter(|(k, _)| keep(k))
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect();
            (!kept.is_empty()).then(|| (op.to_string(), OrderedMap(kept)))
        })
        .collect();
    (!ops.is_empty()).then_some(OrderedMap(ops))
}

/// The part of a statement's condition that cannot be decided offline.
pub fn undecided(statement: &Statement) -> Option<Condition> {
    filtered(statement.condition.as_ref()?, |k| !decidable(k))
}

/// The policy as it applies when every undecided condition goes the way that grants the
/// most (`optimistic`) or the least. Statement positions are kept, so decisions still name
/// the statements as written.
pub fn variant(policy: &PolicyDocument, optimistic: bool) -> PolicyDocument {
    let statements = policy
        .statements()
        .iter()
        .map(|s| {
            if undecided(s).is_none() {
                return s.clone();
            }
            let grants = s.effect == Effect::Allow;
            if grants == optimistic {
                // Assume the undecided part holds: keep only what can be decided.
                Statement {
                    condition: s.condition.as_ref().and_then(|c| filtered(c, decidable)),
                    ..s.clone()
                }
            } else {
                // Assume it does not hold: the statement matches nothing.
                Statement {
                    action: None,
                    not_action: None,
                    ..s.clone()
                }
            }
        })
        .collect();
    PolicyDocument {
        statements: OneOrMany::Many(statements),
        ..policy.clone()
    }
}

/// A condition as one line: `` `aws:SourceIp` NotIpAddress `10.0.0.0/8` ``, parts joined by
/// "and".
pub fn text(condition: &Condition) -> String {
    let mut parts = Vec::new();
    for (op, keys) in condition.iter() {
        for (key, values) in keys.iter() {
            let values: Vec<String> = values
                .iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => format!("`{s}`"),
                    other => format!("`{other}`"),
                })
                .collect();
            parts.push(format!("`{key}` {op} {}", values.join(" or ")));
        }
    }
    parts.join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(json: &str) -> PolicyDocument {
        serde_json::from_str(json).expect("test policy")
    }

    #[test]
    fn variants_split_request_conditions_and_keep_principal_ones() {
        let p = doc(r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
             "Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"},"StringEquals":{"aws:PrincipalAccount":"111111111111"}}},
            {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
             "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#);
        let opt = variant(&p, true);
        let pess = variant(&p, false);
        // Optimistic: the conditional Deny matches nothing; the HTTPS one is untouched.
        assert!(opt.statements()[0].action.is_none());
        assert_eq!(opt.statements()[1], p.statements()[1]);
        // Pessimistic: the Deny applies, still limited by the principal key.
        let kept = pess.statements()[0].condition.as_ref().map(text);
        assert_eq!(
            kept.as_deref(),
            Some("`aws:PrincipalAccount` StringEquals `111111111111`")
        );
        assert_eq!(
            undecided(&p.statements()[0]).as_ref().map(text).as_deref(),
            Some("`aws:SourceIp` NotIpAddress `10.0.0.0/8`")
        );
        assert!(undecided(&p.statements()[1]).is_none());
    }
}
