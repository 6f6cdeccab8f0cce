//! A policy evaluator following AWS's documented evaluation logic for one request.
//!
//! Scope: identity-based policies of the caller and one resource-based policy (the bucket
//! policy). The rules, in order:
//! 1. a matching `Deny` in any of them is an explicit deny, which wins;
//! 2. same account: an `Allow` in the identity policies, or an `Allow` in the resource
//!    policy that names the caller itself (its ARN, its role, or everyone) suffices; a
//!    resource-policy grant to the *account* only delegates to the identity policies;
//! 3. cross account: an `Allow` is needed on both sides;
//! 4. otherwise the request is implicitly denied, and we say which side lacks the grant.
//!
//! What is not known is not guessed: unreadable identity policies, an unknown bucket
//! owner, or a `Deny` hidden behind an unknown condition operator give `Inconclusive`
//! wherever the answer depends on them. Not modelled: SCPs/RCPs, permissions boundaries,
//! session policies, VPC endpoint policies, S3 ACLs and Object Ownership.

use ipnet::IpNet;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;

use crate::policy::arn::{self, ArnError, PrincipalArn};
use crate::policy::model::{
    Condition, Effect, OneOrMany, PolicyDocument, Principal, PrincipalKind, Statement, VERSION_2012,
};

mod pattern;
#[cfg(test)]
mod tests;

pub use pattern::glob;
use pattern::{substitute, Pattern};

// ---------------------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------------------

/// Who makes the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Caller {
    /// An IAM identity: account root, user, role session or federated user.
    Aws {
        /// The ARN STS reports (`GetCallerIdentity`), e.g. a session ARN for roles.
        arn: String,
        account: String,
        /// For role sessions: the role's ARN (with its path when known).
        #[serde(skip_serializing_if = "Option::is_none")]
        role_arn: Option<String>,
        /// True when the caller is the account's root user.
        root: bool,
    },
    /// An AWS service principal such as `cloudfront.amazonaws.com`.
    Service(String),
    /// An unauthenticated request.
    Anonymous,
}

impl Caller {
    /// A caller from the ARN STS returned; assumed-role sessions get their role ARN.
    pub fn from_arn(arn: &str) -> Result<Caller, ArnError> {
        let parsed = PrincipalArn::parse(arn)?;
        let role_arn = arn::session_to_role_arn(arn);
        Ok(Caller::Aws {
            arn: arn.to_string(),
            account: parsed.account().to_string(),
            role_arn,
            root: matches!(parsed, PrincipalArn::Root { .. }),
        })
    }

    /// Replaces the role ARN of a session (when the role's path is known from IAM).
    pub fn with_role_arn(mut self, role: impl Into<String>) -> Caller {
        if let Caller::Aws { role_arn, .. } = &mut self {
            *role_arn = Some(role.into());
        }
        self
    }

    pub fn account(&self) -> Option<&str> {
        match self {
            Caller::Aws { account, .. } => Some(account),
            _ => None,
        }
    }

    /// The ARN to grant to and to name in messages: the role for sessions
    /// (`aws:PrincipalArn` semantics), the ARN itself otherwise.
    pub fn principal_arn(&self) -> Option<&str> {
        match self {
            Caller::Aws { arn, role_arn, .. } => Some(role_arn.as_deref().unwrap_or(arn)),
            _ => None,
        }
    }

    /// A short name for messages.
    pub fn display(&self) -> String {
        match self {
            Caller::Aws { .. } => self.principal_arn().unwrap_or_default().to_string(),
            Caller::Service(s) => s.clone(),
            Caller::Anonymous => "anonymous callers".to_string(),
        }
    }
}

/// The request context: condition key -> values. Keys are case-insensitive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Context {
    values: BTreeMap<String, Vec<String>>,
}

impl Context {
    pub fn set(&mut self, key: &str, values: Vec<String>) {
        self.values.insert(key.to_ascii_lowercase(), values);
    }

    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.values
            .get(&key.to_ascii_lowercase())
            .map(Vec::as_slice)
    }
}

/// One API request: who, which action, on which resource, with which context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    pub caller: Caller,
    /// e.g. `s3:GetObject`.
    pub action: String,
    /// e.g. `arn:aws:s3:::bucket/cluster/config`.
    pub resource: String,
    pub context: Context,
}

