//! SL304: a principal of another account that can read the store (the evaluator says the
//! bucket policy allows it `s3:GetObject` on some object or `s3:ListBucket` on the bucket)
//! but not `s3:GetBucketLocation` on the bucket, which kops before 1.36 needs first.

use super::{aws_principals, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::arn::is_account_id;
use crate::policy::evaluate::{evaluate, Caller, PolicySet, Request};
use crate::policy::model::{Effect, PolicyDocument, Statement};

code!(
    INFO,
    "SL304",
    "cross-account-missing-location",
    Error,
    "a principal of another account can read the store but not `s3:GetBucketLocation`"
);

pub struct CrossAccountMissingLocation;
pub static RULE: CrossAccountMissingLocation = CrossAccountMissingLocation;

fn account_of(principal: &str) -> Option<&str> {
    if is_account_id(principal) {
        return Some(principal);
    }
    principal.split(':').nth(4).filter(|a| is_account_id(a))
}

/// The caller a principal entry stands for (a bare account id is its root user).
fn caller_of(principal: &str) -> Option<Caller> {
    let arn = if is_account_id(principal) {
        format!("arn:aws:iam::{principal}:root")
    } else {
        principal.to_string()
    };
    Caller::from_arn(&arn).ok()
}

/// The grants of the policy without their conditions: whether a principal is granted
/// something at all, whatever the network or transport it comes from.
fn grants_only(policy: &PolicyDocument) -> PolicyDocument {
    let statements: Vec<Statement> = policy
        .statements()
        .iter()
        .filter(|s| s.effect == Effect::Allow)
        .map(|s| Statement {
            condition: None,
            ..s.clone()
        })
        .collect();
    PolicyDocument {
        statements: statements.into(),
        ..policy.clone()
    }
}

/// Sample object keys inside `bucket`: the object resources of the statements that name
/// `principal` (`*` read as `x`), and the usual kops store layout.
fn object_samples(policy: &PolicyDocument, bucket: &str, principal: &str) -> Vec<String> {
    let prefix = format!("arn:aws:s3:::{bucket}/");
    let mut out: Vec<String> = policy
        .statements()
        .iter()
        .filter(|s| {
            s.principal.as_ref().is_some_and(|p| {
                p.is_everyone() || p.entries().iter().any(|(_, v)| *v == principal)
            })
        })
        .flat_map(|s| s.resource.iter().flat_map(|r| r.iter()))
        .filter_map(|r| r.strip_prefix(&prefix))
        .map(|key| format!("{prefix}{}", key.replace(['*', '?'], "x")))
        .collect();
    out.push(format!("{prefix}kops/config"));
    out.sort();
    out.dedup();
    out
}

/// The statements of `policy` whose principal may be `principal` (of `account`).
fn naming(policy: &PolicyDocument, principal: &str, account: &str) -> PolicyDocument {
    let root = format!(":{account}:root");
    let statements: Vec<Statement> = policy
        .statements()
        .iter()
        .filter(|s| {
            s.not_principal.is_some()
                || s.principal.as_ref().is_some_and(|p| {
                    p.is_everyone()
                        || p.entries()
                            .iter()
                            .any(|(_, v)| *v == principal || *v == account || v.ends_with(&root))
                })
        })
        .cloned()
        .collect();
    PolicyDocument {
        version: policy.version.clone(),
        id: policy.id.clone(),
        statements: statements.into(),
    }
}

fn buckets(policy: &PolicyDocument) -> Vec<String> {
    let mut out: Vec<String> = policy
        .statements()
        .iter()
        .flat_map(|s| s.resource.iter().flat_map(|r| r.iter()))
        .filter_map(|r| r.strip_prefix("arn:aws:s3:::"))
        .map(|r| r.split('/').next().unwrap_or_default().to_string())
        .filter(|b| !b.is_empty() && !b.contains(['*', '?', '$']))
        .collect();
    out.sort();
    out.dedup();
    out
}

impl PolicyRule for CrossAccountMissingLocation {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn bucket_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let policy = grants_only(&cx.parsed.policy);
        // Identity side granted in full: the question is only what the bucket policy gives.
        let mut everything = Statement::new(Effect::Allow);
        everything.action = Some("*".to_string().into());
        everything.resource = Some("*".to_string().into());
        // The owner is unknown or another account: either way the bucket policy decides.
        let owner = cx.owner_account.unwrap_or("000000000000");
        let identity = Some(vec![PolicyDocument::new(vec![everything])]);
        let buckets = buckets(&policy);
        let mut reported: Vec<String> = Vec::new();
        for (i, s) in cx.statements().iter().enumerate() {
            if s.effect != Effect::Allow {
                continue;
            }
            for (pointer, principal) in aws_principals(s, &cx.pointer(i)) {
                let (Some(account), Some(caller)) = (account_of(&principal), caller_of(&principal))
                else {
                    continue;
                };
                if account == owner || reported.contains(&principal) {
                    continue;
                }
                // Only the statements that can name this principal: linear per principal.
                let mine = naming(&policy, &principal, account);
                let set = PolicySet {
                    identity_policies: identity.clone(),
                    resource_policy: Some(mine.clone()),
                    resource_owner_account: Some(owner.to_string()),
                };
                let allowed = |action: &str, resource: &str| {
                    evaluate(&Request::new(caller.clone(), action, resource), &set).is_allow()
                };
                for bucket in &buckets {
                    let bucket_arn = format!("arn:aws:s3:::{bucket}");
                    let reads = allowed("s3:ListBucket", &bucket_arn)
                        || object_samples(&mine, bucket, &principal)
                            .iter()
                            .any(|o| allowed("s3:GetObject", o));
                    if !reads || allowed("s3:GetBucketLocation", &bucket_arn) {
                        continue;
                    }
                    reported.push(principal.clone());
                    out.push(
                        cx.at(&INFO, &pointer, format!("`{principal}` can read bucket `{bucket}` but is not granted `s3:GetBucketLocation` on `{bucket_arn}`; kops before 1.36 cannot find the bucket's region"))
                            .with_help("add `s3:GetBucketLocation` on the bucket ARN for this principal (`statelint fix-policy` prints it)"),
                    );
                    break;
                }
            }
        }
    }
}
