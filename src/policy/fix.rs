//! `statelint fix-policy`: the smallest change to a bucket policy that grants a principal
//! what a template (`policies/*.json`) says it needs.
//!
//! Every (action, resource) pair of the template is evaluated against the current policy
//! with our evaluator, as a cross-account request (so the grant must be in the bucket
//! policy itself). Only what is not already allowed is added, in statements whose `Sid` is
//! derived from the template statement and the principal: running the fix again finds
//! everything granted and changes nothing, and unrelated statements are never touched.
//! The result is evaluated again before it is returned: it must allow every needed pair for
//! that principal, and what it adds names only that principal.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::evaluate::{evaluate, Caller, Decision, PolicySet, Request, StatementRef};
use super::model::{Effect, OneOrMany, PolicyDocument, Principal, Statement};

/// A grant template from `policies/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Template {
    /// People and pipelines running kops: read, write and delete under the prefix.
    Operator,
    /// kops control-plane nodes: read under the prefix.
    NodeReadonly,
    /// `statelint check` in CI: read, bucket settings, its own probe objects.
    CiPreflight,
}

impl Template {
    pub fn text(self) -> &'static str {
        match self {
            Template::Operator => include_str!("../../policies/operator.json"),
            Template::NodeReadonly => include_str!("../../policies/node-readonly.json"),
            Template::CiPreflight => include_str!("../../policies/ci-preflight.json"),
        }
    }
}

/// What to fix.
#[derive(Debug, Clone)]
pub struct FixInput<'a> {
    /// The bucket's current policy (`None`: the bucket has none).
    pub existing: Option<&'a PolicyDocument>,
    pub template: Template,
    /// The IAM user or role ARN (or account root ARN) to grant.
    pub principal: &'a str,
    pub bucket: &'a str,
    /// The store prefix inside the bucket (`kops`, `kops/`, or empty for the whole bucket).
    pub prefix: &'a str,
}

/// One needed (action, resource) pair the current policy denies explicitly: adding an
/// Allow cannot fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    pub action: String,
    pub resource: String,
    pub by: StatementRef,
}

/// One needed pair a `Deny` refuses only under a condition whose value is unknown offline
/// (`NotIpAddress aws:SourceIp`, `StringNotEquals aws:SourceVpce`, an encryption header):
/// whether kops gets through depends on the request, so the grant is added and the
/// condition named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conditional {
    pub action: String,
    pub resource: String,
    pub by: StatementRef,
    /// The condition keys that decide it, as written.
    pub keys: Vec<String>,
}

/// Condition keys whose values the fix knows offline: the ones the evaluator derives from
/// the principal itself.
pub(crate) const PRINCIPAL_KEYS: [&str; 5] = [
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principaltype",
    "aws:username",
    "aws:principalservicename",
];

/// The keys of a `Deny`'s condition that depend on the request, not on the principal.
fn request_keys(s: &Statement) -> Vec<String> {
    if s.effect != Effect::Deny {
        return Vec::new();
    }
    let mut keys: Vec<String> = s
        .condition
        .iter()
        .flat_map(|c| c.iter())
        .flat_map(|(_, keys)| keys.iter().map(|(k, _)| k.to_string()))
        .filter(|k| !PRINCIPAL_KEYS.contains(&k.to_ascii_lowercase().as_str()))
        .collect();
    keys.dedup();
    keys
}