impl Request {
    /// A request with the principal keys AWS always sets filled in (`aws:PrincipalArn`,
    /// `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:username` for IAM users).
    /// Add transport and network keys (`aws:SecureTransport`, `aws:SourceIp`, ...) with
    /// [`Request::with`].
    pub fn new(caller: Caller, action: impl Into<String>, resource: impl Into<String>) -> Request {
        let mut context = Context::default();
        match &caller {
            Caller::Aws {
                arn, account, root, ..
            } => {
                context.set("aws:PrincipalAccount", vec![account.clone()]);
                context.set(
                    "aws:PrincipalArn",
                    vec![caller.principal_arn().unwrap_or(arn).to_string()],
                );
                let kind = match PrincipalArn::parse(arn) {
                    Ok(PrincipalArn::User { arn }) => {
                        if let Some(name) = arn.resource.rsplit('/').next() {
                            context.set("aws:username", vec![name.to_string()]);
                        }
                        "User"
                    }
                    Ok(PrincipalArn::AssumedRole { .. }) => "AssumedRole",
                    Ok(PrincipalArn::FederatedUser { .. }) => "FederatedUser",
                    _ if *root => "Account",
                    _ => "User",
                };
                context.set("aws:PrincipalType", vec![kind.to_string()]);
            }
            Caller::Service(s) => context.set("aws:PrincipalServiceName", vec![s.clone()]),
            Caller::Anonymous => context.set("aws:PrincipalType", vec!["Anonymous".into()]),
        }
        Request {
            caller,
            action: action.into(),
            resource: resource.into(),
            context,
        }
    }

    /// Sets a single-valued context key (`"aws:SecureTransport"`, `true`).
    pub fn with(mut self, key: &str, value: impl ToString) -> Request {
        self.context.set(key, vec![value.to_string()]);
        self
    }

    /// Sets a multi-valued context key (for `ForAnyValue:` / `ForAllValues:`).
    pub fn with_values<I, S>(mut self, key: &str, values: I) -> Request
    where
        I: IntoIterator<Item = S>,
        S: ToString,
    {
        self.context
            .set(key, values.into_iter().map(|v| v.to_string()).collect());
        self
    }

    /// Removes a context key (to test requests where AWS does not set it).
    pub fn without(mut self, key: &str) -> Request {
        self.context.values.remove(&key.to_ascii_lowercase());
        self
    }
}

/// The policies that apply to a request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicySet {
    /// The caller's identity-based policies; `None` when they could not be read.
    pub identity_policies: Option<Vec<PolicyDocument>>,
    /// The resource's policy (the bucket policy), if it has one.
    pub resource_policy: Option<PolicyDocument>,
    /// The account that owns the resource, when known.
    pub resource_owner_account: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Decision
// ---------------------------------------------------------------------------------------

/// Which policy a statement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "index", rename_all = "snake_case")]
pub enum PolicySource {
    /// The n-th identity policy of [`PolicySet::identity_policies`].
    Identity(usize),
    /// [`PolicySet::resource_policy`].
    Resource,
}

/// One statement, by policy and position (and `Sid` when it has one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRef {
    pub policy: PolicySource,
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

impl fmt::Display for StatementRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sid {
            Some(sid) => write!(f, "statement `{sid}` (#{})", self.index)?,
            None => write!(f, "statement #{}", self.index)?,
        }
        match self.policy {
            PolicySource::Identity(i) => write!(f, " of identity policy #{i}"),
            PolicySource::Resource => write!(f, " of the resource policy"),
        }
    }
}

/// How a resource-policy statement names the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Through the caller's account (`123456789012` or `arn:aws:iam::123456789012:root`):
    /// in the same account this only delegates to the identity policies.
    Account,
    /// By the caller's own ARN, its role's ARN, or `NotPrincipal` not listing it.
    Principal,
    /// `"*"` or `{"AWS": "*"}`: everyone, anonymous callers included.
    Everyone,
}

/// The side(s) lacking a grant in an implicit deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingSide {
    IdentitySide,
    ResourceSide,
    Both,
}

/// What was not known and decided the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unknown {
    /// The caller's identity policies could not be read.
    IdentityPolicies,
    /// The bucket owner's account is unknown, and same- vs cross-account changes the answer.
    OwnerAccount,
    /// A `Deny` statement that would otherwise apply uses an unknown condition operator.
    UnknownOperator,
}

/// What the identity side contributed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IdentityGrant {
    /// An identity-policy statement allows the request.
    Allowed { by: StatementRef },
    /// The caller is the account's root user, which needs no identity policy.
    AccountRoot,
    /// No identity-policy statement allows the request.
    NoGrant,
    /// The identity policies could not be read.
    Unknown,
    /// Anonymous and service callers have no identity policies.
    NotApplicable,
}

