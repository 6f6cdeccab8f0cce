//! Why one S3 request was denied, said only from what was seen.
//!
//! Each side of the decision is stated as fact when its policy was read (the bucket policy,
//! the caller's identity policies from IAM or `--identity-policy`) and as "unknown, because
//! ..." when it was not. Same- and cross-account callers get different advice; with an
//! unknown owner the explanation covers both cases. Every missing grant comes with the exact
//! statement that would add it.

use serde::Serialize;

use super::identity::IdentityPolicies;
use super::owner::{Ownership, Relation};
use crate::policy::evaluate::{
    evaluate, Caller, Decision, IdentityGrant, PolicySet, PolicySource, Request, ResourceGrant,
    StatementRef,
};
use crate::policy::model::PolicyDocument;

/// The bucket policy as the probe found it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum BucketPolicy {
    /// Read: the document, or `None` when the bucket has no policy.
    Read(Option<Box<PolicyDocument>>),
    /// Not read; the reason ("`s3:GetBucketPolicy` was denied (HTTP 403)").
    Unreadable(String),
    /// Not tried (no bucket-level probes ran).
    #[default]
    NotTried,
}

/// Everything known when explaining: who calls, whose bucket, and both policies.
#[derive(Debug, Clone, Default)]
pub struct Knowledge {
    /// The caller's ARN (STS or `--caller`).
    pub caller_arn: Option<String>,
    /// Why the caller is unknown, when it is.
    pub caller_unknown: String,
    pub ownership: Ownership,
    pub identity: Option<IdentityPolicies>,
    pub bucket_policy: BucketPolicy,
}

/// How one side (the caller's IAM policies, or the bucket policy) stands for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SideState {
    Allows,
    Missing,
    Denies,
    Unknown,
    NotNeeded,
}

/// The explanation of one denied request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub action: String,
    pub resource: String,
    /// The caller's identity policies.
    pub identity: SideState,
    /// The owner's bucket policy.
    pub bucket_policy: SideState,
    /// One paragraph: what each side says, and the statement(s) that would grant it.
    pub explanation: String,
}

/// `{"Effect":"Allow","Action":...,"Resource":...}` for the caller's IAM policy.
pub fn identity_statement(action: &str, resource: &str) -> String {
    serde_json::json!({"Effect": "Allow", "Action": action, "Resource": resource}).to_string()
}

