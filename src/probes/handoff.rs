//! The hand-off at the end of a failed probe: what the caller can do alone (the IAM policy
//! to attach to its own identity) and what to send the bucket's owner (the exact
//! `statelint --fix-policy` command and the statements it would add).

use serde::Serialize;

use super::explain::{BucketPolicy, Knowledge, SideState, Verdict};
use super::owner::{Ownership, Relation};
use crate::policy::fix::{self, FixInput, Template};
use crate::policy::model::{PolicyDocument, Statement};

/// Who is asked to do what so that the next probe passes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Handoff {
    /// The principal to grant (a session's role), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller_account: Option<String>,
    /// The store, e.g. `s3://state-a/kops`.
    pub store: String,
    pub ownership: Ownership,
    /// Every denied request, with each side's state.
    pub denied: Vec<Verdict>,
    /// The identity policy to attach to the caller (when its side lacks or may lack grants).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller_policy: Option<PolicyDocument>,
    /// The command the owner runs (when the bucket policy lacks or may lack grants).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_command: Option<String>,
    /// The statements that command adds to the bucket policy as it was read (all the
    /// template's when the policy could not be read; the owner's run adds only what lacks).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub owner_statements: Vec<Statement>,
}

/// Builds the hand-off for the denied requests; `None` when nothing was denied.
pub fn build(
    k: &Knowledge,
    store_url: &str,
    bucket: &str,
    prefix: &str,
    denied: Vec<Verdict>,
) -> Option<Handoff> {
    if denied.is_empty() {
        return None;
    }
    let principal = k
        .caller_arn
        .as_deref()
        .map(|arn| crate::policy::arn::session_to_role_arn(arn).unwrap_or_else(|| arn.to_string()));
    let caller_account = k
        .caller_arn
        .as_deref()
        .and_then(|a| a.split(':').nth(4))
        .map(str::to_string);
    let partition = k
        .caller_arn
        .as_deref()
        .and_then(|a| a.split(':').nth(1))
        .unwrap_or("aws");
    let identity_lacks = denied
        .iter()
        .any(|v| matches!(v.identity, SideState::Missing | SideState::Unknown));
    let bucket_lacks = k.ownership.relation != Relation::SameAccount
        && denied
            .iter()
            .any(|v| matches!(v.bucket_policy, SideState::Missing | SideState::Unknown));
    let caller_policy =
        identity_lacks.then(|| fix::identity_policy(Template::Operator, partition, bucket, prefix));
    let (owner_command, owner_statements) = if bucket_lacks {
        let shown = principal.clone().unwrap_or_else(|| "<caller ARN>".into());
        let command =
            format!("statelint --fix-policy --principal {shown} --state {store_url} --apply");
        let existing = match &k.bucket_policy {
            BucketPolicy::Read(p) => p.as_deref().cloned(),
            _ => None,
        };
        let added = principal
            .as_deref()
            .and_then(|p| {
                fix::plan(&FixInput {
                    existing: existing.as_ref(),
                    template: Template::Operator,
                    principal: p,
                    bucket,
                    prefix,
                })
                .ok()
            })
            .map(|plan| plan.added)
            .unwrap_or_default();
        (Some(command), added)
    } else {
        (None, Vec::new())
    };
    Some(Handoff {
        caller: principal,
        caller_account,
        store: store_url.to_string(),
        ownership: k.ownership.clone(),
        denied,
        caller_policy,
        owner_command,
        owner_statements,
    })
}

/// The hand-off as text for people: who owns the bucket, then each party's step.
pub fn render(h: &Handoff) -> String {
    let mut out = String::new();
    let you = match (&h.caller_account, &h.caller) {
        (Some(account), Some(arn)) if !account.is_empty() => format!("you are {account} (`{arn}`)"),
        (_, Some(arn)) => format!("you are `{arn}`"),
        _ => "who you are is unknown".to_string(),
    };
    let owner = match (h.ownership.relation, &h.ownership.owner_account) {
        (Relation::SameAccount, _) => "the bucket is in your account".to_string(),
        (Relation::CrossAccount, Some(o)) => format!("the bucket belongs to another account ({o})"),
        (Relation::CrossAccount, None) => "the bucket belongs to another account".to_string(),
        (Relation::Unknown, _) => "who owns the bucket is unknown".to_string(),
    };
    out.push_str(&format!(
        "next steps for `{}`: {you}; {owner} ({})\n",
        h.store, h.ownership.evidence
    ));
    if let Some(policy) = &h.caller_policy {
        out.push_str(&format!(
            "\n  you can attach this IAM policy to {} yourself:\n",
            h.caller
                .as_deref()
                .map(|c| format!("`{c}`"))
                .unwrap_or_else(|| "your identity".into())
        ));
        out.push_str(&indent(&policy.to_json_pretty(), 4));
    }
    if let Some(command) = &h.owner_command {
        let who = if h.ownership.relation == Relation::Unknown {
            "if the bucket is another account's, ask its owner to run"
        } else {
            "ask the bucket's owner to run"
        };
        out.push_str(&format!("\n  {who}:\n    {command}\n"));
        if !h.owner_statements.is_empty() {
            out.push_str("  which adds to the bucket policy:\n");
            let text = serde_json::to_string_pretty(&h.owner_statements).unwrap_or_default();
            out.push_str(&indent(&text, 4));
        }
    }
    if h.caller_policy.is_none() && h.owner_command.is_none() {
        out.push_str("\n  the policies statelint could read grant everything it probed; see each denial for what else may deny it\n");
    }
    out
}

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines().map(|l| format!("{pad}{l}\n")).collect()
}