/// What the resource side contributed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResourceGrant {
    Allowed {
        by: StatementRef,
        scope: Scope,
    },
    NoGrant,
    /// The resource has no policy.
    NoPolicy,
}

/// A condition operator the evaluator does not know; its condition never matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownOperator {
    pub statement: StatementRef,
    pub operator: String,
}

/// Why the decision came out as it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// `None` when the bucket owner is unknown or the caller is not an AWS identity.
    pub cross_account: Option<bool>,
    pub identity: IdentityGrant,
    pub resource: ResourceGrant,
    pub unknown_operators: Vec<UnknownOperator>,
    /// One lower-case sentence, e.g. "the bucket policy has no statement allowing
    /// `s3:GetBucketLocation` for `arn:aws:iam::222222222222:user/ci`".
    pub summary: String,
}

/// The outcome of evaluating one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    Allow {
        explanation: Explanation,
    },
    ExplicitDeny {
        by: StatementRef,
        explanation: Explanation,
    },
    ImplicitDeny {
        missing: MissingSide,
        explanation: Explanation,
    },
    Inconclusive {
        unknown: Unknown,
        explanation: Explanation,
    },
}

impl Decision {
    pub fn is_allow(&self) -> bool {
        matches!(self, Decision::Allow { .. })
    }

    pub fn explanation(&self) -> &Explanation {
        match self {
            Decision::Allow { explanation }
            | Decision::ExplicitDeny { explanation, .. }
            | Decision::ImplicitDeny { explanation, .. }
            | Decision::Inconclusive { explanation, .. } => explanation,
        }
    }

    pub fn summary(&self) -> &str {
        &self.explanation().summary
    }
}

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