/// The same with the caller as principal, for the bucket policy.
pub fn bucket_statement(principal: &str, action: &str, resource: &str) -> String {
    serde_json::json!({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": action, "Resource": resource}).to_string()
}

fn statement_name(by: &StatementRef, k: &Knowledge) -> String {
    let which = match &by.sid {
        Some(sid) if !sid.is_empty() => format!("statement `{sid}`"),
        _ => format!("statement #{}", by.index),
    };
    match by.policy {
        PolicySource::Resource => format!("{which} of the bucket policy"),
        PolicySource::Identity(i) => {
            let name = k
                .identity
                .as_ref()
                .map(|p| p.name_of(i))
                .unwrap_or_default();
            format!("{which} of {name}")
        }
    }
}

/// Explains why `action` on `resource` was denied to the caller.
pub fn explain(k: &Knowledge, action: &str, resource: &str) -> Verdict {
    let verdict = |identity, bucket_policy, explanation: String| Verdict {
        action: action.to_string(),
        resource: resource.to_string(),
        identity,
        bucket_policy,
        explanation,
    };
    let caller = k
        .caller_arn
        .as_deref()
        .and_then(|arn| Caller::from_arn(arn).ok());
    let Some(caller) = caller else {
        return verdict(
            SideState::Unknown,
            SideState::Unknown,
            format!(
                "the caller is unknown ({}), so neither its IAM policy nor the bucket policy can be checked for `{action}`; name the caller with `--caller ARN`",
                k.caller_unknown
            ),
        );
    };
    let who = caller.principal_arn().unwrap_or_default().to_string();
    let caller_account = caller.account().unwrap_or_default().to_string();
    let owner_for_evaluation = match k.ownership.relation {
        Relation::SameAccount => Some(caller_account.clone()),
        // The evaluator only compares accounts; an unnamed other account stays "other".
        Relation::CrossAccount => Some(
            k.ownership
                .owner_account
                .clone()
                .unwrap_or_else(|| format!("not-{caller_account}")),
        ),
        Relation::Unknown => None,
    };
    let resource_policy = match &k.bucket_policy {
        BucketPolicy::Read(p) => p.as_deref().cloned(),
        _ => None,
    };
    let set = PolicySet {
        identity_policies: k.identity.as_ref().and_then(IdentityPolicies::documents),
        resource_policy,
        resource_owner_account: owner_for_evaluation,
    };
    let decision = evaluate(&Request::new(caller.clone(), action, resource), &set);

    if let Decision::ExplicitDeny { by, .. } = &decision {
        let (identity, bucket) = match by.policy {
            PolicySource::Resource => (SideState::Unknown, SideState::Denies),
            PolicySource::Identity(_) => (SideState::Denies, SideState::Unknown),
        };
        return verdict(
            identity,
            bucket,
            format!(
                "`{action}` is denied explicitly by {}, and no Allow can override an explicit Deny: remove or narrow that statement if the denial is unintended",
                statement_name(by, k)
            ),
        );
    }
    let e = decision.explanation();
    let (identity, identity_text) = match (&e.identity, &k.identity) {
        (IdentityGrant::Allowed { by }, _) => (
            SideState::Allows,
            format!("{} allows it", statement_name(by, k)),
        ),
        (IdentityGrant::AccountRoot, _) => (
            SideState::Allows,
            "you are the account's root user".to_string(),
        ),
        (_, Some(IdentityPolicies::Known { source, .. })) => (
            SideState::Missing,
            format!("no statement of the IAM policies of `{who}` ({source}) allows it"),
        ),
        (_, Some(IdentityPolicies::Unknown(why))) => (
            SideState::Unknown,
            format!("whether the IAM policies of `{who}` allow it is unknown: {why}"),
        ),
        (_, None) => (
            SideState::Unknown,
            format!("whether the IAM policies of `{who}` allow it is unknown: they were not read"),
        ),
    };
    let (bucket, bucket_text) = match (&k.bucket_policy, &e.resource) {
        (BucketPolicy::Unreadable(why), _) => (
            SideState::Unknown,
            format!("whether the bucket policy allows it is unknown: {why}"),
        ),
        (BucketPolicy::NotTried, _) => (
            SideState::Unknown,
            "the bucket policy was not read".to_string(),
        ),
        (_, ResourceGrant::Allowed { by, .. }) => (
            SideState::Allows,
            format!("{} allows it", statement_name(by, k)),
        ),
        (_, ResourceGrant::NoPolicy) => {
            (SideState::Missing, "the bucket has no policy".to_string())
        }
        (_, ResourceGrant::NoGrant) => (
            SideState::Missing,
            format!("no statement of the bucket policy allows it for `{who}`"),
        ),
    };
    let add_identity = format!(
        "your IAM policy needs {}",
        identity_statement(action, resource)
    );
    let add_bucket = format!(
        "the owner's bucket policy needs {}",
        bucket_statement(&who, action, resource)
    );
    let unseen = "both policies statelint could read allow it, so the denial comes from something it cannot see (an SCP, a permissions boundary, a session policy, a VPC endpoint policy or the bucket's ACLs)";
    let needs = |side: SideState| side != SideState::Allows;
    match k.ownership.relation {
        Relation::SameAccount => {
            let mut text = format!(
                "the bucket is in your account, so your IAM policy decides `{action}`: {identity_text}"
            );
            if needs(identity) && bucket != SideState::Allows {
                text.push_str(&format!("; {add_identity}"));
            } else {
                text.push_str(&format!("; {unseen}"));
            }
            let bucket = if bucket == SideState::Allows {
                bucket
            } else {
                SideState::NotNeeded
            };
            verdict(identity, bucket, text)
        }
        Relation::CrossAccount => {
            let owner = k
                .ownership
                .owner_account
                .as_deref()
                .map(|o| format!("account {o}"))
                .unwrap_or_else(|| "another account".into());
            let mut text = format!(
                "the bucket belongs to {owner}, so both sides must allow `{action}`: {identity_text}; {bucket_text}"
            );
            let mut asks = Vec::new();
            if needs(identity) {
                asks.push(add_identity);
            }
            if needs(bucket) {
                asks.push(add_bucket);
            }
            if asks.is_empty() {
                text.push_str(&format!("; {unseen}"));
            } else {
                text.push_str(&format!("; {}", asks.join("; ")));
            }
            verdict(identity, bucket, text)
        }
        Relation::Unknown => {
            let mut text = format!(
                "who owns the bucket is unknown ({}): if it is your account, your IAM policy alone decides ({identity_text}); if it is another account, the bucket policy must allow `{action}` too ({bucket_text})",
                k.ownership.evidence
            );
            let mut asks = Vec::new();
            if needs(identity) {
                asks.push(add_identity);
            }
            if needs(bucket) {
                asks.push(format!("{add_bucket} if the bucket is another account's"));
            }
            if !asks.is_empty() {
                text.push_str(&format!("; {}", asks.join("; ")));
            }
            verdict(identity, bucket, text)
        }
    }
}

#[cfg(test)]
mod tests;
