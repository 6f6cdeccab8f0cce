//! Who can reach a kops store: for every principal a bucket policy names (and everyone),
//! whether it can list the store, read specs, read secrets, write, delete and change the
//! policy, each answer with the statement that decides it.
//!
//! Each capability stands for a few concrete S3 requests ([`Capability::requests`]) that
//! the evaluator decides. Conditions that depend on the request (source IP, VPC endpoint,
//! ...) are decided both ways ([`conditions`]); when the answers differ the cell says
//! "depends" and names the condition. A principal's own identity policies are used when
//! given; otherwise its account is assumed to grant it everything, so the map shows what
//! the bucket policy lets through (the most the principal can get).

pub mod capability;
pub mod conditions;
pub mod diags;
pub mod diff;
pub mod findings;
pub mod lockout;
pub mod principals;
pub mod render;
pub mod templates;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::fmt;

use crate::findings::Location;
use crate::policy::evaluate::{
    evaluate, Decision, Explanation, IdentityGrant, PolicySet, PolicySource, Request,
    ResourceGrant, StatementRef,
};
use crate::policy::model::{Effect, PolicyDocument, Statement};
use crate::policy::parse::ParsedPolicy;

pub use capability::{Capability, Store};
pub use principals::{Kind, Named};

/// The answer of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Deny,
    Depends,
    Allow,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Deny => "deny",
            Verdict::Depends => "depends",
        }
    }
}

/// A statement, by policy, position, `Sid` and line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementAt {
    /// `bucket policy`, or `identity policy of <principal>`.
    pub policy: String,
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Where it is written, for findings.
    #[serde(skip)]
    pub location: Option<Location>,
    #[serde(skip)]
    pub pointer: Option<String>,
    #[serde(skip)]
    pub in_bucket_policy: bool,
}

impl fmt::Display for StatementAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sid {
            Some(sid) => write!(f, "statement `{sid}` (#{}", self.index)?,
            None => write!(f, "statement #{}", self.index)?,
        }
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        write!(f, ") of the {}", self.policy)
    }
}

/// One capability of one principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub verdict: Verdict,
    /// The statement that grants, denies or makes it conditional (none for an implicit
    /// deny, an account's root, or an assumed identity grant).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<StatementAt>,
    /// For `depends`: the condition that decides it, or what is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// One lower-case sentence.
    pub reason: String,
    /// Whether the grant is in the bucket policy itself (not only delegated to IAM).
    #[serde(skip)]
    pub bucket_grant: Option<StatementAt>,
}

/// One row of the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalAccess {
    /// As written in the policy; `*` for everyone.
    pub principal: String,
    pub kind: Kind,
    pub account: Option<String>,
    /// Whether its own identity policies were given (else assumed to grant everything).
    pub identity_given: bool,
    pub cells: Vec<(Capability, Cell)>,
}

impl PrincipalAccess {
    pub fn cell(&self, capability: Capability) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|(c, _)| *c == capability)
            .map(|(_, cell)| cell)
    }

    pub fn verdict(&self, capability: Capability) -> Verdict {
        self.cell(capability).map_or(Verdict::Deny, |c| c.verdict)
    }

    /// Whether it can list the store or read a spec: it reaches the store.
    pub fn reaches(&self) -> bool {
        [Capability::List, Capability::ReadSpec]
            .iter()
            .any(|c| self.verdict(*c) == Verdict::Allow)
    }
}

impl Serialize for PrincipalAccess {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Verdicts<'a>(&'a [(Capability, Cell)]);
        impl Serialize for Verdicts<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut map = s.serialize_map(Some(self.0.len()))?;
                for (c, cell) in self.0 {
                    map.serialize_entry(c.name(), &cell.verdict)?;
                }
                map.end()
            }
        }
        struct Details<'a>(&'a [(Capability, Cell)]);
        impl Serialize for Details<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut map = s.serialize_map(Some(self.0.len()))?;
                for (c, cell) in self.0 {
                    map.serialize_entry(c.name(), cell)?;
                }
                map.end()
            }
        }
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("principal", &self.principal)?;
        map.serialize_entry("kind", &self.kind)?;
        if let Some(account) = &self.account {
            map.serialize_entry("account", account)?;
        }
        map.serialize_entry("identity_policies", &self.identity_given)?;
        map.serialize_entry("capabilities", &Verdicts(&self.cells))?;
        map.serialize_entry("details", &Details(&self.cells))?;
        map.end()
    }
}

/// What the map is computed from.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The bucket policy (`None`: the bucket has none).
    pub bucket_policy: Option<&'a ParsedPolicy>,
    /// Identity policies the user supplied, by principal as given.
    pub identity: &'a [(String, ParsedPolicy)],
    pub store: &'a Store,
    /// The account that owns the bucket, when known.
    pub owner_account: Option<&'a str>,
    /// Principals to map besides those the policies name (`--keep`, the caller).
    pub extra: &'a [String],
}

/// The map: one row per principal, everyone first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessMap {
    pub store: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_account: Option<String>,
    pub principals: Vec<PrincipalAccess>,
}