/// Decides `request` against `policies`.
pub fn evaluate(request: &Request, policies: &PolicySet) -> Decision {
    let mut unknown_operators = Vec::new();
    let mut blocked_denies: Vec<StatementRef> = Vec::new();

    // Resource side (principal-bearing statements).
    let mut resource_deny = None;
    let mut resource_allow: Option<(StatementRef, Scope)> = None;
    if let Some(policy) = &policies.resource_policy {
        for (index, stmt) in policy.statements().iter().enumerate() {
            let at = StatementRef {
                policy: PolicySource::Resource,
                index,
                sid: stmt.sid.clone(),
            };
            let Some(scope) = resource_principal_scope(stmt, &request.caller) else {
                continue;
            };
            match statement_matches(stmt, policy, request, &at, &mut unknown_operators) {
                Match::No => {}
                Match::Blocked => {
                    if stmt.effect == Effect::Deny {
                        blocked_denies.push(at);
                    }
                }
                Match::Yes => match stmt.effect {
                    Effect::Deny => {
                        if resource_deny.is_none() {
                            resource_deny = Some(at);
                        }
                    }
                    Effect::Allow => {
                        if resource_allow.as_ref().is_none_or(|(_, s)| scope > *s) {
                            resource_allow = Some((at, scope));
                        }
                    }
                },
            }
        }
    }

    // Identity side (statements apply to the caller; any `Principal` in them is ignored).
    let mut identity_deny = None;
    let identity = match (&request.caller, &policies.identity_policies) {
        (Caller::Aws { root: true, .. }, _) => IdentityGrant::AccountRoot,
        (Caller::Aws { .. }, None) => IdentityGrant::Unknown,
        (Caller::Aws { .. }, Some(docs)) => {
            let mut allow = None;
            for (p, policy) in docs.iter().enumerate() {
                for (index, stmt) in policy.statements().iter().enumerate() {
                    let at = StatementRef {
                        policy: PolicySource::Identity(p),
                        index,
                        sid: stmt.sid.clone(),
                    };
                    match statement_matches(stmt, policy, request, &at, &mut unknown_operators) {
                        Match::No => {}
                        Match::Blocked => {
                            if stmt.effect == Effect::Deny {
                                blocked_denies.push(at);
                            }
                        }
                        Match::Yes => match stmt.effect {
                            Effect::Deny => {
                                if identity_deny.is_none() {
                                    identity_deny = Some(at);
                                }
                            }
                            Effect::Allow => {
                                if allow.is_none() {
                                    allow = Some(at);
                                }
                            }
                        },
                    }
                }
            }
            match allow {
                Some(by) => IdentityGrant::Allowed { by },
                None => IdentityGrant::NoGrant,
            }
        }
        (Caller::Service(_) | Caller::Anonymous, _) => IdentityGrant::NotApplicable,
    };

    let resource = match (&policies.resource_policy, resource_allow) {
        (None, _) => ResourceGrant::NoPolicy,
        (Some(_), None) => ResourceGrant::NoGrant,
        (Some(_), Some((by, scope))) => ResourceGrant::Allowed { by, scope },
    };

    let cross_account = match (&request.caller, &policies.resource_owner_account) {
        (Caller::Aws { account, .. }, Some(owner)) => Some(account != owner),
        _ => None,
    };

    let mut explanation = Explanation {
        cross_account,
        identity,
        resource,
        unknown_operators,
        summary: String::new(),
    };

    // Rule 1: an explicit deny anywhere wins (the bucket policy is reported first).
    if let Some(by) = resource_deny.or(identity_deny) {
        explanation.summary = format!(
            "`{}` on `{}` is explicitly denied for `{}` by {}",
            request.action,
            request.resource,
            request.caller.display(),
            describe(&by, &request.resource)
        );
        return Decision::ExplicitDeny { by, explanation };
    }

    let verdict = match (&request.caller, cross_account) {
        (Caller::Aws { .. }, None) => {
            let same = combine(&explanation, Some(false), true);
            let cross = combine(&explanation, Some(true), true);
            if same == cross {
                same
            } else {
                Verdict::Inconclusive(Unknown::OwnerAccount)
            }
        }
        (Caller::Aws { .. }, Some(c)) => combine(&explanation, Some(c), true),
        _ => combine(&explanation, None, false),
    };
    // Never allow past a `Deny` we could not evaluate.
    let verdict = match verdict {
        Verdict::Allow if !blocked_denies.is_empty() => {
            Verdict::Inconclusive(Unknown::UnknownOperator)
        }
        v => v,
    };
    explanation.summary = summarize(&verdict, request, policies, &explanation);
    match verdict {
        Verdict::Allow => Decision::Allow { explanation },
        Verdict::Implicit(missing) => Decision::ImplicitDeny {
            missing,
            explanation,
        },
        Verdict::Inconclusive(unknown) => Decision::Inconclusive {
            unknown,
            explanation,
        },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Allow,
    Implicit(MissingSide),
    Inconclusive(Unknown),
}

/// Rules 2-4, once explicit denies are ruled out.
fn combine(e: &Explanation, cross_account: Option<bool>, aws_caller: bool) -> Verdict {
    let res_scope = match &e.resource {
        ResourceGrant::Allowed { scope, .. } => Some(*scope),
        _ => None,
    };
    if !aws_caller {
        // No identity side: the resource policy alone decides.
        return match res_scope {
            Some(_) => Verdict::Allow,
            None => Verdict::Implicit(MissingSide::ResourceSide),
        };
    }
    let identity_allows = match e.identity {
        IdentityGrant::Allowed { .. } | IdentityGrant::AccountRoot => Some(true),
        IdentityGrant::NoGrant | IdentityGrant::NotApplicable => Some(false),
        IdentityGrant::Unknown => None,
    };
    if cross_account == Some(true) {
        return match (identity_allows, res_scope) {
            (Some(true), Some(_)) => Verdict::Allow,
            (Some(true), None) | (None, None) => Verdict::Implicit(MissingSide::ResourceSide),
            (Some(false), None) => Verdict::Implicit(MissingSide::Both),
            (Some(false), Some(_)) => Verdict::Implicit(MissingSide::IdentitySide),
            (None, Some(_)) => Verdict::Inconclusive(Unknown::IdentityPolicies),
        };
    }
    // Same account: either side suffices, but a grant to the account only delegates.
    match (identity_allows, res_scope) {
        (Some(true), _) => Verdict::Allow,
        (Some(false), Some(Scope::Principal | Scope::Everyone)) => Verdict::Allow,
        (Some(false), Some(Scope::Account)) => Verdict::Implicit(MissingSide::IdentitySide),
        (Some(false), None) => Verdict::Implicit(MissingSide::Both),
        (None, _) => Verdict::Inconclusive(Unknown::IdentityPolicies),
    }
}

/// What to call the resource policy: `bucket policy` for S3 resources.
fn resource_policy_noun(resource: &str) -> &'static str {
    match arn::Arn::parse(resource) {
        Ok(a) if a.service == "s3" => "bucket policy",
        _ => "resource policy",
    }
}

fn resource_policy_name(resource: &str) -> String {
    format!("the {}", resource_policy_noun(resource))
}

fn describe(by: &StatementRef, resource: &str) -> String {
    let stmt = match &by.sid {
        Some(sid) => format!("statement `{sid}` (#{})", by.index),
        None => format!("statement #{}", by.index),
    };
    match by.policy {
        PolicySource::Resource => format!("{stmt} of {}", resource_policy_name(resource)),
        PolicySource::Identity(i) => format!("{stmt} of identity policy #{i}"),
    }
}

