//! The findings of a map: public access (SL280), another account reading secrets or
//! rewriting the policy (SL281), grants wider than a principal's role (SL282).

use super::diags::{self, At};
use super::templates::{self, Role};
use super::{AccessMap, Capability, Cell, StatementAt, Store, Verdict};
use crate::findings::{Finding, Location, Severity};
use crate::policy::model::PolicyDocument;

/// Where a finding about `statement` points: the statement, else the store.
pub fn at(statement: Option<&StatementAt>, store: &Store) -> At {
    match statement {
        Some(s) => At {
            location: s
                .location
                .clone()
                .unwrap_or_else(|| Location::resource(store.url())),
            pointer: s.pointer.clone(),
            by: format!(" by {s}"),
        },
        None => At {
            location: Location::resource(store.url()),
            pointer: None,
            by: String::new(),
        },
    }
}

/// Capabilities grouped by the statement (and condition) that decides them, in order.
fn by_statement<'a>(
    cells: impl Iterator<Item = (Capability, &'a Cell, Option<&'a StatementAt>)>,
) -> Vec<(Option<&'a StatementAt>, Option<&'a str>, Vec<Capability>)> {
    let mut groups: Vec<(Option<&StatementAt>, Option<&str>, Vec<Capability>)> = Vec::new();
    for (capability, cell, statement) in cells {
        let condition = cell.condition.as_deref();
        match groups
            .iter_mut()
            .find(|(s, c, _)| *s == statement && *c == condition)
        {
            Some((_, _, caps)) => caps.push(capability),
            None => groups.push((statement, condition, vec![capability])),
        }
    }
    groups
}

/// "read secrets and private keys, write cluster specs".
pub fn describe(capabilities: &[Capability]) -> String {
    capabilities
        .iter()
        .map(|c| c.describe())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every finding of `map`. `roles` are the roles declared for principals (`--keep
/// ARN=TEMPLATE`); other principals' roles are guessed from `policy`'s `Sid`s.
pub fn review(
    map: &AccessMap,
    store: &Store,
    roles: &[(String, Role)],
    policy: Option<&PolicyDocument>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let store_url = store.url();
    for row in &map.principals {
        let cells = || row.cells.iter().map(|(c, cell)| (*c, cell));
        if row.principal == "*" {
            let open = cells()
                .filter(|(_, cell)| cell.verdict != Verdict::Deny)
                .map(|(c, cell)| (c, cell, cell.statement.as_ref()));
            for (statement, condition, caps) in by_statement(open) {
                out.push(diags::public(
                    &store_url,
                    &describe(&caps),
                    at(statement, store),
                    condition,
                ));
            }
            continue;
        }
        let foreign = match (&map.owner_account, &row.account) {
            (Some(owner), Some(account)) => (owner != account).then_some(account),
            _ => None,
        };
        let role = roles
            .iter()
            .find(|(p, _)| *p == row.principal)
            .map(|(_, r)| *r)
            .or_else(|| templates::guess(policy, &row.principal));
        let needs = role.map(|r| r.needs(store)).unwrap_or_default();
        if let Some(account) = foreign {
            let sensitive = cells()
                .filter(|(c, cell)| {
                    matches!(c, Capability::ReadSecrets | Capability::ManagePolicy)
                        && cell.verdict == Verdict::Allow
                })
                .map(|(c, cell)| (c, cell, cell.statement.as_ref()));
            for (statement, _, caps) in by_statement(sensitive) {
                let f = diags::cross_account(
                    &row.principal,
                    account,
                    &store_url,
                    &describe(&caps),
                    at(statement, store),
                );
                // What its kops role needs is granted on purpose: noted, not failed.
                let expected = caps.iter().all(|c| needs.contains(c));
                out.push(if expected {
                    f.with_severity(Severity::Note)
                } else {
                    f
                });
            }
        }
        if let Some(role) = role {
            let extra = cells()
                .filter(|(c, cell)| {
                    cell.verdict != Verdict::Deny
                        && cell.bucket_grant.is_some()
                        && !needs.contains(c)
                })
                .map(|(c, cell)| (c, cell, cell.bucket_grant.as_ref()));
            for (statement, _, caps) in by_statement(extra) {
                out.push(diags::wider(
                    &row.principal,
                    &role.name(),
                    &describe(&caps),
                    at(statement, store),
                ));
            }
        }
    }
    out
}