impl AccessMap {
    pub fn row(&self, principal: &str) -> Option<&PrincipalAccess> {
        self.principals.iter().find(|p| p.principal == principal)
    }
}

/// What `statelint access` adds to the run report: `principals` (the map of the policy
/// under review) and, with `--against`, `access_changes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessReport {
    /// What was mapped, for people (`access to s3://... by FILE; bucket owner: ...`).
    #[serde(skip)]
    pub header: String,
    pub principals: Vec<PrincipalAccess>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_changes: Option<Vec<diff::Change>>,
}

/// A policy in both of its [`conditions::variant`]s, with where its statements are written.
struct Sides<'a> {
    optimistic: PolicyDocument,
    pessimistic: PolicyDocument,
    parsed: Option<&'a ParsedPolicy>,
}

impl<'a> Sides<'a> {
    fn of(parsed: &'a ParsedPolicy) -> Sides<'a> {
        Sides {
            optimistic: conditions::variant(&parsed.policy, true),
            pessimistic: conditions::variant(&parsed.policy, false),
            parsed: Some(parsed),
        }
    }

    /// "The principal's own account grants it everything": the stand-in for identity
    /// policies nobody gave.
    fn assumed() -> Sides<'static> {
        let mut allow = Statement::new(Effect::Allow);
        allow.action = Some("*".to_string().into());
        allow.resource = Some("*".to_string().into());
        let doc = PolicyDocument::new(vec![allow]);
        Sides {
            optimistic: doc.clone(),
            pessimistic: doc,
            parsed: None,
        }
    }
}

/// Computes the map.
pub fn map(input: &Input<'_>) -> AccessMap {
    let mut named = principals::named_in(input.bucket_policy.map(|p| &p.policy));
    for extra in input
        .identity
        .iter()
        .map(|(p, _)| p)
        .chain(input.extra.iter())
    {
        if let Some(n) = Named::aws(extra) {
            principals::push_unique(&mut named, n);
        }
    }
    let bucket = input.bucket_policy.map(Sides::of);
    let principals = named
        .into_iter()
        .map(|n| row(input, bucket.as_ref(), n))
        .collect();
    AccessMap {
        store: input.store.url(),
        owner_account: input.owner_account.map(str::to_string),
        principals,
    }
}

fn row(input: &Input<'_>, bucket: Option<&Sides<'_>>, named: Named) -> PrincipalAccess {
    let given: Vec<Sides<'_>> = input
        .identity
        .iter()
        .filter(|(p, _)| Named::aws(p).is_some_and(|n| n.caller == named.caller))
        .map(|(_, parsed)| Sides::of(parsed))
        .collect();
    let identity_given = !given.is_empty();
    let identity = if identity_given {
        given
    } else {
        vec![Sides::assumed()]
    };
    let set = |optimistic: bool| PolicySet {
        identity_policies: Some(
            identity
                .iter()
                .map(|s| pick(s, optimistic).clone())
                .collect(),
        ),
        resource_policy: bucket.map(|b| pick(b, optimistic).clone()),
        resource_owner_account: input.owner_account.map(str::to_string),
    };
    let judge = Judge {
        optimistic: set(true),
        pessimistic: set(false),
        bucket,
        identity: &identity,
        principal: &named.written,
    };
    let cells = Capability::ALL
        .into_iter()
        .map(|c| (c, judge.capability(&named, c, input.store)))
        .collect();
    PrincipalAccess {
        principal: named.written.clone(),
        kind: named.kind,
        account: named
            .account()
            .filter(|a| !a.is_empty())
            .map(str::to_string),
        identity_given,
        cells,
    }
}

fn pick<'s>(sides: &'s Sides<'_>, optimistic: bool) -> &'s PolicyDocument {
    if optimistic {
        &sides.optimistic
    } else {
        &sides.pessimistic
    }
}

/// Decides the requests of one principal.
struct Judge<'a> {
    optimistic: PolicySet,
    pessimistic: PolicySet,
    bucket: Option<&'a Sides<'a>>,
    identity: &'a [Sides<'a>],
    principal: &'a str,
}