fn summarize(v: &Verdict, r: &Request, p: &PolicySet, e: &Explanation) -> String {
    let who = r.caller.display();
    let rp = resource_policy_name(&r.resource);
    let (action, resource) = (&r.action, &r.resource);
    let no_resource_grant = match p.resource_policy {
        Some(_) => format!("{rp} has no statement allowing `{action}` for `{who}`"),
        None => format!(
            "there is no {} granting `{action}` to `{who}`",
            resource_policy_noun(resource)
        ),
    };
    let cross = match e.cross_account {
        Some(true) => match (r.caller.account(), &p.resource_owner_account) {
            (Some(c), Some(o)) => format!(
                " (cross-account: you are {c}, the resource belongs to {o}; both sides must allow)"
            ),
            _ => String::new(),
        },
        _ => String::new(),
    };
    match v {
        Verdict::Allow => {
            let mut by = Vec::new();
            if let IdentityGrant::Allowed { by: s } = &e.identity {
                by.push(describe(s, resource));
            }
            if let IdentityGrant::AccountRoot = e.identity {
                by.push("the account root user's implicit permissions".to_string());
            }
            if let ResourceGrant::Allowed { by: s, .. } = &e.resource {
                by.push(describe(s, resource));
            }
            format!(
                "`{action}` on `{resource}` is allowed for `{who}` by {}",
                by.join(" and ")
            )
        }
        Verdict::Implicit(MissingSide::ResourceSide) => format!("{no_resource_grant}{cross}"),
        Verdict::Implicit(MissingSide::IdentitySide) => {
            let delegated = match e.resource {
                ResourceGrant::Allowed {
                    scope: Scope::Account,
                    ..
                } if e.cross_account != Some(true) => {
                    format!(" ({rp} grants it to the account, which leaves it to the identity policies)")
                }
                _ => String::new(),
            };
            format!("the identity policies of `{who}` have no statement allowing `{action}` on `{resource}`{delegated}{cross}")
        }
        Verdict::Implicit(MissingSide::Both) => format!(
            "neither the identity policies of `{who}` nor {rp} allow `{action}` on `{resource}`{cross}"
        ),
        Verdict::Inconclusive(Unknown::IdentityPolicies) => {
            let known = match &e.resource {
                ResourceGrant::Allowed { by, .. } => {
                    format!("; {} allows it", describe(by, resource))
                }
                _ => String::new(),
            };
            format!("the identity policies of `{who}` could not be read, so `{action}` on `{resource}` cannot be decided{known}")
        }
        Verdict::Inconclusive(Unknown::OwnerAccount) => format!(
            "the owner account of `{resource}` is unknown, and the answer for `{action}` differs between same-account and cross-account access"
        ),
        Verdict::Inconclusive(Unknown::UnknownOperator) => format!(
            "`{action}` on `{resource}` would be allowed for `{who}`, but a `Deny` statement uses a condition operator statelint does not know (`{}`)",
            e.unknown_operators
                .iter()
                .map(|u| u.operator.as_str())
                .collect::<Vec<_>>()
                .join("`, `")
        ),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    No,
    Yes,
    /// Everything matched except a condition with an unknown operator.
    Blocked,
}

/// Action, resource and condition of one statement against the request.
fn statement_matches(
    stmt: &Statement,
    policy: &PolicyDocument,
    r: &Request,
    at: &StatementRef,
    unknown: &mut Vec<UnknownOperator>,
) -> Match {
    let action_ok = match (&stmt.action, &stmt.not_action) {
        (Some(a), _) => a.iter().any(|p| action_matches(p, &r.action)),
        (None, Some(na)) => !na.iter().any(|p| action_matches(p, &r.action)),
        (None, None) => false,
    };
    if !action_ok {
        return Match::No;
    }
    let vars = policy.version.as_deref() == Some(VERSION_2012);
    let resource_ok = match (&stmt.resource, &stmt.not_resource) {
        (Some(res), _) => res
            .iter()
            .any(|p| resource_matches(p, &r.resource, vars, &r.context)),
        (None, Some(nr)) => !nr
            .iter()
            .any(|p| resource_matches(p, &r.resource, vars, &r.context)),
        (None, None) => false,
    };
    if !resource_ok {
        return Match::No;
    }
    match &stmt.condition {
        None => Match::Yes,
        Some(c) => {
            let before = unknown.len();
            let ok = condition_holds(c, &r.context, vars, at, unknown);
            if ok {
                Match::Yes
            } else if unknown.len() > before
                && condition_holds_ignoring_unknown(c, &r.context, vars)
            {
                Match::Blocked
            } else {
                Match::No
            }
        }
    }
}

/// Whether a resource-policy statement's `Principal`/`NotPrincipal` covers the caller,
/// and how.
fn resource_principal_scope(stmt: &Statement, caller: &Caller) -> Option<Scope> {
    match (&stmt.principal, &stmt.not_principal) {
        (Some(p), _) => principal_scope(p, caller),
        (None, Some(np)) => (!not_principal_excludes(np, caller)).then_some(Scope::Principal),
        // A resource-policy statement without a principal applies to no one.
        (None, None) => None,
    }
}

fn principal_scope(p: &Principal, caller: &Caller) -> Option<Scope> {
    if p.is_everyone() {
        return Some(Scope::Everyone);
    }
    let mut best = None;
    for (kind, value) in p.entries() {
        let scope = match (kind, caller) {
            (
                PrincipalKind::Aws,
                Caller::Aws {
                    arn,
                    account,
                    role_arn,
                    ..
                },
            ) => {
                let v = arn::normalize_principal_value(value);
                // Wildcards are not allowed in principal ARNs (only a lone `*`).
                if v.contains(['*', '?']) {
                    None
                } else if v == *arn || role_arn.as_deref() == Some(v.as_str()) {
                    Some(Scope::Principal)
                } else {
                    match PrincipalArn::parse(&v) {
                        Ok(PrincipalArn::Root { account: a, .. }) if a == *account => {
                            Some(Scope::Account)
                        }
                        _ => None,
                    }
                }
            }
            (PrincipalKind::Service, Caller::Service(s)) => {
                (value.eq_ignore_ascii_case(s)).then_some(Scope::Principal)
            }
            _ => None,
        };
        best = best.max(scope);
    }
    best
}

/// `NotPrincipal` exempts a caller only when every link of its identity chain is listed:
/// the account, the role (for sessions) and the caller itself, each by its exact ARN.
/// (AWS's documented examples list the account ARN, the role ARN and the session ARN;
/// listing only the user leaves the account, and so the user, denied.)
fn not_principal_excludes(np: &Principal, caller: &Caller) -> bool {
    if np.is_everyone() {
        return true;
    }
    let listed: Vec<(PrincipalKind, String)> = np
        .entries()
        .into_iter()
        .map(|(k, v)| (k, arn::normalize_principal_value(v)))
        .collect();
    let has = |kind: PrincipalKind, v: &str| listed.iter().any(|(k, x)| *k == kind && x == v);
    match caller {
        Caller::Aws {
            arn,
            account,
            role_arn,
            ..
        } => {
            let partition = PrincipalArn::parse(arn)
                .map(|p| p.partition().to_string())
                .unwrap_or_else(|_| "aws".to_string());
            let mut chain = vec![arn::account_root_arn(&partition, account)];
            chain.extend(role_arn.iter().cloned());
            chain.push(arn.clone());
            chain.iter().all(|link| has(PrincipalKind::Aws, link))
        }
        Caller::Service(s) => listed
            .iter()
            .any(|(k, x)| *k == PrincipalKind::Service && x.eq_ignore_ascii_case(s)),
        Caller::Anonymous => false,
    }
}

/// `Action`: case-insensitive, `*` and `?` wildcards.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    glob(pattern, action, true)
}

