//! What changes between two maps: which principals gain or lose which capability. This is
//! what a reviewer of a bucket-policy change wants to see.

use serde::Serialize;

use super::{AccessMap, Capability, StatementAt, Verdict};

/// One capability of one principal that changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub principal: String,
    pub capability: Capability,
    pub before: Verdict,
    pub after: Verdict,
    /// The statement of the new policy that decides it, when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<StatementAt>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

impl Change {
    /// A gain: the principal can do more than before.
    pub fn gains(&self) -> bool {
        self.after > self.before
    }
}

/// Every changed cell, principals in the order of `new` then those only in `old`.
pub fn diff(old: &AccessMap, new: &AccessMap) -> Vec<Change> {
    let mut names: Vec<&str> = new
        .principals
        .iter()
        .map(|p| p.principal.as_str())
        .collect();
    for p in &old.principals {
        if !names.contains(&p.principal.as_str()) {
            names.push(&p.principal);
        }
    }
    let mut out = Vec::new();
    for name in names {
        let (before, after) = (old.row(name), new.row(name));
        for c in Capability::ALL {
            let b = before.map_or(Verdict::Deny, |r| r.verdict(c));
            let cell = after.and_then(|r| r.cell(c));
            let a = cell.map_or(Verdict::Deny, |cell| cell.verdict);
            if a != b {
                out.push(Change {
                    principal: name.to_string(),
                    capability: c,
                    before: b,
                    after: a,
                    statement: cell.and_then(|c| c.statement.clone()),
                    condition: cell.and_then(|c| c.condition.clone()),
                });
            }
        }
    }
    out
}