impl Judge<'_> {
    /// The best answer over the capability's requests (allow, then depends, then deny;
    /// among denies an explicit one, which names its statement).
    fn capability(&self, named: &Named, capability: Capability, store: &Store) -> Cell {
        let mut best: Option<Cell> = None;
        for probe in capability.requests(store) {
            let mut request = Request::new(named.caller.clone(), probe.action, &probe.resource)
                .with("aws:SecureTransport", "true");
            if let Some(prefix) = &probe.listing_prefix {
                request = request.with("s3:prefix", prefix).with("s3:delimiter", "/");
            }
            let cell = self.request(&request);
            let better = match &best {
                None => true,
                Some(b) => {
                    cell.verdict > b.verdict
                        || (cell.verdict == b.verdict
                            && b.statement.is_none()
                            && cell.statement.is_some())
                }
            };
            if better {
                best = Some(cell);
            }
            if best.as_ref().is_some_and(|b| b.verdict == Verdict::Allow) {
                break;
            }
        }
        best.unwrap_or_else(|| Cell {
            verdict: Verdict::Deny,
            statement: None,
            condition: None,
            reason: "no request stands for it".to_string(),
            bucket_grant: None,
        })
    }

    fn request(&self, request: &Request) -> Cell {
        let opt = evaluate(request, &self.optimistic);
        let pess = evaluate(request, &self.pessimistic);
        let bucket_grant = self.bucket_grant(opt.explanation());
        let cell = |verdict, statement, condition, reason: String| Cell {
            verdict,
            statement,
            condition,
            reason,
            bucket_grant: bucket_grant.clone(),
        };
        match (&opt, &pess) {
            (_, Decision::Allow { explanation }) => {
                let (statement, reason) = self.grant(explanation, request);
                cell(Verdict::Allow, statement, None, reason)
            }
            (Decision::Allow { .. }, Decision::ExplicitDeny { by, .. }) => {
                let at = self.at(by);
                let condition = self.undecided(by);
                let reason = format!(
                    "`{}` is denied by {} unless the request avoids its condition",
                    request.action,
                    at.as_ref().map(ToString::to_string).unwrap_or_default()
                );
                cell(Verdict::Depends, at, condition, reason)
            }
            (Decision::Allow { explanation }, _) => {
                // The grant itself is conditional (or something unknown blocks it).
                let by = match &explanation.resource {
                    ResourceGrant::Allowed { by, .. } => Some(by.clone()),
                    _ => match &explanation.identity {
                        IdentityGrant::Allowed { by } => Some(by.clone()),
                        _ => None,
                    },
                };
                let condition = by
                    .as_ref()
                    .and_then(|b| self.undecided(b))
                    .or_else(|| Some(pess.summary().to_string()));
                let at = by.as_ref().and_then(|b| self.at(b));
                let reason = format!(
                    "`{}` is allowed only when the condition of {} holds",
                    request.action,
                    at.as_ref().map(ToString::to_string).unwrap_or_default()
                );
                cell(Verdict::Depends, at, condition, reason)
            }
            (Decision::Inconclusive { .. }, _) => cell(
                Verdict::Depends,
                None,
                Some(opt.summary().to_string()),
                opt.summary().to_string(),
            ),
            (Decision::ExplicitDeny { by, .. }, _) => {
                cell(Verdict::Deny, self.at(by), None, opt.summary().to_string())
            }
            (Decision::ImplicitDeny { .. }, _) => {
                cell(Verdict::Deny, None, None, opt.summary().to_string())
            }
        }
    }

    /// The statement that grants, preferring the bucket policy's.
    fn grant(&self, e: &Explanation, request: &Request) -> (Option<StatementAt>, String) {
        if let ResourceGrant::Allowed { by, .. } = &e.resource {
            let at = self.at(by);
            let reason = format!(
                "`{}` is allowed by {}",
                request.action,
                at.as_ref().map(ToString::to_string).unwrap_or_default()
            );
            return (at, reason);
        }
        match &e.identity {
            IdentityGrant::Allowed { by } => match self.at(by) {
                Some(at) => {
                    let reason = format!("`{}` is allowed by {at}", request.action);
                    (Some(at), reason)
                }
                None => (
                    None,
                    format!(
                        "nothing in the bucket policy stops `{}`, so the principal's own account decides (assumed to allow; give --identity-policy to check)",
                        request.action
                    ),
                ),
            },
            IdentityGrant::AccountRoot => (
                None,
                format!(
                    "the account's root user may `{}` unless the bucket policy denies it",
                    request.action
                ),
            ),
            _ => (None, format!("`{}` is allowed", request.action)),
        }
    }

    fn bucket_grant(&self, e: &Explanation) -> Option<StatementAt> {
        match &e.resource {
            ResourceGrant::Allowed { by, .. } => self.at(by),
            _ => None,
        }
    }

    /// The statement as written, or `None` for the assumed identity grant.
    fn at(&self, by: &StatementRef) -> Option<StatementAt> {
        let (parsed, policy, in_bucket) = match by.policy {
            PolicySource::Resource => (self.bucket?.parsed?, "bucket policy".to_string(), true),
            PolicySource::Identity(i) => (
                self.identity.get(i)?.parsed?,
                format!("identity policy of `{}`", self.principal),
                false,
            ),
        };
        let location = parsed.statement_location(by.index);
        let line = match &location {
            Location::File { span, .. } => Some(span.line),
            Location::Resource { .. } => None,
        };
        Some(StatementAt {
            policy,
            index: by.index,
            sid: by.sid.clone(),
            line,
            location: Some(location),
            pointer: Some(parsed.policy.statement_pointer(by.index)),
            in_bucket_policy: in_bucket,
        })
    }

    /// The undecided part of a statement's condition, as text.
    fn undecided(&self, by: &StatementRef) -> Option<String> {
        let parsed = match by.policy {
            PolicySource::Resource => self.bucket?.parsed?,
            PolicySource::Identity(i) => self.identity.get(i)?.parsed?,
        };
        let statement = parsed.policy.statements().get(by.index)?;
        conditions::undecided(statement).map(|c| conditions::text(&c))
    }
}

#[cfg(test)]
mod tests;