/// `Resource`: case-sensitive, `*` and `?` wildcards, policy variables (`${aws:username}`)
/// in `2012-10-17` documents.
pub fn resource_matches(pattern: &str, resource: &str, vars: bool, ctx: &Context) -> bool {
    let pattern = if vars {
        match substitute(pattern, ctx) {
            Some(p) => p,
            None => return false,
        }
    } else {
        Pattern::written(pattern)
    };
    pattern.matches(resource, false)
}

// ---------------------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Single,
    AnyValue,
    AllValues,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    StringEquals { ignore_case: bool },
    StringLike,
    Numeric(Cmp),
    Date(Cmp),
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Operator {
    set: SetOp,
    base: Base,
    negated: bool,
    if_exists: bool,
}

fn parse_operator(name: &str) -> Option<Operator> {
    let (set, rest) = if let Some(r) = name.strip_prefix("ForAnyValue:") {
        (SetOp::AnyValue, r)
    } else if let Some(r) = name.strip_prefix("ForAllValues:") {
        (SetOp::AllValues, r)
    } else {
        (SetOp::Single, name)
    };
    // `NullIfExists` is no operator: the `Null` arm below refuses it.
    let (rest, if_exists) = match rest.strip_suffix("IfExists") {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let (base, negated) = match rest {
        "StringEquals" => (Base::StringEquals { ignore_case: false }, false),
        "StringNotEquals" => (Base::StringEquals { ignore_case: false }, true),
        "StringEqualsIgnoreCase" => (Base::StringEquals { ignore_case: true }, false),
        "StringNotEqualsIgnoreCase" => (Base::StringEquals { ignore_case: true }, true),
        "StringLike" => (Base::StringLike, false),
        "StringNotLike" => (Base::StringLike, true),
        "NumericEquals" => (Base::Numeric(Cmp::Eq), false),
        "NumericNotEquals" => (Base::Numeric(Cmp::Eq), true),
        "NumericLessThan" => (Base::Numeric(Cmp::Lt), false),
        "NumericLessThanEquals" => (Base::Numeric(Cmp::Le), false),
        "NumericGreaterThan" => (Base::Numeric(Cmp::Gt), false),
        "NumericGreaterThanEquals" => (Base::Numeric(Cmp::Ge), false),
        "DateEquals" => (Base::Date(Cmp::Eq), false),
        "DateNotEquals" => (Base::Date(Cmp::Eq), true),
        "DateLessThan" => (Base::Date(Cmp::Lt), false),
        "DateLessThanEquals" => (Base::Date(Cmp::Le), false),
        "DateGreaterThan" => (Base::Date(Cmp::Gt), false),
        "DateGreaterThanEquals" => (Base::Date(Cmp::Ge), false),
        "Bool" => (Base::Bool, false),
        "BinaryEquals" => (Base::Binary, false),
        "IpAddress" => (Base::Ip, false),
        "NotIpAddress" => (Base::Ip, true),
        "ArnEquals" | "ArnLike" => (Base::Arn, false),
        "ArnNotEquals" | "ArnNotLike" => (Base::Arn, true),
        "Null" if !if_exists => (Base::Null, false),
        _ => return None,
    };
    Some(Operator {
        set,
        base,
        negated,
        if_exists,
    })
}

/// `true` if `name` is a condition operator the evaluator understands.
pub fn is_known_operator(name: &str) -> bool {
    parse_operator(name).is_some()
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// All operators AND, all keys of an operator AND, the values of a key OR (NOR when
/// negated). Unknown operators never hold and are recorded.
fn condition_holds(
    c: &Condition,
    ctx: &Context,
    vars: bool,
    at: &StatementRef,
    unknown: &mut Vec<UnknownOperator>,
) -> bool {
    let mut all = true;
    for (name, keys) in c.iter() {
        match parse_operator(name) {
            None => {
                unknown.push(UnknownOperator {
                    statement: at.clone(),
                    operator: name.to_string(),
                });
                all = false;
            }
            Some(op) => {
                if !keys
                    .iter()
                    .all(|(k, vals)| key_holds(op, ctx.get(k), vals, ctx, vars))
                {
                    all = false;
                }
            }
        }
    }
    all
}

/// The same, with unknown operators treated as holding: used to tell "a `Deny` would
/// have applied but for an unknown operator" from "this statement does not apply".
fn condition_holds_ignoring_unknown(c: &Condition, ctx: &Context, vars: bool) -> bool {
    c.iter().all(|(name, keys)| match parse_operator(name) {
        None => true,
        Some(op) => keys
            .iter()
            .all(|(k, vals)| key_holds(op, ctx.get(k), vals, ctx, vars)),
    })
}

/// Whether `operator: {key: values}` holds on a request that does not carry the key at
/// all (a key the service never sets for the action): `None` for an unknown operator.
pub fn condition_holds_without_key(operator: &str, values: &OneOrMany<Value>) -> Option<bool> {
    Some(holds_when_absent(parse_operator(operator)?, values))
}

fn holds_when_absent(op: Operator, values: &OneOrMany<Value>) -> bool {
    if op.base == Base::Null {
        return values
            .iter()
            .any(|v| scalar_text(v).eq_ignore_ascii_case("true"));
    }
    if op.if_exists {
        return true;
    }
    match op.set {
        SetOp::AllValues => true,
        SetOp::AnyValue => false,
        // Missing key: no match, so a negated operator holds.
        SetOp::Single => op.negated,
    }
}

fn key_holds(
    op: Operator,
    present: Option<&[String]>,
    policy_values: &OneOrMany<Value>,
    ctx: &Context,
    vars: bool,
) -> bool {
    let present = present.filter(|v| !v.is_empty());
    if op.base == Base::Null {
        // `true`: the key must be absent; `false`: it must be present.
        return policy_values
            .iter()
            .any(|v| match scalar_text(v).to_ascii_lowercase().as_str() {
                "true" => present.is_none(),
                "false" => present.is_some(),
                _ => false,
            });
    }
    let Some(request_values) = present else {
        return holds_when_absent(op, policy_values);
    };
    let policy_values: Vec<Pattern> = policy_values
        .iter()
        .filter_map(|v| {
            let text = scalar_text(v);
            let substitutes = matches!(
                op.base,
                Base::StringEquals { .. } | Base::StringLike | Base::Arn
            );
            if vars && substitutes {
                substitute(&text, ctx)
            } else {
                Some(Pattern::written(&text))
            }
        })
        .collect();
    let satisfied = |rv: &String| {
        let any = policy_values.iter().any(|pv| base_matches(op.base, rv, pv));
        any != op.negated
    };
    match op.set {
        SetOp::Single if op.negated => request_values.iter().all(satisfied),
        SetOp::Single | SetOp::AnyValue => request_values.iter().any(satisfied),
        SetOp::AllValues => request_values.iter().all(satisfied),
    }
}

/// The positive form of an operator on one request value and one policy value.
fn base_matches(base: Base, request: &str, policy: &Pattern) -> bool {
    let text = policy.text();
    let text = text.as_str();
    match base {
        Base::StringEquals { ignore_case: false } | Base::Binary => request == text,
        Base::StringEquals { ignore_case: true } => request.to_lowercase() == text.to_lowercase(),
        Base::StringLike => policy.matches(request, false),
        Base::Numeric(cmp) => match (request.trim().parse::<f64>(), text.trim().parse::<f64>()) {
            (Ok(r), Ok(p)) => compare(cmp, r.partial_cmp(&p)),
            _ => false,
        },
        Base::Date(cmp) => match (parse_date(request), parse_date(text)) {
            (Some(r), Some(p)) => compare(cmp, r.partial_cmp(&p)),
            _ => false,
        },
        Base::Bool => {
            let norm = |s: &str| s.trim().to_ascii_lowercase();
            let (r, p) = (norm(request), norm(text));
            (r == "true" || r == "false") && r == p
        }
        Base::Ip => match (request.trim().parse::<IpAddr>(), parse_net(text)) {
            (Ok(ip), Some(net)) => net.contains(&ip),
            _ => false,
        },
        Base::Arn => policy.matches_arn(request),
        Base::Null => false,
    }
}

fn compare(cmp: Cmp, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    matches!(
        (cmp, ord),
        (Cmp::Eq, Some(Equal))
            | (Cmp::Lt, Some(Less))
            | (Cmp::Le, Some(Less | Equal))
            | (Cmp::Gt, Some(Greater))
            | (Cmp::Ge, Some(Greater | Equal))
    )
}

fn parse_net(s: &str) -> Option<IpNet> {
    let s = s.trim();
    s.parse::<IpNet>()
        .ok()
        .or_else(|| s.parse::<IpAddr>().ok().map(IpNet::from))
}

/// Seconds since the epoch for an epoch number or an ISO 8601 date/date-time
/// (`2026-01-31`, `2026-01-31T12:00:00Z`, `...+02:00`, fractional seconds ignored).
fn parse_date(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        return Some(n);
    }
    let num = |t: &str| -> Option<i64> {
        (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let (date, time) = match s.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut d = date.splitn(3, '-');
    let (y, m, day) = (num(d.next()?)?, num(d.next()?)?, num(d.next()?)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = days_from_civil(y, m, day) * 86_400;
    if let Some(t) = time {
        let (clock, offset) = if let Some(c) = t.strip_suffix(['Z', 'z']) {
            (c, 0)
        } else if let Some(i) = t.rfind(['+', '-']) {
            let (c, o) = t.split_at(i);
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let (oh, om) = o[1..].split_once(':').unwrap_or((&o[1..], "0"));
            (c, sign * (num(oh)? * 3600 + num(om)? * 60))
        } else {
            (t, 0)
        };
        let clock = clock.split('.').next()?;
        let mut parts = clock.split(':');
        let h = num(parts.next()?)?;
        let mi = parts.next().map(num).unwrap_or(Some(0))?;
        let se = parts.next().map(num).unwrap_or(Some(0))?;
        secs += h * 3600 + mi * 60 + se - offset;
    }
    Some(secs as f64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