/// The policy with every request-conditional `Deny` made to apply to no one (statement
/// positions kept, so references still point at the written statements).
fn without_conditional_denies(policy: &PolicyDocument) -> PolicyDocument {
    let statements: Vec<Statement> = policy
        .statements()
        .iter()
        .map(|s| {
            if request_keys(s).is_empty() {
                s.clone()
            } else {
                Statement {
                    principal: None,
                    not_principal: None,
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

/// The outcome of planning a fix.
#[derive(Debug, Clone)]
pub struct FixPlan {
    /// The complete resulting policy.
    pub policy: PolicyDocument,
    /// The statements added or extended (empty when nothing was missing).
    pub added: Vec<Statement>,
    /// The (action, resource) pairs that were missing.
    pub missing: Vec<(String, String)>,
    /// Pairs denied explicitly; they stay denied.
    pub blocked: Vec<Blocked>,
    /// Pairs a `Deny` refuses only under request conditions; granted, and still limited.
    pub conditional: Vec<Conditional>,
}

impl FixPlan {
    pub fn changed(&self) -> bool {
        !self.added.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FixError {
    #[error("`{0}` is not an IAM principal ARN (arn:<partition>:iam::<account>:user/..., role/... or root)")]
    BadPrincipal(String),
    #[error("template `{0:?}` is not a valid policy template: {1}")]
    BadTemplate(Template, String),
    #[error("the fixed policy still does not allow `{action}` on `{resource}`: {why}")]
    NotGranted {
        action: String,
        resource: String,
        why: String,
    },
}

/// The partition of an ARN (`aws`, `aws-cn`, ...).
fn partition(principal: &str) -> Option<&str> {
    principal.strip_prefix("arn:")?.split(':').next()
}

/// The principal's account; empty for Ceph RGW users without a tenant
/// (`arn:aws:iam:::user/NAME`), which are valid principals there.
fn account(principal: &str) -> Option<&str> {
    principal.split(':').nth(4)
}

fn substitute(text: &str, input: &FixInput<'_>, partition: &str) -> String {
    let prefix = input.prefix.trim_matches('/');
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    };
    text.replace("${partition}", partition)
        .replace("${bucket}", input.bucket)
        .replace("${prefix}", &prefix)
        .replace("${principal}", input.principal)
}

/// The template's grants as an identity policy for the principal itself (no `Principal`),
/// ready to attach to its IAM user or role: a cross-account caller needs these on its own
/// side as well as the bucket policy's.
pub fn identity_policy(
    template: Template,
    partition: &str,
    bucket: &str,
    prefix: &str,
) -> PolicyDocument {
    let input = FixInput {
        existing: None,
        template,
        principal: "",
        bucket,
        prefix,
    };
    let text = substitute(template.text(), &input, partition);
    let statements: Vec<Statement> = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|t| serde_json::from_value(t["statements"].clone()).ok())
        .unwrap_or_default();
    PolicyDocument::new(
        statements
            .into_iter()
            .map(|mut s| {
                s.principal = None;
                s
            })
            .collect(),
    )
}

/// Actions AWS documents but some S3-compatible servers reject in a bucket policy (Ceph
/// RGW 16 answers `400 InvalidArgument` to `s3:GetEncryptionConfiguration`). kops only
/// reads the encryption setting and falls back to AES256 headers without it.
pub const ACTIONS_SOME_PROVIDERS_REJECT: &[&str] = &["s3:GetEncryptionConfiguration"];

/// `policy` with `actions` removed from the statements this fix added (never from the
/// owner's own statements); statements left without actions are dropped. Returns the
/// policy and whether anything was removed.
pub fn without_added_actions(
    policy: &PolicyDocument,
    added: &[Statement],
    actions: &[&str],
) -> (PolicyDocument, bool) {
    let ours = |s: &Statement| added.iter().any(|a| a.sid.is_some() && a.sid == s.sid);
    let mut removed = false;
    let statements = policy
        .statements()
        .iter()
        .filter_map(|s| {
            if !ours(s) {
                return Some(s.clone());
            }
            let kept: Vec<String> = strings(&s.action)
                .into_iter()
                .filter(|a| {
                    let drop = actions.iter().any(|x| x.eq_ignore_ascii_case(a));
                    removed |= drop;
                    !drop
                })
                .collect();
            if kept.is_empty() {
                return None;
            }
            let mut s = s.clone();
            s.action = Some(OneOrMany::Many(kept));
            Some(s)
        })
        .collect();
    (
        PolicyDocument {
            version: policy.version.clone(),
            id: policy.id.clone(),
            statements: OneOrMany::Many(statements),
        },
        removed,
    )
}

/// A concrete resource a pattern matches, to evaluate it: wildcards become a letter.
fn representative(pattern: &str) -> String {
    pattern.replace(['*', '?'], "x")
}

/// The stable `Sid` of the statement granting `principal` the missing part of `template_sid`.
pub fn fix_sid(template_sid: &str, principal: &str) -> String {
    let digest = Sha256::digest(principal.as_bytes());
    let short: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("{template_sid}{short}")
}

fn strings(value: &Option<OneOrMany<String>>) -> Vec<String> {
    value
        .as_ref()
        .map(|v| v.iter().cloned().collect())
        .unwrap_or_default()
}

fn decide(
    policy: Option<&PolicyDocument>,
    caller: &Caller,
    owner: &str,
    action: &str,
    resource: &str,
) -> Decision {
    // Identity side granted, owner another account: only the bucket policy decides.
    let identity = PolicyDocument::new(vec![{
        let mut s = Statement::new(Effect::Allow);
        s.action = Some(OneOrMany::One("*".into()));
        s.resource = Some(OneOrMany::One("*".into()));
        s
    }]);
    let set = PolicySet {
        identity_policies: Some(vec![identity]),
        resource_policy: policy.cloned(),
        resource_owner_account: Some(owner.to_string()),
    };
    evaluate(&Request::new(caller.clone(), action, resource), &set)
}

/// Plans the fix; see the module documentation.
pub fn plan(input: &FixInput<'_>) -> Result<FixPlan, FixError> {
    let bad = || FixError::BadPrincipal(input.principal.to_string());
    let partition = partition(input.principal).ok_or_else(bad)?.to_string();
    let caller = Caller::from_arn(input.principal).map_err(|_| bad())?;
    let caller_account = account(input.principal).ok_or_else(bad)?;
    // Evaluate as if the bucket were in another account: the grant must then be in the
    // bucket policy, which is what a cross-account principal needs.
    let owner = if caller_account == "000000000000" {
        "000000000001"
    } else {
        "000000000000"
    };

    let template: Value =
        serde_json::from_str(&substitute(input.template.text(), input, &partition))
            .map_err(|e| FixError::BadTemplate(input.template, e.to_string()))?;
    let wanted: Vec<Statement> = serde_json::from_value(template["statements"].clone())
        .map_err(|e| FixError::BadTemplate(input.template, e.to_string()))?;

    let mut statements: Vec<Statement> = input
        .existing
        .map(|p| p.statements().to_vec())
        .unwrap_or_default();
    let mut added = Vec::new();
    let mut missing = Vec::new();
    let mut blocked = Vec::new();
    let mut conditional = Vec::new();
    // Decided offline: conditional Denies set aside (reported below as "depends").
    let decidable = input.existing.map(without_conditional_denies);
    for want in &wanted {
        let resources = strings(&want.resource);
        let mut lacking: Vec<String> = Vec::new();
        for action in strings(&want.action) {
            for resource in &resources {
                let concrete = representative(resource);
                if let (Some(existing), Decision::ExplicitDeny { by, .. }) = (
                    input.existing,
                    decide(input.existing, &caller, owner, &action, &concrete),
                ) {
                    let keys = existing
                        .statements()
                        .get(by.index)
                        .map(request_keys)
                        .unwrap_or_default();
                    if !keys.is_empty() {
                        conditional.push(Conditional {
                            action: action.clone(),
                            resource: concrete.clone(),
                            by,
                            keys,
                        });
                    }
                }
                match decide(decidable.as_ref(), &caller, owner, &action, &concrete) {
                    Decision::Allow { .. } => {}
                    Decision::ExplicitDeny { by, .. } => blocked.push(Blocked {
                        action: action.clone(),
                        resource: concrete.clone(),
                        by,
                    }),
                    _ => {
                        missing.push((action.clone(), resource.clone()));
                        if !lacking.contains(&action) {
                            lacking.push(action.clone());
                        }
                    }
                }
            }
        }
        if lacking.is_empty() {
            continue;
        }
        let sid = fix_sid(want.sid.as_deref().unwrap_or("Statelint"), input.principal);
        // Extend our own statement from an earlier run rather than adding a second one.
        if let Some(existing) = statements
            .iter_mut()
            .find(|s| s.sid.as_deref() == Some(sid.as_str()))
        {
            let mut actions = strings(&existing.action);
            actions.extend(lacking);
            actions.sort();
            actions.dedup();
            existing.action = Some(OneOrMany::Many(actions));
            added.push(existing.clone());
            continue;
        }
        lacking.sort();
        let mut statement = Statement::new(Effect::Allow);
        statement.sid = Some(sid);
        statement.principal = Some(Principal::aws([input.principal]));
        statement.action = Some(OneOrMany::Many(lacking));
        statement.resource = want.resource.clone();
        added.push(statement.clone());
        statements.push(statement);
    }

    // Both arms write `Statement` as a list, even where the existing policy had one object.
    let policy = match input.existing {
        Some(p) => PolicyDocument {
            version: p.version.clone(),
            id: p.id.clone(),
            statements: OneOrMany::Many(statements),
        },
        None => PolicyDocument::new(statements),
    };

    // Check the result with the same evaluator before anyone sees it.
    let decidable = without_conditional_denies(&policy);
    for want in &wanted {
        for action in strings(&want.action) {
            for resource in strings(&want.resource) {
                let concrete = representative(&resource);
                if blocked
                    .iter()
                    .any(|b| b.action == action && b.resource == concrete)
                {
                    continue;
                }
                let decision = decide(Some(&decidable), &caller, owner, &action, &concrete);
                if !decision.is_allow() {
                    return Err(FixError::NotGranted {
                        action,
                        resource: concrete,
                        why: decision.summary().to_string(),
                    });
                }
            }
        }
    }
    Ok(FixPlan {
        policy,
        added,
        missing,
        blocked,
        conditional,
    })
}

/// A unified diff (`---`/`+++` headers, `@@` hunks with three lines of context) from the
/// policy `old` (named `old_name`) to `new`, as `diff -u` and code review tools show it.
/// An empty `old` (no policy yet) is one hunk adding every line.
pub fn diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    let with_newline = |s: &str| {
        if s.is_empty() || s.ends_with('\n') {
            s.to_string()
        } else {
            format!("{s}\n")
        }
    };
    let (old, new) = (with_newline(old), with_newline(new));
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

/// The shell command that uploads the policy saved in `file` to `bucket`, quoted for a
/// POSIX shell when the path needs it.
pub fn apply_command(bucket: &str, file: &str) -> String {
    let argument = format!("file://{file}");
    let plain = argument
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    let argument = if plain {
        argument
    } else {
        format!("'{}'", argument.replace('\'', "'\\''"))
    };
    format!("aws s3api put-bucket-policy --bucket {bucket} --policy {argument}")
}

mod terraform;
pub use terraform::terraform;

#[cfg(test)]
mod tests;
