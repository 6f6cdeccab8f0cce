//! The lockout check: before a bucket policy is replaced, every principal that must keep
//! access still has what its role needs, and the owner's side can still change the policy.

use super::diags;
use super::findings::{at, describe};
use super::templates::{self, Role};
use super::{AccessMap, Capability, Store, Verdict};
use crate::findings::Finding;
use crate::policy::model::PolicyDocument;
use crate::policy::parse::ParsedPolicy;

/// A principal that must keep access, and what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub principal: String,
    /// The role, for messages (`operator`, `owner`, `caller`, `current access`).
    pub role: String,
    pub needs: Vec<Capability>,
}

/// `ARN` or `ARN=ROLE` (a template name or `owner`), as given to `--keep`.
pub fn parse_keep(text: &str) -> Result<(String, Option<Role>), String> {
    match text.rsplit_once('=') {
        Some((principal, role)) => match Role::parse(role) {
            Some(r) => Ok((principal.to_string(), Some(r))),
            None => Err(format!(
                "`{role}` is not a role: use operator, node-readonly, ci-preflight or owner"
            )),
        },
        None => Ok((text.to_string(), None)),
    }
}

/// What an explicitly kept principal needs: its role's needs; without a role, the one its
/// `Sid`s suggest in `policy`, else `operator`.
pub fn explicit(
    principal: &str,
    role: Option<Role>,
    policy: Option<&PolicyDocument>,
    store: &Store,
) -> Need {
    let role = role
        .or_else(|| templates::guess(policy, principal))
        .unwrap_or(Role::Template(crate::policy::fix::Template::Operator));
    Need {
        principal: principal.to_string(),
        role: role.name(),
        needs: role.needs(store),
    }
}

/// Who must keep access by default, from the current map: the caller (who writes the
/// policy, so must be able to change it again), and every principal that reaches the store
/// (lists it or reads a spec) with what it could do of its role's needs (list and
/// read-spec when its role is unknown). Principals of the owner's account that could change
/// the policy must keep that too.
pub fn defaults(
    current: &AccessMap,
    caller: Option<&str>,
    policy: Option<&PolicyDocument>,
    store: &Store,
) -> Vec<Need> {
    let mut out = Vec::new();
    if let Some(caller) = caller {
        out.push(Need {
            principal: caller.to_string(),
            role: "caller".to_string(),
            needs: vec![Capability::ManagePolicy],
        });
    }
    for row in &current.principals {
        if row.principal == "*" || out.iter().any(|n: &Need| n.principal == row.principal) {
            continue;
        }
        let had = |c: Capability| row.verdict(c) == Verdict::Allow;
        let role = templates::guess(policy, &row.principal);
        let wanted = match role {
            Some(r) => r.needs(store),
            None => vec![Capability::List, Capability::ReadSpec],
        };
        let mut needs: Vec<Capability> = if row.reaches() {
            wanted.into_iter().filter(|c| had(*c)).collect()
        } else {
            Vec::new()
        };
        let owner_side = current.owner_account.is_some()
            && current.owner_account.as_deref() == row.account.as_deref();
        if owner_side && had(Capability::ManagePolicy) {
            needs.push(Capability::ManagePolicy);
        }
        if !needs.is_empty() {
            out.push(Need {
                principal: row.principal.clone(),
                role: role.map_or_else(|| "current access".to_string(), Role::name),
                needs,
            });
        }
    }
    out
}

/// Adds `need`, replacing a default for the same principal.
pub fn merge(list: &mut Vec<Need>, need: Need) {
    list.retain(|n| n.principal != need.principal);
    list.push(need);
}

/// The lockouts of `new` for `needs`: SL284 for the right to change the policy, SL283 for
/// the rest, one finding per principal and deciding statement.
pub fn check(new: &AccessMap, needs: &[Need], store: &Store) -> Vec<Finding> {
    let mut out = Vec::new();
    for need in needs {
        let Some(row) = new.row(&need.principal) else {
            continue;
        };
        let mut lost: Vec<(Capability, Verdict, Option<&super::StatementAt>)> = Vec::new();
        for c in &need.needs {
            let cell = row.cell(*c);
            let verdict = cell.map_or(Verdict::Deny, |c| c.verdict);
            if verdict != Verdict::Allow {
                lost.push((*c, verdict, cell.and_then(|c| c.statement.as_ref())));
            }
        }
        if let Some((_, verdict, statement)) =
            lost.iter().find(|(c, _, _)| *c == Capability::ManagePolicy)
        {
            out.push(diags::owner_lockout(
                &need.principal,
                at(*statement, store),
                *verdict == Verdict::Depends,
            ));
        }
        let mut groups: Vec<(Option<&super::StatementAt>, Verdict, Vec<Capability>)> = Vec::new();
        for (c, verdict, statement) in lost {
            if c == Capability::ManagePolicy {
                continue;
            }
            match groups
                .iter_mut()
                .find(|(s, v, _)| *s == statement && *v == verdict)
            {
                Some((_, _, caps)) => caps.push(c),
                None => groups.push((statement, verdict, vec![c])),
            }
        }
        for (statement, verdict, caps) in groups {
            out.push(diags::lockout(
                &need.principal,
                &need.role,
                &describe(&caps),
                at(statement, store),
                verdict == Verdict::Depends,
            ));
        }
    }
    out
}

/// The lockouts of replacing `current` by `proposed`, for the default kept principals (the
/// caller, and whoever reaches the store under `current`): what `fix-policy --apply` checks
/// before it writes.
pub fn check_change(
    current: Option<&ParsedPolicy>,
    proposed: &ParsedPolicy,
    caller: Option<&str>,
    store: &Store,
    owner_account: Option<&str>,
) -> Vec<Finding> {
    let mut extra: Vec<String> = caller.iter().map(|c| c.to_string()).collect();
    for named in super::principals::named_in(current.map(|p| &p.policy)) {
        if named.kind != super::Kind::Service && !extra.contains(&named.written) {
            extra.push(named.written);
        }
    }
    let map_of = |policy: Option<&ParsedPolicy>| {
        super::map(&super::Input {
            bucket_policy: policy,
            identity: &[],
            store,
            owner_account,
            extra: &extra,
        })
    };
    let before = map_of(current);
    let after = map_of(Some(proposed));
    let needs = defaults(&before, caller, current.map(|p| &p.policy), store);
    check(&after, &needs, store)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(principal: &str, role: &str, needs: &[Capability]) -> Need {
        Need {
            principal: principal.to_string(),
            role: role.to_string(),
            needs: needs.to_vec(),
        }
    }

    /// A `--keep` replaces the default need of its own principal and leaves every other
    /// principal's need in place.
    #[test]
    fn merge_replaces_only_the_same_principal() {
        let mut list = vec![
            need(
                "arn:aws:iam::1:role/a",
                "current access",
                &[Capability::List],
            ),
            need(
                "arn:aws:iam::2:role/b",
                "current access",
                &[Capability::List],
            ),
        ];
        merge(
            &mut list,
            need("arn:aws:iam::1:role/a", "operator", &[Capability::Write]),
        );
        let got: Vec<(&str, &str)> = list
            .iter()
            .map(|n| (n.principal.as_str(), n.role.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("arn:aws:iam::2:role/b", "current access"),
                ("arn:aws:iam::1:role/a", "operator")
            ]
        );
    }
}
