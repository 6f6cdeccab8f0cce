//! The principals a map covers (every one the policies name, plus everyone) and the caller
//! each stands for when the evaluator decides a request.

use serde::Serialize;

use crate::policy::arn::{self, PrincipalArn};
use crate::policy::evaluate::Caller;
use crate::policy::model::{PolicyDocument, Principal, PrincipalKind};

/// What kind of principal a map row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// `*`: anyone, anonymous callers included.
    Everyone,
    /// An account (its root user, and whoever its own IAM lets act).
    Account,
    Role,
    User,
    /// An assumed-role session or a federated user.
    Session,
    Service,
}

/// A principal as written in a policy (`*` for everyone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub written: String,
    pub kind: Kind,
    /// The caller making requests as this principal.
    pub caller: Caller,
}

/// The session name the map uses for a role's requests.
const SESSION: &str = "statelint-access";

impl Named {
    /// Everyone: requests without credentials.
    pub fn everyone() -> Named {
        Named {
            written: "*".to_string(),
            kind: Kind::Everyone,
            caller: Caller::Anonymous,
        }
    }

    /// An `AWS` principal value (ARN or account id); `None` when it names no caller
    /// (a malformed ARN, a wildcard, a group: the lint reports those).
    pub fn aws(value: &str) -> Option<Named> {
        if value == "*" {
            return Some(Named::everyone());
        }
        let normalized = arn::normalize_principal_value(value);
        if normalized.contains(['*', '?']) {
            return None;
        }
        let (kind, caller) = match PrincipalArn::parse(&normalized).ok()? {
            PrincipalArn::Root { .. } => (Kind::Account, Caller::from_arn(&normalized).ok()?),
            PrincipalArn::User { .. } => (Kind::User, Caller::from_arn(&normalized).ok()?),
            // A role acts through its sessions; the role's ARN (with its path) is what
            // policies name, the session is what makes the request.
            PrincipalArn::Role { arn } => {
                let name = arn.resource.rsplit('/').next()?;
                let session = format!(
                    "arn:{}:sts::{}:assumed-role/{name}/{SESSION}",
                    arn.partition, arn.account
                );
                (
                    Kind::Role,
                    Caller::from_arn(&session).ok()?.with_role_arn(&normalized),
                )
            }
            PrincipalArn::AssumedRole { .. } | PrincipalArn::FederatedUser { .. } => {
                (Kind::Session, Caller::from_arn(&normalized).ok()?)
            }
            PrincipalArn::Other { .. } => return None,
        };
        Some(Named {
            written: value.to_string(),
            kind,
            caller,
        })
    }

    /// A `Service` principal (`cloudfront.amazonaws.com`).
    pub fn service(value: &str) -> Named {
        Named {
            written: value.to_string(),
            kind: Kind::Service,
            caller: Caller::Service(value.to_string()),
        }
    }

    /// The principal's account, for AWS identities.
    pub fn account(&self) -> Option<&str> {
        self.caller.account()
    }
}

/// The principals of one `Principal`/`NotPrincipal` value.
fn of(principal: &Principal) -> Vec<Named> {
    if matches!(principal, Principal::Any) {
        return vec![Named::everyone()];
    }
    principal
        .entries()
        .into_iter()
        .filter_map(|(kind, value)| match kind {
            PrincipalKind::Aws => Named::aws(value),
            PrincipalKind::Service => Some(Named::service(value)),
            // Web-identity and SAML providers, canonical users: not modelled.
            PrincipalKind::Federated | PrincipalKind::CanonicalUser => None,
        })
        .collect()
}

/// Everyone first, then every principal `policy` names, in order of first appearance.
pub fn named_in(policy: Option<&PolicyDocument>) -> Vec<Named> {
    let mut out = vec![Named::everyone()];
    for s in policy.map(|p| p.statements()).unwrap_or_default() {
        for p in s.principal.iter().chain(s.not_principal.iter()) {
            for named in of(p) {
                push_unique(&mut out, named);
            }
        }
    }
    out
}

/// Adds `named` unless a principal with the same caller is already there.
pub fn push_unique(list: &mut Vec<Named>, named: Named) {
    if !list
        .iter()
        .any(|n| n.written == named.written || n.caller == named.caller)
    {
        list.push(named);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_callers() {
        let Some(role) = Named::aws("arn:aws:iam::111111111111:role/ops/Admin") else {
            panic!("role")
        };
        assert_eq!(role.kind, Kind::Role);
        assert_eq!(
            role.caller.principal_arn(),
            Some("arn:aws:iam::111111111111:role/ops/Admin")
        );
        let Some(acct) = Named::aws("222222222222") else {
            panic!("account")
        };
        assert_eq!(acct.kind, Kind::Account);
        assert_eq!(acct.account(), Some("222222222222"));
        assert!(Named::aws("arn:aws:iam::111111111111:role/*").is_none());
        assert!(Named::aws("not-an-arn").is_none());
        assert_eq!(Named::aws("*").map(|n| n.kind), Some(Kind::Everyone));
    }

    #[test]
    fn every_named_principal_once_everyone_first() {
        let p: PolicyDocument = serde_json::from_str(
            r#"{"Statement":[
            {"Effect":"Allow","Principal":{"AWS":["111111111111","arn:aws:iam::111111111111:root"]},"Action":"s3:*","Resource":"*"},
            {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::222222222222:user/ci","Service":"logging.s3.amazonaws.com"},"Action":"s3:*","Resource":"*"}]}"#,
        )
        .expect("policy");
        let names: Vec<String> = named_in(Some(&p)).into_iter().map(|n| n.written).collect();
        assert_eq!(
            names,
            [
                "*",
                "111111111111",
                "arn:aws:iam::222222222222:user/ci",
                "logging.s3.amazonaws.com"
            ]
        );
    }
}
